import fs from 'node:fs';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { createEvent, type AnyEvent } from '../events/index.js';
import { createLogger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { createStepCommandHandler, type NodeExecutors } from '../runner/step-runner.js';
import { validateWorkflow } from '../workflow/validate-workflow.js';
import { defineNode } from './define-node.js';
import { createNodeRegistry, NODES, nodeRegistry, nodeTable } from './registry.js';

describe('the node registry', () => {
  it('holds the sixteen node types, each keyed by category and subtype', () => {
    expect(Object.keys(NODES)).toHaveLength(16);
    for (const [key, def] of Object.entries(NODES)) expect(key).toBe(`${def.category}/${def.subtype}`);
    expect(Object.values(NODES).filter((n) => n.category === 'trigger').every((n) => typeof (n as { shape?: unknown }).shape === 'function')).toBe(true);
    expect(Object.values(NODES).filter((n) => n.category === 'action').every((n) => (n as { sends?: unknown }).sends !== undefined)).toBe(true);
  });

  it('is what the README\'s node table says', () => {
    const readme = fs.readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(readme, 'regenerate the table from nodeTable() in shared/src/nodes/registry.ts').toContain(nodeTable());
  });

  it('says what an action sends and to whom', () => {
    const whatsapp = NODES['action/send_whatsapp'];
    expect(whatsapp.sends?.to(whatsapp.config.parse({ actionType: 'send_whatsapp', messageTemplate: 'hi' }), { phone_number: '+91' })).toBe('+91');
    expect(NODES['action/send_email'].sends?.to({ actionType: 'send_email', to: 'a@b.c', subject: 's', body: 'b' }, {})).toBe('a@b.c');
  });
});

describe('adding a node type', () => {
  // A node type is its definition and its executor: nothing else in the engine names it.
  const translate = defineNode({
    category: 'utility',
    subtype: 'translate',
    config: z.object({ utilityType: z.literal('translate'), inputText: z.string().min(1), language: z.string().length(2) }),
    configDoc: '`inputText`, `language`',
    outputs: ['translated_text'],
  });
  const registry = createNodeRegistry({ ...NODES, 'utility/translate': translate });
  const executors = { 'utility/translate': async ({ config }: { config: { inputText: string; language: string } }) => ({ translated_text: `[${config.language}] ${config.inputText}` }) } as unknown as NodeExecutors;

  it('is validated in workflows from its definition alone', () => {
    const steps = [
      { stepId: 't', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'tr' },
      { stepId: 'tr', stepType: 'utility', config: { utilityType: 'translate', inputText: '{{message_text}}', language: 'fr' }, nextStepId: 'reply' },
      { stepId: 'reply', stepType: 'action', config: { actionType: 'send_whatsapp', messageTemplate: '{{translated_text}}' } },
    ];
    expect(validateWorkflow(steps, registry)).toEqual({ valid: true, errors: [] });
    expect(validateWorkflow(steps).valid).toBe(false);
    const bad = [steps[0], { ...steps[1], config: { utilityType: 'translate', inputText: 'x', language: 'french' } }, steps[2]] as typeof steps;
    expect(validateWorkflow(bad, registry).errors[0]?.message).toContain('config.language');
  });

  it('runs on its category\'s runner with its executor', async () => {
    const now = Date.now();
    const command = createEvent('step.command', {
      orgId: 'o',
      executionId: 'e',
      data: {
        step: { stepId: 'tr', stepType: 'utility', config: { utilityType: 'translate', inputText: '{{message_text}}', language: 'fr' } },
        stepType: 'utility',
        nodeType: 'translate',
        state: { workflowId: 'w', version: 1, userId: 'u', mode: 'live', startedAt: new Date(now).toISOString(), deadlineAt: new Date(now + 60_000).toISOString(), triggerData: { message_text: 'bonjour' }, steps: {}, order: [], stepOrder: 1 },
      },
    });
    const handler = createStepCommandHandler({ executors, metrics: createMetrics('test'), registry });
    const out = (await handler(command, { topic: 't', partition: 0, offset: '0', logger: createLogger('test', 'silent') })) as { event: AnyEvent }[];
    expect(out[0]?.event).toMatchObject({ type: 'step.completed', data: { output: { translated_text: '[fr] bonjour' } } });
    expect(nodeRegistry.keyOf(command.data.step)).toBeUndefined();
  });
});
