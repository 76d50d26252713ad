import { describe, expect, it } from 'vitest';
import { commitsBetween, parseCommitCounters } from './commit-cycles.js';

const page = (commits: number, seconds: number, ok: number, dead: number) =>
  [
    '# HELP botwot_commit_duration_seconds Time one commit cycle took',
    `botwot_commit_duration_seconds_bucket{le="0.01",service="orchestrator"} 3`,
    `botwot_commit_duration_seconds_sum{service="orchestrator"} ${seconds}`,
    `botwot_commit_duration_seconds_count{service="orchestrator"} ${commits}`,
    `botwot_messages_consumed_total{topic="a",outcome="ok",service="orchestrator"} ${ok}`,
    `botwot_messages_consumed_total{topic="b",outcome="dead_lettered",service="orchestrator"} ${dead}`,
    `botwot_consumer_fetches_total{group="orchestrator",service="orchestrator"} ${ok * 2}`,
    'process_cpu_seconds_total 12.5',
  ].join('\n');

describe('commit cycles', () => {
  it('reads the commit histogram and adds up the consumed messages of every topic and outcome', () => {
    expect(parseCommitCounters(page(10, 0.25, 40, 2))).toEqual({ commits: 10, commitSeconds: 0.25, consumed: 42, fetches: 80 });
  });

  it('reports what happened between two scrapes, leaving out services that never committed', () => {
    const start = new Map([
      ['orchestrator', parseCommitCounters(page(10, 0.25, 40, 0))],
      ['gateway', parseCommitCounters('')],
    ]);
    const end = new Map([
      ['orchestrator', parseCommitCounters(page(30, 0.75, 140, 0))],
      ['gateway', parseCommitCounters('')],
    ]);
    expect(commitsBetween(start, end)).toEqual([{ service: 'orchestrator', commits: 20, commitSeconds: 0.5, consumed: 100, fetches: 200 }]);
  });
});
