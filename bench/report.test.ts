import { describe, expect, it } from 'vitest';
import { summarize } from './percentiles.js';
import { renderReport, type RunReport } from './report.js';

const report = (over: Partial<RunReport> = {}): RunReport => ({
  context: { startedAt: '2026-12-01T10:00:00.000Z', commit: 'abc1234', cpuModel: 'Test CPU', cores: 2, memoryGiB: 8, kernel: 'Linux 6', node: 'v20', loadAverage: 0.5 },
  optionsLine: '--rate 100 --duration 10',
  title: '100/s offered for 10 s',
  stack: { registry: true, database: 'ferretdb', storedBefore: 1_000, fill: { added: 1_000, seconds: 50, unended: 0 } },
  executions: {
    windowSeconds: 10, due: 1_000, sent: 990, accepted: 980, refused: 5, refusedBy: { '429 RATE_LIMITED': 5 }, errors: 5, errorsBy: { 'no answer within 30000 ms': 5 }, skipped: 10,
    sentLateMs: summarize([1, 2, 3]), endedInWindow: 900, throughput: 90, completed: 950, failed: 10, failedBy: { STEP_TIMEOUT: 10 }, neverEnded: 20,
    latency: summarize([100, 200, 300]), latencyNotSlowed: undefined, slowedExecutions: 0, warmupSent: 200,
  },
  maxOutstanding: 1_000,
  drainS: 120,
  cpu: {
    windowSeconds: 10,
    rows: [
      { name: 'gateway', cpuMs: 900, maxRssBytes: 100 * 2 ** 20, processes: 1 },
      { name: 'kafka', cpuMs: 4_500, maxRssBytes: 400 * 2 ** 20, processes: 1 },
    ],
    machineBusyMs: 18_000,
    machineTotalMs: 20_000,
  },
  lag: {
    atLoadEnd: [{ groupId: 'log-sink', lag: 120, behindPartitions: 3, maxPartitionLag: 60, topics: ['workflow.execution.events'] }],
    afterDrain: [{ groupId: 'log-sink', lag: 0, behindPartitions: 0, maxPartitionLag: 0, topics: ['workflow.execution.events'] }],
  },
  commits: [{ service: 'orchestrator', commits: 500, commitSeconds: 5, consumed: 2_000, fetches: 1_000 }],
  hops: [{ name: 'end to end (request sent → completedAt)', latency: summarize([200, 300]) }],
  reads: { rate: 5, figures: [{ name: 'one execution', latency: summarize([4, 5, 6]), statuses: { '200': 48, '0': 2 }, notReady: 1, skippedAtBound: 0 }] },
  clientLoopDelayMs: { p99: 12, max: 40 },
  tapInvalid: 0,
  plot: 'plots/x.svg',
  ...over,
});

describe('renderReport', () => {
  const md = renderReport(report());

  it('opens with the date and title, and says code, machine, options, store and plot', () => {
    expect(md.startsWith('## 2026-12-01T10:00:00.000Z — 100/s offered for 10 s\n')).toBe(true);
    expect(md).toContain('commit `abc1234`; machine: 2 × Test CPU, 8.0 GiB');
    expect(md).toContain('`--rate 100 --duration 10`');
    expect(md).toContain('1,000 executions of the bench workflow stored before the load (1,000 added through the API in 50.0 s)');
    expect(md).toContain('- plot: [plots/x.svg](plots/x.svg)');
  });

  it('says what became of the load, refusals and errors apart', () => {
    expect(md).toContain('1,000 due, 990 sent, 980 accepted, 5 refused (429 RATE_LIMITED ×5), 5 errors (no answer within 30000 ms ×5), 10 skipped');
    expect(md).toContain('completion throughput **90.0/s** (900 ended within the window)');
    expect(md).toContain('950 completed, 10 failed (STEP_TIMEOUT ×10), **20 never ended** within the 120 s drain');
    expect(md).toContain('| executions sent in the window | 3 | 200 | 300 | 300 | 300 |');
    expect(md).not.toContain('without a slowed BotCore call');
  });

  it('lists processes by CPU with ms per ended execution, cores busy and RSS, then the totals', () => {
    const rows = md.split('\n').filter((l) => /^\| (kafka|gateway|\*\*all|whole machine)/.test(l));
    expect(rows).toEqual([
      '| kafka | 5.00 | 0.45 | 400 | 1 |',
      '| gateway | 1.00 | 0.09 | 100 | 1 |',
      '| **all of the above** | 6.00 | 0.54 | 500 | 2 |',
      "| whole machine, every process (anyone's) | – | 1.80 of 2 | | |",
    ]);
  });

  it('gives lag at the end of the load and after the drain, and the reads', () => {
    expect(md).toContain('| log-sink | workflow.execution.events | 120 (3 partitions, up to 60) | 0 |');
    const markers = renderReport(report({ lag: { atLoadEnd: [], afterDrain: [{ groupId: 'g', lag: 6, behindPartitions: 6, maxPartitionLag: 1, topics: ['t'] }] } }));
    expect(markers).toContain('| g | t | – | 6 (1 on 6 partitions) |');
    expect(md).toContain('| one execution | 3 | 5.0 | 6.0 | 6.0 | 6.0 | 200 ×48, no answer ×2 | 1 / 0 |');
  });

  it('gives each service\'s commit cycles per second, messages per commit, mean commit time and fetches', () => {
    expect(md).toContain('| orchestrator | 50.0 | 4.0 | 10.0 | 100.0 | 2.0 |');
    expect(renderReport(report({ commits: [] }))).not.toContain('Commit cycles');
  });

  it('says where the time went when the recorded times could be read', () => {
    expect(md).toContain('**Where the time goes**: 2 of the window');
    expect(md).toContain('| end to end (request sent → completedAt) | 2 | 200 | 300 | 300 | 300 |');
    expect(renderReport(report({ hops: [] }))).not.toContain('Where the time goes');
  });

  it('adds the latency without slowed calls when the slow knob was on', () => {
    const slow = renderReport(report({ executions: { ...report().executions, latencyNotSlowed: summarize([100, 200]), slowedExecutions: 1 } }));
    expect(slow).toContain('| without a slowed BotCore call (1 had one) | 2 | 100 | 200 | 200 | 200 |');
  });
});
