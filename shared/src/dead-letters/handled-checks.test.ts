import { describe, expect, it } from 'vitest';
import { createEvent, ids } from '../events/index.js';
import { command, completed, fakeRecords, requested } from './dead-letters.fixture.js';
import { checkHandled } from './handled-checks.js';

const source = { topic: 'workflow.execution.requested', partition: 1, offset: '40' };
const results = { topic: 'workflow.step.results', partition: 2, offset: '9' };
const lifecycle = { topic: 'workflow.execution.events', partition: 0, offset: '3' };
const at = '2025-01-01T00:00:00.000Z';

describe('execution.requested', () => {
  it('is replayed when neither its start claim nor its execution exists', async () => {
    const { records } = fakeRecords();
    expect(await checkHandled(requested('e1'), source, records)).toEqual({ kind: 'replay', workKey: 'execution:e1' });
  });

  it('is handled when another message holds its start claim (the orchestrator would drop it)', async () => {
    const { records } = fakeRecords({ claims: { 'execution:e1': 'workflow.execution.requested/3/45' } });
    expect(await checkHandled(requested('e1'), source, records)).toEqual({
      kind: 'handled',
      why: 'the orchestrator acted on it already: claim execution:e1 is held by workflow.execution.requested/3/45',
    });
  });

  it('is handled when its execution exists, whatever its status', async () => {
    for (const status of ['running', 'completed', 'failed']) {
      const { records } = fakeRecords({ executions: { e1: status } });
      expect(await checkHandled(requested('e1'), source, records)).toEqual({ kind: 'handled', why: `execution e1 exists (${status})` });
    }
  });

  it('is replayed, releasing the claim, when the claim is held by the very message that was dead-lettered', async () => {
    const { records } = fakeRecords({ claims: { 'execution:e1': 'workflow.execution.requested/1/40' } });
    expect(await checkHandled(requested('e1'), source, records)).toEqual({
      kind: 'replay',
      workKey: 'execution:e1',
      ownClaim: { key: 'execution:e1', holder: 'workflow.execution.requested/1/40' },
    });
  });

  it('is unfit without an executionId', async () => {
    const { executionId: _, ...event } = requested('e1');
    expect(await checkHandled(event as never, source, fakeRecords().records)).toMatchObject({ kind: 'unfit' });
  });
});

describe('trigger.received', () => {
  const trigger = createEvent('trigger.received', { orgId: 'org-a', eventId: 'wamid.1', data: { triggerType: 'whatsapp', data: {} } });
  const triggers = { topic: 'workflow.trigger.events', partition: 0, offset: '12' };

  it('is replayed when its claim is free, handled when another message holds it', async () => {
    expect(await checkHandled(trigger, triggers, fakeRecords().records)).toEqual({ kind: 'replay', workKey: 'trigger:org-a:wamid.1' });
    const taken = fakeRecords({ claims: { 'trigger:org-a:wamid.1': 'workflow.trigger.events/0/99' } });
    expect(await checkHandled(trigger, triggers, taken.records)).toMatchObject({ kind: 'handled' });
  });
});

describe('step.command (runners keep no record of their own)', () => {
  const actions = { topic: 'workflow.step.action', partition: 4, offset: '2' };

  it('is replayed while the execution runs and the step has neither a log row nor a taken result, naming the idempotency key', async () => {
    const { records } = fakeRecords({ executions: { e1: 'running' } });
    expect(await checkHandled(command('e1', 1), actions, records)).toEqual({
      kind: 'replay',
      workKey: 'step:e1:1',
      note: `runs step send (send_whatsapp) again; the provider is called again with idempotency key ${ids.idempotencyKey('e1', 'send')}`,
    });
  });

  it('names no provider call for a step without a side effect', async () => {
    expect(await checkHandled(command('e1', 1, 'agent'), { ...actions, topic: 'workflow.step.agent' }, fakeRecords().records)).toMatchObject({ note: 'runs step send (conversational) again' });
  });

  it('is handled once its log row exists', async () => {
    const { records } = fakeRecords({ executions: { e1: 'running' }, logRows: ['e1:1'] });
    expect(await checkHandled(command('e1', 1), actions, records)).toEqual({ kind: 'handled', why: 'step send is recorded (log row e1:1)' });
  });

  it('is handled once the orchestrator took its result', async () => {
    const { records } = fakeRecords({ claims: { 'step:e1:1': 'workflow.step.results/2/7' } });
    expect(await checkHandled(command('e1', 1), actions, records)).toMatchObject({ kind: 'handled', why: expect.stringContaining('claim step:e1:1') });
  });

  it('is handled once the execution has ended: running the step would act for nothing', async () => {
    const { records } = fakeRecords({ executions: { e1: 'failed' } });
    expect(await checkHandled(command('e1', 1), actions, records)).toMatchObject({ kind: 'handled', why: expect.stringMatching(/^execution e1 has ended \(failed\)/) });
  });

  it('a log row of another step does not count', async () => {
    const { records } = fakeRecords({ logRows: ['e1:0', 'e1:2', 'e2:1'] });
    expect(await checkHandled(command('e1', 1), actions, records)).toMatchObject({ kind: 'replay' });
  });
});

