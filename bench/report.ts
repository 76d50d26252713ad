/**
 * One run's report as Markdown: the section appended to the results file and printed to stdout.
 * Pure: every figure comes in through `RunReport`.
 */
import type { CommitRow } from './commit-cycles.js';
import type { GroupLag } from './consumer-lag.js';
import type { ExecutionFigures } from './execution-figures.js';
import type { Hop } from './hops.js';
import type { LatencySummary } from './percentiles.js';
import type { ReadFigures } from './read-sampler.js';
import type { RunContext } from './run-context.js';

export interface ProcessRow {
  name: string;
  cpuMs: number;
  maxRssBytes: number;
  processes: number;
}

export interface RunReport {
  context: RunContext;
  optionsLine: string;
  title: string;
  stack: { registry: boolean; database: string; storedBefore: number; fill?: { added: number; seconds: number; unended: number } };
  executions: ExecutionFigures;
  maxOutstanding: number;
  drainS: number;
  cpu: { windowSeconds: number; rows: ProcessRow[]; machineBusyMs: number; machineTotalMs: number };
  lag: { atLoadEnd: GroupLag[]; afterDrain: GroupLag[] };
  /** each service's commit cycles in the window (empty when its metrics could not be read) */
  commits: CommitRow[];
  /** where the time of a sample of the window's executions went (empty when it could not be read) */
  hops: Hop[];
  reads: { rate: number; figures: ReadFigures[] };
  /** the benchmark process's event-loop delay during the window: a busy client delays its own sends and reads */
  clientLoopDelayMs: { p99: number; max: number };
  tapInvalid: number;
  /** the plot's path relative to the results file */
  plot: string | undefined;
}

const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');
const dec = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const ms = (n: number) => (Number.isFinite(n) ? (n >= 100 ? int(n) : n.toFixed(1)) : '–');
const tally = (m: Record<string, number>) =>
  Object.entries(m)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ×${n}`)
    .join(', ');
const paren = (m: Record<string, number>) => (Object.keys(m).length ? ` (${tally(m)})` : '');

function latencyRow(label: string, l: LatencySummary): string {
  return `| ${label} | ${int(l.count)} | ${ms(l.p50)} | ${ms(l.p90)} | ${ms(l.p99)} | ${ms(l.max)} |`;
}

function lagTable(lag: RunReport['lag']): string[] {
  const groups = [...new Set([...lag.atLoadEnd, ...lag.afterDrain].map((g) => g.groupId))].sort();
  if (groups.length === 0) return ['No consumer group has committed offsets.'];
  const cell = (list: GroupLag[], id: string) => {
    const g = list.find((x) => x.groupId === id);
    if (!g) return '–';
    if (g.lag === 0) return '0';
    return g.maxPartitionLag <= 1 ? `${int(g.lag)} (1 on ${g.behindPartitions} partitions)` : `${int(g.lag)} (${g.behindPartitions} partitions, up to ${int(g.maxPartitionLag)})`;
  };
  return [
    '| consumer group | topics | lag at the end of the load | lag after the drain |',
    '|---|---|--:|--:|',
    ...groups.map((id) => {
      const topics = [...lag.atLoadEnd, ...lag.afterDrain].find((g) => g.groupId === id)?.topics ?? [];
      return `| ${id} | ${topics.join(', ')} | ${cell(lag.atLoadEnd, id)} | ${cell(lag.afterDrain, id)} |`;
    }),
  ];
}

function cpuTable(r: RunReport): string[] {
  const ended = r.executions.endedInWindow;
  const s = r.cpu.windowSeconds;
  const row = (name: string, cpuMs: number, rss: string, procs: string) =>
    `| ${name} | ${ended > 0 ? dec(cpuMs / ended, 2) : '–'} | ${dec(cpuMs / 1000 / s, 2)} | ${rss} | ${procs} |`;
  const rows = [...r.cpu.rows].sort((a, b) => b.cpuMs - a.cpuMs);
  const stackMs = rows.reduce((n, p) => n + p.cpuMs, 0);
  const mib = (b: number) => int(b / 2 ** 20);
  return [
    '| process | CPU ms per ended execution | CPU, cores busy | RSS max, MiB | processes |',
    '|---|--:|--:|--:|--:|',
    ...rows.map((p) => row(p.name, p.cpuMs, mib(p.maxRssBytes), String(p.processes))),
    row('**all of the above**', stackMs, mib(rows.reduce((n, p) => n + p.maxRssBytes, 0)), String(rows.reduce((n, p) => n + p.processes, 0))),
    `| whole machine, every process (anyone's) | – | ${dec(r.cpu.machineBusyMs / 1000 / s, 2)} of ${dec(r.cpu.machineTotalMs / 1000 / s, 0)} | | |`,
  ];
}

function commitTable(r: RunReport): string[] {
  const s = r.cpu.windowSeconds;
  return [
    '| service | commits/s | messages per commit | commit, ms (mean) | fetches/s | messages per fetch |',
    '|---|--:|--:|--:|--:|--:|',
    ...r.commits.map(
      (c) => `| ${c.service} | ${dec(c.commits / s)} | ${dec(c.consumed / c.commits)} | ${dec((c.commitSeconds * 1000) / c.commits)} | ${dec(c.fetches / s)} | ${c.fetches > 0 ? dec(c.consumed / c.fetches) : '–'} |`,
    ),
  ];
}

