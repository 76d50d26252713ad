import { describe, expect, it } from 'vitest';
import { hopBreakdown, spread, type ExecutionTimes } from './hops.js';

const execution = (sent: number, over: Partial<ExecutionTimes> = {}): ExecutionTimes => ({
  sentAtMs: sent,
  answeredAtMs: sent + 5,
  startedAtMs: sent + 20,
  completedAtMs: sent + 200,
  steps: [
    { stepId: 'agent', nodeType: 'conversational', startedAtMs: sent + 50, completedAtMs: sent + 80 },
    { stepId: 'reply', nodeType: 'send_whatsapp', startedAtMs: sent + 120, completedAtMs: sent + 150 },
  ],
  ...over,
});

describe('hopBreakdown', () => {
  it('cuts each execution at its recorded times, in the order it crosses them, and ends with end to end', () => {
    const hops = hopBreakdown([execution(1_000), execution(2_000)]);
    expect(hops.map((h) => [h.name, h.latency.count, h.latency.p50])).toEqual([
      ['request sent → 202 answered (gateway: auth, checks, publish)', 2, 5],
      ['request sent → execution started (gateway, Kafka, orchestrator)', 2, 20],
      ['started → agent (conversational) starts (orchestrator commit, runner fetch)', 2, 30],
      ['agent (conversational) runs (the runner\'s call)', 2, 30],
      ['agent ends → reply (send_whatsapp) starts (runner send, orchestrator, runner fetch)', 2, 40],
      ['reply (send_whatsapp) runs (the runner\'s call)', 2, 30],
      ['reply ends → execution completed (runner send, orchestrator)', 2, 50],
      ['end to end (request sent → completedAt)', 2, 200],
    ]);
  });

  it('counts an execution only in the hops it has both ends of', () => {
    const hops = hopBreakdown([execution(0), execution(0, { answeredAtMs: undefined, steps: [] })]);
    expect(hops.find((h) => h.name.startsWith('request sent → 202'))?.latency.count).toBe(1);
    expect(hops.find((h) => h.name.startsWith('reply (send_whatsapp) runs'))?.latency.count).toBe(1);
    expect(hops.find((h) => h.name.startsWith('end to end'))?.latency.count).toBe(2);
    expect(hopBreakdown([])).toEqual([]);
  });
});

describe('spread', () => {
  it('takes n items evenly over the list, or all of a shorter one', () => {
    expect(spread([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 5)).toEqual([0, 2, 4, 6, 8]);
    expect(spread([1, 2], 5)).toEqual([1, 2]);
  });
});
