import { describe, expect, it } from 'vitest';
import { stepDefinitionSchema, type StepDefinition } from '../events/index.js';
import { validateWorkflow } from './validate-workflow.js';

const s = (raw: Record<string, unknown>): StepDefinition => stepDefinitionSchema.parse(raw);
const trigger = s({ stepId: 't', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'a' });
const agent = s({ stepId: 'a', stepType: 'agent', config: { agentType: 'decision' }, nextStepId: 'w' });
const reply = s({ stepId: 'w', stepType: 'action', config: { actionType: 'send_whatsapp', messageTemplate: 'hi' } });

const messages = (steps: StepDefinition[]) => validateWorkflow(steps).errors.map((e) => e.message);

describe('validateWorkflow', () => {
  it('accepts a connected workflow of known, configured nodes', () => {
    expect(validateWorkflow([trigger, agent, reply])).toEqual({ valid: true, errors: [] });
  });

  it('runs the structural checks: no steps, no trigger, unconfigured, unconnected', () => {
    expect(messages([])).toEqual(['Workflow has no steps']);
    expect(messages([agent, reply])).toContain('Workflow must have at least one trigger');
    expect(messages([trigger, s({ stepId: 'a', stepType: 'agent', config: {} , nextStepId: 'w'}), reply])).toContain('Step a is not configured');
    expect(messages([trigger, s({ stepId: 'a', stepType: 'agent', config: { agentType: 'decision' } })])).toContain('Step a has no outgoing connection');
  });

  it('names the step with an unknown type or subtype', () => {
    const errors = validateWorkflow([trigger, s({ stepId: 'a', stepType: 'agent', config: { agentType: 'psychic' }, nextStepId: 'w' }), reply, s({ stepId: 'x', stepType: 'robot', config: { a: 1 } })]).errors;
    expect(errors).toContainEqual({ stepId: 'a', message: 'Step a: unknown agentType "psychic" for a agent step' });
    expect(errors.some((e) => e.stepId === 'x' && e.message.includes('unknown stepType "robot"'))).toBe(true);
  });

  it('finds dangling targets, unreachable steps and cycles', () => {
    const loop = s({ stepId: 'a', stepType: 'agent', config: { agentType: 'decision' }, nextStepId: 'b' });
    const back = s({ stepId: 'b', stepType: 'utility', config: { utilityType: 'sentiment', inputText: 'x' }, nextStepId: 'a' });
    expect(messages([trigger, loop, back]).some((m) => m.startsWith('Steps form a cycle'))).toBe(true);
    expect(messages([trigger, s({ ...agent, nextStepId: 'nowhere' })])).toContain('Step a points to missing step nowhere');
    expect(messages([trigger, agent, reply, s({ stepId: 'orphan', stepType: 'action', config: { actionType: 'initiate_call', phoneNumber: '1', voiceAgent: 'v' } })])).toContain(
      'Step orphan is unreachable from the trigger',
    );
    const routed = s({ ...agent, nextStepId: undefined, routes: [{ when: { field: 'decision', equals: 'Approve' }, nextStepId: 'ghost' }] });
    expect(messages([trigger, routed, reply])).toContain('Step a points to missing step ghost');
  });

  it('checks node config strictly, with the failing field', () => {
    const bad = s({ stepId: 'w', stepType: 'action', config: { actionType: 'send_whatsapp', recipient: 'custom', messageTemplate: 'x' } });
    expect(messages([trigger, agent, bad])).toContain('Step w: config.customRecipient: customRecipient is required when recipient is "custom"');
  });
});