describe('step.completed / step.failed', () => {
  it('is replayed when not taken, handled when taken by another result or recorded or ended', async () => {
    expect(await checkHandled(completed('e1', 2), results, fakeRecords().records)).toEqual({ kind: 'replay', workKey: 'step:e1:2' });
    expect(await checkHandled(completed('e1', 2), results, fakeRecords({ claims: { 'step:e1:2': 'workflow.step.results/2/1' } }).records)).toMatchObject({ kind: 'handled' });
    expect(await checkHandled(completed('e1', 2), results, fakeRecords({ logRows: ['e1:2'] }).records)).toMatchObject({ kind: 'handled' });
    expect(await checkHandled(completed('e1', 2), results, fakeRecords({ executions: { e1: 'completed' } }).records)).toMatchObject({ kind: 'handled' });
  });

  it('releases its own claim (taken before it was dead-lettered)', async () => {
    const { records } = fakeRecords({ claims: { 'step:e1:2': 'workflow.step.results/2/9' } });
    expect(await checkHandled(completed('e1', 2), results, records)).toEqual({
      kind: 'replay',
      workKey: 'step:e1:2',
      ownClaim: { key: 'step:e1:2', holder: 'workflow.step.results/2/9' },
    });
  });
});

describe('lifecycle events (the log-sink writes each row once)', () => {
  const started = createEvent('execution.started', {
    orgId: 'org-a', executionId: 'e1',
    data: { workflowId: 'wf1', version: 1, userId: 'u1', mode: 'live', triggerData: {}, startedAt: at, deadlineAt: at },
  });
  const recorded = createEvent('step.recorded', {
    orgId: 'org-a', executionId: 'e1',
    data: { workflowId: 'wf1', stepId: 's', stepType: 'action', nodeType: 'send_whatsapp', stepOrder: 3, status: 'completed', input: {}, attempts: 1, tries: [], startedAt: at, completedAt: at, durationMs: 1 },
  });
  const ended = createEvent('execution.completed', { orgId: 'org-a', executionId: 'e1', data: { workflowId: 'wf1', finalOutput: {}, completedAt: at, totalDurationMs: 5 } });

  it('execution.started: replayed until the execution row exists', async () => {
    expect(await checkHandled(started, lifecycle, fakeRecords().records)).toEqual({ kind: 'replay', workKey: 'started:e1' });
    expect(await checkHandled(started, lifecycle, fakeRecords({ executions: { e1: 'running' } }).records)).toMatchObject({ kind: 'handled' });
  });

  it('step.recorded: replayed until its log row exists', async () => {
    expect(await checkHandled(recorded, lifecycle, fakeRecords().records)).toEqual({ kind: 'replay', workKey: 'log:e1:3' });
    expect(await checkHandled(recorded, lifecycle, fakeRecords({ logRows: ['e1:3'] }).records)).toMatchObject({ kind: 'handled' });
  });

  it('an ending: replayed while the execution runs, handled once it has ended, and needs the start when there is no row', async () => {
    expect(await checkHandled(ended, lifecycle, fakeRecords({ executions: { e1: 'running' } }).records)).toEqual({ kind: 'replay', workKey: 'ended:e1' });
    expect(await checkHandled(ended, lifecycle, fakeRecords({ executions: { e1: 'failed' } }).records)).toEqual({ kind: 'handled', why: 'execution e1 has ended (failed)' });
    expect(await checkHandled(ended, lifecycle, fakeRecords().records)).toMatchObject({ kind: 'replay', workKey: 'ended:e1', needs: { workKey: 'started:e1' } });
  });
});
