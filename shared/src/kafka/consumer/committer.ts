import type { Consumer, Producer } from 'kafkajs';
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
  commit(batch: CommitBatch): Promise<void>;
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
export function transactionalCommitter(opts: { producer: Producer; groupId: string; maxRequestBytes: number; membership: () => GroupMembership | undefined }): Committer {
  return {
    async commit(batch) {
      if (batch.messages.length === 0 && batch.offsets.length === 0) return;
      const tx = await opts.producer.transaction();
      try {
        for (const send of splitBySize(batch.messages, opts.maxRequestBytes)) await tx.sendBatch({ topicMessages: send, acks: -1 });
        const membership = opts.membership();
        if (batch.offsets.length > 0) {
          await tx.sendOffsets({ consumerGroupId: opts.groupId, topics: offsetsByTopic(batch.offsets), ...(membership ? { consumerGroupMetadata: membership } : {}) });
        }
        await tx.commit();
      } catch (error) {
        await tx.abort().catch(() => undefined);
        throw error;
      }
    },
  };
}

/** Sends (idempotent producer), then commits the offsets through the consumer (fenced by its group generation). */
export function atLeastOnceCommitter(opts: { producer: Producer; consumer: Consumer; maxRequestBytes: number }): Committer {
  return {
    async commit(batch) {
      for (const send of splitBySize(batch.messages, opts.maxRequestBytes)) await opts.producer.sendBatch({ topicMessages: send, acks: -1 });
      if (batch.offsets.length > 0) await opts.consumer.commitOffsets(batch.offsets);
    },
  };
}
