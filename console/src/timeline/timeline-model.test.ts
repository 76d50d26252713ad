import { describe, expect, it } from 'vitest';
import type { Execution, StepLog } from '../api/types.js';
import { timelineOf } from './timeline-model.js';

const t0 = Date.parse('2026-01-01T00:00:00.000Z');
const iso = (ms: number) => new Date(t0 + ms).toISOString();
const exec = (more: Partial<Execution> = {}): Execution => ({ executionId: 'e', workflowId: 'w', version: 1, status: 'completed', startedAt: iso(0), completedAt: iso(1_000), ...more });

describe('timelineOf', () => {
  it('puts each step, its tries and the waits between them on one axis', () => {
    const logs: StepLog[] = [
      { stepId: 't', stepType: 'trigger', stepOrder: 0, status: 'completed', startedAt: iso(0), completedAt: iso(0) },
      {
        stepId: 'agent', stepType: 'agent', stepOrder: 1, status: 'completed', startedAt: iso(100), completedAt: iso(900),
        tries: [
          { at: iso(100), ok: false, error: 'botcore answered 503', durationMs: 100 },
          { at: iso(400), ok: true, durationMs: 500 },
        ],
      },
    ];
    const m = timelineOf(exec(), logs, t0 + 5_000);
    expect(m.spanMs).toBe(1_000);
    expect(m.rows[1]?.bar).toEqual({ left: 10, width: 80 });
    expect(m.rows[1]?.tries.map((t) => [t.left, t.width, t.ok, t.n])).toEqual([[10, 10, false, 1], [40, 50, true, 2]]);
    expect(m.rows[1]?.waits).toEqual([{ left: 20, width: 20, ms: 200 }]);
    expect(m.pending).toBeUndefined();
    expect(m.ticks.map((t) => t.label)).toEqual(['0', '200 ms', '400 ms', '600 ms', '800 ms', '1 s']);
  });

  it('runs the axis to now while the execution runs, with the pending span after the last step', () => {
    const logs: StepLog[] = [{ stepId: 't', stepType: 'trigger', stepOrder: 0, status: 'completed', startedAt: iso(0), completedAt: iso(500) }];
    const m = timelineOf(exec({ status: 'running', completedAt: undefined }), logs, t0 + 2_000);
    expect(m.spanMs).toBe(2_000);
    expect(m.pending).toEqual({ left: 25, width: 75 });
    expect(m.ticks.at(-1)?.label).toBe('2 s');
  });

  it('copes with an execution that has no rows yet', () => {
    const m = timelineOf(exec({ status: 'running', completedAt: undefined }), [], t0);
    expect(m.rows).toEqual([]);
    expect(m.spanMs).toBeGreaterThan(0);
  });
});