/** The Markdown section of one run. */
export function renderReport(r: RunReport): string {
  const e = r.executions;
  const c = r.context;
  const lines = [
    `## ${c.startedAt} — ${r.title}`,
    '',
    `- code: commit \`${c.commit}\`; machine: ${c.cores} × ${c.cpuModel}, ${dec(c.memoryGiB)} GiB, ${c.kernel}, Node ${c.node}; load average ${dec(c.loadAverage, 2)} at the start. The whole stack and this client run on it.`,
    `- options: \`${r.optionsLine}\``,
    `- stack: schema registry ${r.stack.registry ? 'on' : 'off'}; database ${r.stack.database}; ${int(r.stack.storedBefore)} executions of the bench workflow stored before the load${r.stack.fill ? ` (${int(r.stack.fill.added)} added through the API in ${dec(r.stack.fill.seconds)} s${r.stack.fill.unended ? `, ${int(r.stack.fill.unended)} of them not ended in time` : ''})` : ''}`,
    ...(r.plot ? [`- plot: [${r.plot}](${r.plot})`] : []),
    '',
    `**Load**, open loop over the ${dec(e.windowSeconds)} s measured window (${int(e.warmupSent)} warm-up requests before it): ${int(e.due)} due, ${int(e.sent)} sent, ${int(e.accepted)} accepted, ` +
      `${int(e.refused)} refused${paren(e.refusedBy)}, ${int(e.errors)} errors${paren(e.errorsBy)}, ${int(e.skipped)} skipped at the bound of ${int(r.maxOutstanding)} unanswered requests. ` +
      `The client sent them late by p50 ${ms(e.sentLateMs.p50)} ms, p99 ${ms(e.sentLateMs.p99)} ms, max ${ms(e.sentLateMs.max)} ms; its event loop was delayed by p99 ${ms(r.clientLoopDelayMs.p99)} ms, max ${ms(r.clientLoopDelayMs.max)} ms.`,
    '',
    `**Executions**: completion throughput **${dec(e.throughput)}/s** (${int(e.endedInWindow)} ended within the window). Of the ${int(e.accepted)} accepted in the window: ` +
      `${int(e.completed)} completed, ${int(e.failed)} failed${paren(e.failedBy)}, **${int(e.neverEnded)} never ended** within the ${int(r.drainS)} s drain.` +
      (r.tapInvalid ? ` The event tap could not decode ${int(r.tapInvalid)} messages.` : ''),
    '',
    '| end-to-end latency, ms (request sent → completedAt) | executions | p50 | p90 | p99 | max |',
    '|---|--:|--:|--:|--:|--:|',
    latencyRow('executions sent in the window', e.latency),
    ...(e.latencyNotSlowed ? [latencyRow(`without a slowed BotCore call (${int(e.slowedExecutions)} had one)`, e.latencyNotSlowed)] : []),
    '',
    ...(r.hops.length
      ? [
          `**Where the time goes**: ${int(r.hops[r.hops.length - 1]?.latency.count ?? 0)} of the window's executions, cut at the times the engine records (the answer, startedAt, each step log's startedAt and completedAt, completedAt); each hop's percentiles are its own, so they do not add up to the end-to-end ones.`,
          '',
          '| hop, ms | executions | p50 | p90 | p99 | max |',
          '|---|--:|--:|--:|--:|--:|',
          ...r.hops.map((h) => latencyRow(h.name, h.latency)),
          '',
        ]
      : []),
    `**Processes**: CPU over the measured window (utime + stime from /proc, children included), per execution ended in it; RSS the largest sampled, children added (shared pages count once per process).`,
    '',
    ...cpuTable(r),
    '',
    `**Kafka consumer lag**, messages between each group's committed offsets and the partitions' ends ` +
      `(a group that has read everything may show 1 per partition it reads: the commit marker of the last transaction on it):`,
    '',
    ...lagTable(r.lag),
    '',
    ...(r.commits.length
      ? ['**Commit cycles** in the window, from the services\' own counters (a cycle is one Kafka transaction for the orchestrator; a send for the runners; a bulk write and a send for the log-sink; their offsets are committed at most every 100 ms):', '', ...commitTable(r), '']
      : []),
    `**Reads during the window**, ${dec(r.reads.rate, 0)}/s each, ms:`,
    '',
    '| read | reads | p50 | p90 | p99 | max | answers | not sent: nothing to read yet / too many unanswered |',
    '|---|--:|--:|--:|--:|--:|---|--:|',
    ...r.reads.figures.map(
      (f) =>
        `| ${f.name} | ${int(f.latency.count)} | ${ms(f.latency.p50)} | ${ms(f.latency.p90)} | ${ms(f.latency.p99)} | ${ms(f.latency.max)} | ${tally(Object.fromEntries(Object.entries(f.statuses).map(([s, n]) => [s === '0' ? 'no answer' : s, n])))} | ${int(f.notReady)} / ${int(f.skippedAtBound)} |`,
    ),
    '',
  ];
  return lines.join('\n');
}
