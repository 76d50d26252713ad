import type { Consumer, Kafka, Producer } from 'kafkajs';
import type { Logger } from '../../observability/logger.js';
import { splitBySize, type TopicMessages } from '../split-by-size.js';

export interface OffsetCommit {
  topic: string;
  partition: number;
  /** the next offset to read */
  offset: string;
  /** offsets done above it (see offset-tracker.ts) */
  metadata: string | null;
}

export type { TopicMessages };

/** What one commit cycle writes: encoded messages to send, and the consumed offsets to commit with them. */
export interface CommitBatch {
  messages: TopicMessages[];
  offsets: OffsetCommit[];
}

/**
 * Sends a cycle's messages and commits its offsets. The transactional committer does both in one
 * Kafka transaction (exactly once between topics); the at-least-once committer sends, then commits,
 * for services whose handlers write idempotently elsewhere.
 */
export interface Committer {
  connect(): Promise<void>;
  /**
   * Starts the commit of a batch, to be finished once the commit before it is done. The
   * transactional committer opens the batch's transaction at once and adds its partitions and the
   * group's offsets to it: the coordinator's round trips happen while the commit before it runs.
   */
  begin(batch: CommitBatch): PendingCommit;
  disconnect(): Promise<void>;
}

export interface PendingCommit {
  /** sends and commits; resolves with how long each part took (ms), for the cycle's debug log */
  finish(): Promise<Record<string, number> | undefined>;
  /** gives the commit up (its batch is staged again): aborts its transaction */
  abandon(): Promise<void>;
}

const nothingToCommit: PendingCommit = { finish: async () => undefined, abandon: async () => undefined };

function offsetsByTopic(offsets: OffsetCommit[]) {
  const byTopic = new Map<string, { partition: number; offset: string; metadata: string | null }[]>();
  for (const o of offsets) {
    const list = byTopic.get(o.topic) ?? [];
    list.push({ partition: o.partition, offset: o.offset, metadata: o.metadata });
    byTopic.set(o.topic, list);
  }
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
}

/** The consuming member's place in its group, as the last join gave it. */
export interface GroupMembership {
  generationId: number;
  memberId: string;
}

/**
 * One transaction per cycle: every message and every partition's offset, or none of them. The
 * offsets carry the member's generation, so the group coordinator refuses them (and the transaction
 * aborts) when a rebalance has given the partitions to another member since: a former owner cannot
 * commit over the new one (KIP-447; kafkajs is patched for it, see patches/).
 */
export function transactionalCommitter(opts: {
  kafka: Kafka;
  transactionalId: string;
  groupId: string;
  maxRequestBytes: number;
  membership: () => GroupMembership | undefined;
}): Committer {
  // After a commit returns, the broker still writes the transaction's markers, and the same
  // producer's next transaction waits for that (CONCURRENT_TRANSACTIONS, ~20 ms here). Cycles take
  // turns on two producers, so one's markers are written while the other's transaction runs:
  // measured 30 ms → 9 ms per transaction (p50) on the 2-core machine.
  const lanes = [0, 1].map((n) => createLane(opts, `${opts.transactionalId}.${n}`));
  let turn = 0;
  return {
    connect: async () => {
      for (const lane of lanes) await lane.connect();
    },
    disconnect: async () => {
      for (const lane of lanes) await lane.disconnect();
    },
    begin: (batch) => (lanes[turn++ % lanes.length] as Lane).begin(batch),
  };
}

type Lane = Committer;
type Transaction = Awaited<ReturnType<Producer['transaction']>>;

/** One transactional producer, replaced when a failed commit or abort leaves it stuck. */
function createLane(opts: { kafka: Kafka; groupId: string; maxRequestBytes: number; membership: () => GroupMembership | undefined }, transactionalId: string): Lane {
  const create = (): Producer =>
    opts.kafka.producer({
      transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: 60_000,
      allowAutoTopicCreation: false,
      retry: { initialRetryTime: 2, maxRetryTime: 1_000, retries: 30 },
    });
  // kafkajs takes a transactional producer id at the first transaction, not on connect. Taken on
  // connect, it fences a former incarnation (one killed mid-transaction) and has the broker abort its
  // open transaction now: until then the group's offsets stay unstable, this consumer cannot read
  // them, and its first transaction would wait for the transaction timeout (60 s).
  const start = async (p: Producer) => {
    await p.connect();
    await (await p.transaction()).abort();
  };
  let producer = create();
  /** set when a failed commit or abort left the producer's transaction in a state it cannot leave */
  let broken = false;

  /** Opens the batch's transaction and adds its partitions and the group's offsets to it. */
  const open = async (batch: CommitBatch): Promise<{ tx: Transaction; enrollMs: number }> => {
    if (broken) {
      // A new producer with the same transactional id bumps its epoch: the broker finishes or
      // aborts whatever the stuck one left open, and fences it.
      await producer.disconnect().catch(() => undefined);
      producer = create();
      await start(producer);
      broken = false;
    }
    let tx: Transaction;
    try {
      tx = await producer.transaction();
    } catch (error) {
      broken = true;
      throw error;
    }
    const t0 = performance.now();
    try {
      await tx.enroll({ topicMessages: batch.messages, ...(batch.offsets.length > 0 ? { consumerGroupId: opts.groupId } : {}) });
    } catch (error) {
      await abort(tx);
      throw error;
    }
    return { tx, enrollMs: Math.round(performance.now() - t0) };
  };
  const abort = (tx: Transaction) =>
    tx.abort().catch(() => {
      broken = true;
    });

  return {
    connect: () => start(producer),
    disconnect: () => producer.disconnect(),
    begin(batch) {
      if (batch.messages.length === 0 && batch.offsets.length === 0) return nothingToCommit;
      const opened = open(batch);
      opened.catch(() => undefined); // its error is the finish's (or nobody's, once abandoned)
      return {
        async finish() {
          const { tx, enrollMs } = await opened;
          let offsets: Promise<void> | undefined;
          try {
            const t0 = performance.now();
            // the offsets go to the group coordinator while the messages go to their partitions
            const membership = opts.membership();
            offsets = batch.offsets.length > 0 ? tx.sendOffsets({ consumerGroupId: opts.groupId, topics: offsetsByTopic(batch.offsets), ...(membership ? { consumerGroupMetadata: membership } : {}) }) : undefined;
            offsets?.catch(() => undefined); // awaited below, after the sends
            for (const send of splitBySize(batch.messages, opts.maxRequestBytes)) await tx.sendBatch({ topicMessages: send, acks: -1 });
            const t1 = performance.now();
            await offsets;
            const t2 = performance.now();
            await tx.commit();
            return { enrollMs, sendMs: Math.round(t1 - t0), offsetsMs: Math.round(t2 - t1), endMs: Math.round(performance.now() - t2) };
          } catch (error) {
            // offsets that reached the coordinator after the abort would stay pending, and commit
            // with this producer's next transaction: abort only once they are answered
            await offsets?.catch(() => undefined);
            await abort(tx);
            throw error;
          }
        },
        async abandon() {
          const tx = await opened.then(
            (o) => o.tx,
            () => undefined,
          );
          if (tx) await abort(tx);
        },
      };
    },
  };
}

