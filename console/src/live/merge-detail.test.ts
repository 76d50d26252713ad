import { describe, expect, it } from 'vitest';
import type { ExecutionDetail, StepLog } from '../api/types.js';
import { applyStreamEvent, upsertLog } from './merge-detail.js';

const row = (stepOrder: number, stepId: string, status: StepLog['status'] = 'completed'): StepLog => ({ stepId, stepType: 'agent', stepOrder, status, startedAt: '2026-01-01T00:00:00.000Z' });
const execution = { executionId: 'e1', workflowId: 'w1', version: 1, status: 'running' as const, startedAt: '2026-01-01T00:00:00.000Z' };

describe('upsertLog', () => {
  it('keeps rows in step order and replaces a repeated row', () => {
    const logs = upsertLog(upsertLog([row(0, 't')], row(2, 'b')), row(1, 'a'));
    expect(logs.map((l) => l.stepId)).toEqual(['t', 'a', 'b']);
    expect(upsertLog(logs, row(1, 'a', 'failed')).map((l) => l.status)).toEqual(['completed', 'failed', 'completed']);
  });
});

describe('applyStreamEvent', () => {
  it('takes a snapshot as the execution or wrapped with logs, then adds steps', () => {
    let d: ExecutionDetail | undefined = applyStreamEvent(undefined, 'execution', { execution, logs: [row(0, 't')] });
    expect(d?.logs).toHaveLength(1);
    d = applyStreamEvent(d, 'step', { ...row(1, 'a') });
    d = applyStreamEvent(d, 'step', { log: row(1, 'a') });
    expect(d?.logs.map((l) => l.stepId)).toEqual(['t', 'a']);
    d = applyStreamEvent(d, 'end', { ...execution, status: 'completed' });
    expect(d?.execution.status).toBe('completed');
    expect(d?.logs).toHaveLength(2);
  });

  it('ignores what it does not recognise, and steps before any snapshot', () => {
    expect(applyStreamEvent(undefined, 'step', { ...row(0, 't') })).toBeUndefined();
    const d = applyStreamEvent(undefined, 'execution', { ...execution });
    expect(applyStreamEvent(d, 'step', { nope: true })).toBe(d);
    expect(applyStreamEvent(d, 'heartbeat', {})).toBe(d);
  });
});
