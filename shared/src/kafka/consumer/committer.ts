import type { Consumer, Kafka, Producer } from 'kafkajs';
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
  /** resolves with how long each part took (ms), for the cycle's debug log */
  commit(batch: CommitBatch): Promise<Record<string, number> | undefined>;
  disconnect(): Promise<void>;
}

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
    commit: (batch) => (lanes[turn++ % lanes.length] as Lane).commit(batch),
  };
}

type Lane = Committer;

/** One transactional producer, replaced when a failed commit or abort leaves it stuck. */
function createLane(opts: { kafka: Kafka; groupId: string; maxRequestBytes: number; membership: () => GroupMembership | undefined }, transactionalId: string): Lane {
  const create = (): Producer =>
    opts.kafka.producer({
      transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: 60_000,
      allowAutoTopicCreation: false,
      retry: { initialRetryTime: 10, maxRetryTime: 1_000, retries: 30 },
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

  return {
    connect: () => start(producer),
    disconnect: () => producer.disconnect(),
    async commit(batch) {
      if (batch.messages.length === 0 && batch.offsets.length === 0) return;
      if (broken) {
        // A new producer with the same transactional id bumps its epoch: the broker finishes or
        // aborts whatever the stuck one left open, and fences it.
        await producer.disconnect().catch(() => undefined);
        producer = create();
        await start(producer);
        broken = false;
      }
      let tx: Awaited<ReturnType<Producer['transaction']>>;
      try {
        tx = await producer.transaction();
      } catch (error) {
        broken = true;
        throw error;
      }
      try {
        const t0 = performance.now();
        for (const send of splitBySize(batch.messages, opts.maxRequestBytes)) await tx.sendBatch({ topicMessages: send, acks: -1 });
        const t1 = performance.now();
        const membership = opts.membership();
        if (batch.offsets.length > 0) {
          await tx.sendOffsets({ consumerGroupId: opts.groupId, topics: offsetsByTopic(batch.offsets), ...(membership ? { consumerGroupMetadata: membership } : {}) });
        }
        const t2 = performance.now();
        await tx.commit();
        return { sendMs: Math.round(t1 - t0), offsetsMs: Math.round(t2 - t1), endMs: Math.round(performance.now() - t2) };
      } catch (error) {
        await tx.abort().catch(() => {
          broken = true;
        });
        throw error;
      }
    },
  };
}

/** Sends (idempotent producer), then commits the offsets through the consumer (fenced by its group generation). */
export function atLeastOnceCommitter(opts: { kafka: Kafka; consumer: Consumer; maxRequestBytes: number }): Committer {
  const producer = opts.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  return {
    connect: () => producer.connect(),
    disconnect: () => producer.disconnect(),
    async commit(batch) {
      for (const send of splitBySize(batch.messages, opts.maxRequestBytes)) await producer.sendBatch({ topicMessages: send, acks: -1 });
      if (batch.offsets.length > 0) await opts.consumer.commitOffsets(batch.offsets);
      return undefined;
    },
  };
}
