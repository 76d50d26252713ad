import { describe, expect, it } from 'vitest';
import { createEvent, stepDefinitionSchema, type ExecutionState, type StepDefinition } from '@botwot/shared/events';
import type { WorkflowVersion } from '@botwot/shared/db';
import { start, stepFinished, type Transition } from './transitions.js';

const steps: StepDefinition[] = [
  { stepId: 't', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'decide' },
  { stepId: 'decide', stepType: 'agent', config: { agentType: 'decision' }, routes: [{ when: { field: 'decision', equals: 'Approve' }, nextStepId: 'yes' }], nextStepId: 'no' },
  { stepId: 'yes', stepType: 'action', config: { actionType: 'send_whatsapp', messageTemplate: 'ok' } },
  { stepId: 'no', stepType: 'action', config: { actionType: 'send_whatsapp', messageTemplate: 'no' }, onFailureStepId: 'yes' },
].map((s) => stepDefinitionSchema.parse(s));
const workflow = { workflow: { _id: 'wf1', orgId: 'org', latestVersion: 1 }, version: 1, steps } as unknown as WorkflowVersion;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const request = { workflowId: 'wf1', version: 1, userId: 'u', mode: 'live' as const, triggerData: { phone_number: '+1', message_text: 'hi', extra: 'kept' } };

const started = start({ request, workflow, now: T0, defaultTimeoutMs: 60_000 });
const stateAfterTrigger = (started.next as { state: ExecutionState }).state;

function result(type: 'step.completed' | 'step.failed', stepId: string, state: ExecutionState, payload: Record<string, unknown>) {
  const base = { stepId, stepType: 'agent', nodeType: 'decision', input: {}, startedAt: new Date(T0).toISOString(), completedAt: new Date(T0).toISOString(), durationMs: 5, tries: [], state };
  return type === 'step.completed'
    ? createEvent('step.completed', { orgId: 'org', executionId: 'e1', data: { ...base, output: payload } })
    : createEvent('step.failed', { orgId: 'org', executionId: 'e1', data: { ...base, error: payload as never } });
}
const nextOf = (t: Transition) => (t.next.kind === 'dispatch' ? `dispatch ${t.next.step.stepId}` : t.next.kind === 'fail' ? `fail ${t.next.error.code}` : t.next.kind);

describe('start', () => {
  it('records the start and the trigger, and dispatches the step after it with the trigger output merged once', () => {
    expect(started.started).toMatchObject({ workflowId: 'wf1', startedAt: '2026-01-01T00:00:00.000Z', deadlineAt: '2026-01-01T00:01:00.000Z' });
    expect(started.recorded).toMatchObject([{ stepId: 't', stepOrder: 0, status: 'completed', output: { phone_number: '+1', message_text: 'hi' } }]);
    expect(nextOf(started)).toBe('dispatch decide');
    expect(stateAfterTrigger).toMatchObject({ stepOrder: 1, order: ['t'], triggerData: request.triggerData });
    expect(Object.keys(stateAfterTrigger.steps)).toEqual(['t']);
  });

  it.each([
    ['no such workflow', { workflow: null }, 'fail WORKFLOW_NOT_FOUND'],
    ['an invalid version', { workflow: { ...workflow, steps: steps.slice(1) } }, 'fail INVALID_WORKFLOW'],
    ['trigger data over its limit', { request: { ...request, triggerData: { big: 'x'.repeat(200_000) } } }, 'fail TRIGGER_DATA_TOO_LARGE'],
    ['a retry from the failed step', { request: { ...request, retryOf: { executionId: 'e0', from: 'failed_step' as const, resumeStepId: 'no', resume: { steps: { t: {} }, order: ['t'], stepOrder: 2 } } } }, 'dispatch no'],
  ])('%s: %s', (_name, change, expected) => {
    const t = start({ request, workflow, now: T0, defaultTimeoutMs: 60_000, ...change } as Parameters<typeof start>[0]);
    expect(nextOf(t)).toBe(expected);
    expect(t.started?.workflowId).toBe('wf1');
  });
});

describe('stepFinished', () => {
  it.each([
    ['a route that matches (case aside)', 'step.completed', { decision: 'approve' }, T0, 'dispatch yes'],
    ['no route matching: nextStepId', 'step.completed', { decision: 'Reject' }, T0, 'dispatch no'],
    ['past the deadline', 'step.completed', { decision: 'Approve' }, T0 + 61_000, 'fail EXECUTION_TIMEOUT'],
    ['a failure without a failure route', 'step.failed', { code: 'BREAKER_OPEN', kind: 'retryable', message: 'open', provider: 'botcore' }, T0, 'fail BREAKER_OPEN'],
    ['an output that takes the state past its limit', 'step.completed', { decision: 'x'.repeat(400_000) }, T0, 'fail STATE_TOO_LARGE'],
  ] as const)('%s', (_name, type, payload, now, expected) => {
    const t = stepFinished({ result: result(type, 'decide', stateAfterTrigger, payload), workflow, now });
    expect(nextOf(t)).toBe(expected);
    expect(t.recorded).toMatchObject([{ stepId: 'decide', stepOrder: 1, status: type === 'step.completed' ? 'completed' : 'failed' }]);
  });

  it('a failed step keeps the state to resume from, for a retry from that step', () => {
    const t = stepFinished({ result: result('step.failed', 'decide', stateAfterTrigger, { code: 'X', kind: 'non_retryable', message: 'm' }), workflow, now: T0 });
    expect(t.next).toMatchObject({ kind: 'fail', failedStepId: 'decide', state: { order: ['t'] } });
  });

  it('a failure route goes on with the error in the context', () => {
    const afterNo = { ...stateAfterTrigger, stepOrder: 2 };
    const t = stepFinished({ result: result('step.failed', 'no', afterNo, { code: 'UPSTREAM_400', kind: 'non_retryable', message: 'bad number' }), workflow, now: T0 });
    expect(nextOf(t)).toBe('dispatch yes');
    expect((t.next as { state: ExecutionState }).state.steps.no).toEqual({ error_message: 'bad number', error_code: 'UPSTREAM_400', failed_step_id: 'no' });
  });

  it('the last step completes the execution; a later output wins in the flat variables', () => {
    const afterYes = { ...stateAfterTrigger, stepOrder: 2 };
    const t = stepFinished({ result: result('step.completed', 'yes', afterYes, { message_text: 'replaced' }), workflow, now: T0 });
    expect(t.next.kind).toBe('complete');
    expect(t.next.state.order).toEqual(['t', 'yes']);
  });
});
