import { describe, expect, it } from 'vitest';
import { createEvent, stepDefinitionSchema, TOPICS, type AnyEvent, type StepDefinition } from '@botwot/shared/events';
import type { WorkflowVersion } from '@botwot/shared/db';
import type { HandlerContext, Outgoing } from '@botwot/shared/kafka';
import { createLogger } from '@botwot/shared/observability';
import { createMemoryClaims } from '../claims.js';
import type { WorkflowSource } from '../workflow-cache.js';
import { createHandlers } from './index.js';

const steps: StepDefinition[] = [
  { stepId: 't', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'decide' },
  {
    stepId: 'decide',
    stepType: 'agent',
    config: { agentType: 'decision' },
    routes: [{ when: { field: 'decision', equals: 'Approve' }, nextStepId: 'yes' }],
    nextStepId: 'no',
  },
  { stepId: 'yes', stepType: 'action', config: { actionType: 'send_whatsapp', messageTemplate: 'ok' } },
  { stepId: 'no', stepType: 'action', config: { actionType: 'send_whatsapp', messageTemplate: 'no' }, onFailureStepId: 'yes' },
].map((s) => stepDefinitionSchema.parse(s));

const workflow = { workflow: { _id: 'wf1', orgId: 'org', latestVersion: 1 }, version: 1, steps } as unknown as WorkflowVersion;
const source: WorkflowSource = {
  get: async (q) => (q.workflowId === 'wf1' && q.orgId === 'org' ? workflow : null),
  activeWithTrigger: async (orgId, type) => (orgId === 'org' && type === 'whatsapp' ? [{ workflowId: 'wf1', version: 1, userId: 'u' }] : []),
};

function setup(now = Date.parse('2026-01-01T00:00:00Z')) {
  const handlers = createHandlers({ workflows: source, claims: createMemoryClaims(), executionTimeoutMs: 60_000, now: () => now });
  let offset = 0;
  const handle = async (event: AnyEvent): Promise<Outgoing[]> => {
    const ctx: HandlerContext = { topic: 't', partition: 0, offset: String(offset++), logger: createLogger('test', 'silent') };
    const handler = handlers[event.type] as ((e: AnyEvent, c: HandlerContext) => Promise<Outgoing[] | void>) | undefined;
    return (await handler?.(event, ctx)) ?? [];
  };
  return { handle };
}

const requested = (executionId = 'e1') =>
  createEvent('execution.requested', {
    orgId: 'org',
    executionId,
    data: { workflowId: 'wf1', version: 1, userId: 'u', mode: 'live', triggerData: { phone_number: '+1', message_text: 'hi' } },
  });

describe('orchestrator handlers', () => {
  it('starts an execution: started, the trigger logged, and the first command to the agent topic', async () => {
    const out = await setup().handle(requested());
    expect(out.map((o) => [o.topic, o.event.type])).toEqual([
      [TOPICS.executionEvents, 'execution.started'],
      [TOPICS.executionEvents, 'step.recorded'],
      [TOPICS.agentCommands, 'step.command'],
    ]);
    const command = out[2]?.event as Extract<AnyEvent, { type: 'step.command' }>;
    expect(command.data.step.stepId).toBe('decide');
    expect(command.data.state.vars).toMatchObject({ phone_number: '+1', message_text: 'hi' });
    expect(command.data.state.stepOrder).toBe(1);
  });

  it('ignores the same execution published twice by different messages', async () => {
    const { handle } = setup();
    expect(await handle(requested('dup'))).toHaveLength(3);
    expect(await handle(requested('dup'))).toEqual([]);
  });

  it('follows the first matching route, else nextStepId', async () => {
    const { handle } = setup();
    const command = (await handle(requested()))[2]?.event as Extract<AnyEvent, { type: 'step.command' }>;
    const result = (output: Record<string, unknown>) =>
      createEvent('step.completed', {
        orgId: 'org',
        executionId: 'e1',
        data: { stepId: 'decide', stepType: 'agent', nodeType: 'decision', attempt: 1, input: {}, output, startedAt: new Date().toISOString(), completedAt: new Date().toISOString(), durationMs: 5, tries: [], state: command.data.state },
      });
    const approve = await handle(result({ decision: 'approve', confidence: 0.9 }));
    expect((approve[1]?.event as Extract<AnyEvent, { type: 'step.command' }>).data.step.stepId).toBe('yes');
    const reject = await handle(result({ decision: 'Reject', confidence: 0.9 }));
    expect((reject[1]?.event as Extract<AnyEvent, { type: 'step.command' }>).data.step.stepId).toBe('no');
  });

  it('fails the execution with the step error and the state to resume from', async () => {
    const { handle } = setup();
    const command = (await handle(requested()))[2]?.event as Extract<AnyEvent, { type: 'step.command' }>;
    const failed = createEvent('step.failed', {
      orgId: 'org',
      executionId: 'e1',
      data: { stepId: 'decide', stepType: 'agent', nodeType: 'decision', attempt: 1, input: {}, error: { code: 'BREAKER_OPEN', kind: 'retryable', message: 'open', provider: 'botcore' }, startedAt: new Date().toISOString(), completedAt: new Date().toISOString(), durationMs: 1, tries: [], state: command.data.state },
    });
    const out = await handle(failed);
    expect(out.map((o) => o.event.type)).toEqual(['step.recorded', 'execution.failed']);
    const end = out[1]?.event as Extract<AnyEvent, { type: 'execution.failed' }>;
    expect(end.data.error).toMatchObject({ code: 'BREAKER_OPEN', provider: 'botcore' });
    expect(end.data.failedStepId).toBe('decide');
    expect(end.data.resumeState?.vars).toMatchObject({ message_text: 'hi' });
  });

  it('fails with EXECUTION_TIMEOUT instead of dispatching past the deadline', async () => {
    const start = Date.parse('2026-01-01T00:00:00Z');
    const command = (await setup(start).handle(requested()))[2]?.event as Extract<AnyEvent, { type: 'step.command' }>;
    const late = setup(start + 61_000);
    const out = await late.handle(
      createEvent('step.completed', {
        orgId: 'org',
        executionId: 'e1',
        data: { stepId: 'decide', stepType: 'agent', nodeType: 'decision', attempt: 1, input: {}, output: { decision: 'Approve' }, startedAt: new Date().toISOString(), completedAt: new Date().toISOString(), durationMs: 1, tries: [], state: command.data.state },
      }),
    );
    expect(out.map((o) => o.event.type)).toEqual(['step.recorded', 'execution.failed']);
    expect((out[1]?.event as Extract<AnyEvent, { type: 'execution.failed' }>).data.error.code).toBe('EXECUTION_TIMEOUT');
  });

  it('starts each matching workflow once per trigger event id', async () => {
    const { handle } = setup();
    const trigger = createEvent('trigger.received', { orgId: 'org', eventId: 'wamid.1', data: { triggerType: 'whatsapp', data: { phone_number: '+1' } } });
    const first = await handle(trigger);
    expect(first.map((o) => [o.topic, o.event.type])).toEqual([[TOPICS.executionRequested, 'execution.requested']]);
    expect(await handle(trigger)).toEqual([]);
    const other = createEvent('trigger.received', { orgId: 'org', eventId: 'e-2', data: { triggerType: 'email', data: {} } });
    expect(await handle(other)).toEqual([]);
  });
});