/** How often an at-least-once consumer commits its offsets at most. */
const OFFSET_COMMIT_EVERY_MS = 100;

/**
 * Sends (idempotent producer), then hands the offsets to an {@link OffsetCommits}: a cycle's messages
 * are on their topics when its commit returns; its offsets reach the group within 100 ms.
 */
export function atLeastOnceCommitter(opts: { kafka: Kafka; consumer: Consumer; maxRequestBytes: number; logger: Logger }): Committer & { offsets: OffsetCommits } {
  const producer = opts.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  // a broker that refuses every commit would fail one every 100 ms: say so once in 10 s
  let failureLoggedAt = Number.NEGATIVE_INFINITY;
  const onError = (error: unknown) => {
    if (performance.now() - failureLoggedAt < 10_000) return;
    failureLoggedAt = performance.now();
    opts.logger.warn({ err: error }, 'offset commit failed; the offsets go with the next one');
  };
  const offsets = new OffsetCommits({ commit: (list) => opts.consumer.commitOffsets(list), everyMs: OFFSET_COMMIT_EVERY_MS, onError });
  return {
    offsets,
    connect: () => producer.connect(),
    async disconnect() {
      await offsets.flush();
      await producer.disconnect();
    },
    begin: (batch) => ({
      async finish() {
        for (const send of splitBySize(batch.messages, opts.maxRequestBytes)) await producer.sendBatch({ topicMessages: send, acks: -1 });
        offsets.add(batch.offsets);
        return undefined;
      },
      abandon: async () => undefined,
    }),
  };
}

const partitionKey = (o: OffsetCommit) => `${o.topic}|${o.partition}`;

/**
 * The offset commits of an at-least-once consumer, at most one every `everyMs`: the offsets handed
 * over meanwhile wait, the newest point of each partition replacing older ones, and go in one
 * request. A runner's cycle is often one message: committing each one cost a broker round trip and
 * an append to the group's log per message. What waits is only the group's position: the outputs
 * are sent already, so a crash in between means the messages are handled again (at least once, as
 * before; handlers of such consumers are idempotent). A failed commit is reported and its offsets
 * wait for the next one, unless newer ones came meanwhile.
 */
export class OffsetCommits {
  private readonly waiting = new Map<string, OffsetCommit>();
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastStarted = Number.NEGATIVE_INFINITY;

  constructor(private readonly opts: { commit: (offsets: OffsetCommit[]) => Promise<void>; everyMs: number; onError: (error: unknown) => void; now?: () => number }) {}

  add(offsets: OffsetCommit[]): void {
    for (const o of offsets) this.waiting.set(partitionKey(o), o);
    this.schedule();
  }

  /** Commits whatever waits now, and waits for it (before leaving the group, and on a rebalance). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.running !== undefined) await this.running;
    if (this.waiting.size > 0) await this.commitWaiting();
  }

  private now(): number {
    return this.opts.now?.() ?? performance.now();
  }

  private schedule(): void {
    if (this.running !== undefined || this.timer !== undefined || this.waiting.size === 0) return;
    const wait = this.lastStarted + this.opts.everyMs - this.now();
    if (wait <= 0) {
      void this.commitWaiting();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.commitWaiting();
    }, wait);
  }

  private commitWaiting(): Promise<void> {
    const list = [...this.waiting.values()];
    this.waiting.clear();
    this.lastStarted = this.now();
    const running = this.opts
      .commit(list)
      .catch((error: unknown) => {
        this.opts.onError(error);
        for (const o of list) if (!this.waiting.has(partitionKey(o))) this.waiting.set(partitionKey(o), o);
      })
      .finally(() => {
        this.running = undefined;
        this.schedule();
      });
    this.running = running;
    return running;
  }
}
