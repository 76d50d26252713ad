/**
 * Reads at a low steady rate while the load runs, as users looking at their executions would: each
 * endpoint is read `rate` times a second on schedule, a read due while too many are unanswered is skipped.
 */
import type { ReadResult } from './bench-api.js';
import { summarize, type LatencySummary } from './percentiles.js';

export interface ReadEndpoint {
  name: string;
  /** the next read, or undefined when there is nothing to read yet */
  read: () => Promise<ReadResult> | undefined;
}

export interface ReadFigures {
  name: string;
  /** latency of the answered reads, any status */
  latency: LatencySummary;
  /** answers by HTTP status (0: no answer) */
  statuses: Record<string, number>;
  /** reads due while nothing could be read yet (no execution had ended) */
  notReady: number;
  /** reads due while too many were unanswered */
  skippedAtBound: number;
}

/** unanswered reads per endpoint, at most; beyond, a due read is skipped and counted */
const MAX_IN_FLIGHT = 20;

export interface ReadSampler {
  /** stops scheduling and waits for the reads in flight */
  stop(): Promise<ReadFigures[]>;
}

export function startReadSampler(opts: { rate: number; endpoints: readonly ReadEndpoint[] }): ReadSampler {
  const state = opts.endpoints.map((e) => ({ endpoint: e, ms: [] as number[], statuses: {} as Record<string, number>, notReady: 0, skippedAtBound: 0, inFlight: new Set<Promise<void>>() }));
  const timers = opts.rate > 0 ? state.map((s, i) => {
    const fire = () => {
      if (s.inFlight.size >= MAX_IN_FLIGHT) {
        s.skippedAtBound++;
        return;
      }
      const pending = s.endpoint.read();
      if (!pending) {
        s.notReady++;
        return;
      }
      const p = pending.then((r) => {
        s.ms.push(r.ms);
        s.statuses[r.status] = (s.statuses[r.status] ?? 0) + 1;
        s.inFlight.delete(p);
      });
      s.inFlight.add(p);
    };
    // the endpoints take turns inside each period rather than firing together
    const period = 1000 / opts.rate;
    let t: NodeJS.Timeout | undefined = setTimeout(() => {
      fire();
      t = setInterval(fire, period);
    }, (period * i) / state.length);
    return () => clearTimeout(t);
  }) : [];
  return {
    stop: async () => {
      for (const clear of timers) clear();
      await Promise.all(state.flatMap((s) => [...s.inFlight]));
      return state.map((s) => ({ name: s.endpoint.name, latency: summarize(s.ms), statuses: s.statuses, notReady: s.notReady, skippedAtBound: s.skippedAtBound }));
    },
  };
}
