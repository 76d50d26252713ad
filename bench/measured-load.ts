/**
 * The load phase of a run: the open-loop load over warm-up and window, with what is measured only
 * inside the window (CPU snapshots at its edges, the client's event-loop delay, reads under load) and
 * the consumer lag at its end.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Admin } from 'kafkajs';
import type { BenchApi } from './bench-api.js';
import { commitsBetween, scrapeCommitCounters, type CommitRow } from './commit-cycles.js';
import { consumerLag, type GroupLag } from './consumer-lag.js';
import type { EventTap } from './event-tap.js';
import { runOpenLoop, type OpenLoopRun } from './load-generator.js';
import type { ProcessSampler, UsageSnapshot } from './process-sampler.js';
import { startReadSampler, type ReadFigures } from './read-sampler.js';
import type { ReadEndpointName } from './options.js';

const EXECUTE_TIMEOUT_MS = 30_000;
const READ_TIMEOUT_MS = 30_000;

export interface MeasuredLoad {
  load: OpenLoopRun;
  /** the measured window, ms since the epoch */
  window: { fromMs: number; toMs: number };
  cpuStart: UsageSnapshot;
  cpuEnd: UsageSnapshot;
  lagAtLoadEnd: GroupLag[];
  /** each service's commit cycles within the window */
  commits: CommitRow[];
  reads: ReadFigures[];
  clientLoopDelayMs: { p99: number; max: number };
}

const sleepUntil = (atMs: number) => new Promise((r) => setTimeout(r, Math.max(0, atMs - Date.now())));

/** Runs the load; resolves at the end of the window, with requests possibly still unanswered (see `load.answered`). */
export async function runMeasuredLoad(opts: {
  rate: number;
  warmupS: number;
  durationS: number;
  maxOutstanding: number;
  readRate: number;
  reads: readonly ReadEndpointName[];
  api: BenchApi;
  workflowId: string;
  tap: EventTap;
  admin: Admin;
  sampler: ProcessSampler;
  /** consumer groups left out of the lag (the benchmark's own) */
  ownGroups: string[];
  /** executions to read until some of this run's have ended */
  storedIds: string[];
  /** the services whose /metrics count their commit cycles */
  services: { name: string; opsUrl: string }[];
  log: (line: string) => void;
}): Promise<MeasuredLoad> {
  const { api, tap } = opts;
  const load = runOpenLoop({
    rate: opts.rate,
    durationS: opts.warmupS + opts.durationS,
    maxOutstanding: opts.maxOutstanding,
    send: (seq) => api.execute(opts.workflowId, `load-${seq}`, EXECUTE_TIMEOUT_MS),
  });
  const progress = setInterval(() => {
    const c = load.counts();
    opts.log(`  ${((Date.now() - load.startMs) / 1000).toFixed(0)} s: ${c.sent} sent, ${c.accepted} accepted, ${c.refused} refused, ${c.errors} errors, ${c.skipped} skipped, ${c.outstanding} unanswered; ${tap.ended.size} ended`);
  }, 5_000);
  try {
    const window = { fromMs: load.startMs + opts.warmupS * 1000, toMs: load.startMs + (opts.warmupS + opts.durationS) * 1000 };
    await sleepUntil(window.fromMs);
    const cpuStart = await opts.sampler.snapshot();
    const commitsStart = await scrapeCommitCounters(opts.services);
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const recentId = () => {
      const ended = tap.recent(500);
      const ids = ended.length > 0 ? ended : opts.storedIds;
      return ids[Math.floor(Math.random() * ids.length)];
    };
    const reads = startReadSampler({
      rate: opts.readRate,
      endpoints: [
        {
          kind: 'execution' as const,
          name: '`GET /workFlow/execution/:id` (a recent one)',
          read: () => {
            const id = recentId();
            return id ? api.timedGet(`/workFlow/execution/${id}`, READ_TIMEOUT_MS) : undefined;
          },
        },
        {
          kind: 'list' as const,
          name: '`GET /workFlow/:id/executions?status=completed&page=1&limit=20`',
          read: () => api.timedGet(`/workFlow/${opts.workflowId}/executions?status=completed&page=1&limit=20`, READ_TIMEOUT_MS),
        },
      ].filter((e) => opts.reads.includes(e.kind)),
    });
    await load.scheduleDone;
    await sleepUntil(window.toMs);
    const cpuEnd = await opts.sampler.snapshot();
    const commits = commitsBetween(commitsStart, await scrapeCommitCounters(opts.services));
    loopDelay.disable();
    const lagAtLoadEnd = await consumerLag(opts.admin, opts.ownGroups);
    return {
      load,
      window,
      cpuStart,
      cpuEnd,
      lagAtLoadEnd,
      commits,
      reads: await reads.stop(),
      clientLoopDelayMs: { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
    };
  } finally {
    clearInterval(progress);
  }
}
