import type { Consumer } from 'kafkajs';
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';

/**
 * Finish what was started before starting more. A consumer that reads both new work (execution
 * requests, trigger events) and the results of work under way (step results) stops fetching the
 * new work while the results wait in Kafka beyond a bound, and fetches it again once they are
 * down to half of it. The new work waits in Kafka, durable, instead of crowding the cycles that
 * would finish the executions already running.
 *
 * The backlog is, per watched partition, its last fetched batch and what that batch left unread
 * (its high watermark less the batch's last offset): a consumer that is behind fetches results by
 * the hundred, one that keeps up a few at a time. A gate that stays closed while no watched batch
 * arrives for `staleMs` opens: with nothing fetched, nothing says the backlog is still there.
 */
export interface AdmissionGate {
  /** a batch of a watched topic was fetched: it and what is left after it make `unread` messages on its partition */
  observe(partition: number, unread: number): void;
  /** the partitions changed owner: what was observed before says nothing now */
  reset(): void;
  isClosed(): boolean;
  stop(): void;
}

export function createAdmissionGate(opts: {
  /** close above this many unread messages in the watched partitions together */
  maxBacklog: number;
  onClose: (backlog: number) => void;
  onOpen: (backlog: number) => void;
  staleMs?: number;
  now?: () => number;
  /** how often a closed gate checks whether it went stale (ms); 0: never (tests call tick) */
  checkEveryMs?: number;
}): AdmissionGate & { tick(): void } {
  const now = opts.now ?? Date.now;
  const staleMs = opts.staleMs ?? 1_000;
  const unread = new Map<number, number>();
  let closed = false;
  let lastObserved = 0;

  const backlog = () => {
    let total = 0;
    for (const n of unread.values()) total += n;
    return total;
  };
  const open = () => {
    if (!closed) return;
    closed = false;
    opts.onOpen(backlog());
  };
  const tick = () => {
    if (closed && now() - lastObserved >= staleMs) open();
  };
  const checkEveryMs = opts.checkEveryMs ?? 250;
  const timer = checkEveryMs > 0 ? setInterval(tick, checkEveryMs) : undefined;
  timer?.unref();

  return {
    observe(partition, left) {
      lastObserved = now();
      unread.set(partition, Math.max(0, left));
      const total = backlog();
      if (!closed && total > opts.maxBacklog) {
        closed = true;
        opts.onClose(total);
      } else if (closed && total <= opts.maxBacklog / 2) open();
    },
    reset() {
      unread.clear();
      open();
    },
    isClosed: () => closed,
    tick,
    stop: () => clearInterval(timer),
  };
}

/**
 * A gate that pauses the consumer's `gate` topics while closed, with its gauge and log lines.
 * kafkajs refuses pause and resume between a crash and the restart; the restarted group fetches
 * every topic again, so a refusal is only noted.
 */
export function gateFetching(opts: { consumer: Consumer; gate: readonly string[]; maxBacklog: number; metrics: Metrics; logger: Logger; groupId: string }): AdmissionGate {
  const topics = opts.gate.map((topic) => ({ topic }));
  const fetchGated = (paused: boolean) => {
    try {
      if (paused) opts.consumer.pause(topics);
      else opts.consumer.resume(topics);
    } catch (error) {
      opts.logger.debug({ err: error }, 'could not pause or resume the gated topics (the consumer is restarting)');
    }
    opts.metrics.admissionClosed.set({ group: opts.groupId }, paused ? 1 : 0);
  };
  return createAdmissionGate({
    maxBacklog: opts.maxBacklog,
    onClose: (backlog) => {
      fetchGated(true);
      opts.logger.info({ backlog, paused: opts.gate }, 'results are behind: not fetching new work until they catch up');
    },
    onOpen: (backlog) => {
      fetchGated(false);
      opts.logger.info({ backlog, resumed: opts.gate }, 'fetching new work again');
    },
  });
}
