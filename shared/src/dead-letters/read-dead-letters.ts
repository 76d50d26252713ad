import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import { TOPICS } from '../events/index.js';
import type { DeadLetterId } from './dead-letter-id.js';
import { toDeadLetter, type DeadLetter } from './dead-letter.js';
import { readRanges, type PartitionBounds, type ReadRange } from './read-ranges.js';

export interface ReadOptions {
  kafka: Kafka;
  /** read only these dead letters */
  ids?: DeadLetterId[];
  /** skip what was dead-lettered before this time (ms since the epoch), using the broker's time index */
  since?: number;
  /** give up on partitions not read to their end by then */
  timeoutMs: number;
  /** whether the engine's consumers accept the Confluent wire format (they do when a registry is configured) */
  wireFormat: boolean;
  topic?: string;
}

export interface ReadResult {
  deadLetters: DeadLetter[];
  /** partitions not read to the end in time (e.g. a transaction still open on them) */
  unfinished: { partition: number; readTo: number; end: number }[];
}

/**
 * Reads the dead-letter topic as it is now: every committed message up to each partition's end at
 * the start of the read, and nothing that arrives later. Uses a throw-away consumer group that
 * commits nothing and is deleted afterwards, so the engine's groups are never touched.
 */
export async function readDeadLetters(opts: ReadOptions): Promise<ReadResult> {
  const topic = opts.topic ?? TOPICS.deadLetter;
  const admin = opts.kafka.admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) return { deadLetters: [], unfinished: [] };
    const { ranges, partitions } = await rangesToRead(admin, topic, opts);
    if (ranges.size === 0) return { deadLetters: [], unfinished: [] };
    const groupId = `botwot-dlq-tool-${randomUUID()}`;
    try {
      const result = await consume({ ...opts, topic, groupId, ranges, idle: partitions.filter((p) => !ranges.has(p)) });
      if (opts.ids) {
        const wanted = new Set(opts.ids.map((id) => `${id.partition}:${id.offset}`));
        result.deadLetters = result.deadLetters.filter((dl) => wanted.has(dl.id));
      }
      return result;
    } finally {
      await admin.deleteGroups([groupId]).catch(() => undefined);
    }
  } finally {
    await admin.disconnect();
  }
}

async function rangesToRead(admin: Admin, topic: string, opts: ReadOptions): Promise<{ ranges: Map<number, ReadRange>; partitions: number[] }> {
  // ListOffsets here is read-committed: `high` is the last stable offset, the end a committed read reaches
  const offsets = await admin.fetchTopicOffsets(topic);
  const bounds: PartitionBounds[] = offsets.map((o) => ({ partition: o.partition, low: Number(o.low), end: Number(o.high) }));
  let sinceOffsets: Map<number, number> | undefined;
  if (opts.since !== undefined && !opts.ids) {
    const byTime = await admin.fetchTopicOffsetsByTimestamp(topic, opts.since);
    sinceOffsets = new Map(byTime.map((o) => [o.partition, Number(o.offset)]));
  }
  const ranges = readRanges(bounds, { ...(opts.ids ? { ids: opts.ids } : {}), ...(sinceOffsets ? { sinceOffsets } : {}) });
  return { ranges, partitions: bounds.map((b) => b.partition) };
}

async function consume(opts: ReadOptions & { topic: string; groupId: string; ranges: Map<number, ReadRange>; idle: number[] }): Promise<ReadResult> {
  const { topic, ranges } = opts;
  const consumer = opts.kafka.consumer({ groupId: opts.groupId, maxWaitTimeInMs: 250, allowAutoTopicCreation: false });
  const found = new Map<string, DeadLetter>();
  const readTo = new Map<number, number>();
  const pending = new Set(ranges.keys());
  let finish: (error?: unknown) => void = () => undefined;
  const finished = new Promise<void>((resolve, reject) => (finish = (error) => (error === undefined ? resolve() : reject(error))));

  // Progress counts every record fetched, control records (transaction markers) included: the
  // last offsets of a partition written in transactions are markers that no message reaches.
  const advance = (partition: number, lastOffset: number) => {
    const range = ranges.get(partition);
    if (!range) return;
    readTo.set(partition, Math.max(readTo.get(partition) ?? range.from - 1, lastOffset));
    if (lastOffset >= range.to - 1 && pending.delete(partition) && pending.size === 0) finish();
  };
  // batches of markers or aborted messages only do not reach eachBatch; their offsets come with this event
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    if (payload.topic === topic && payload.batchSize === 0) advance(payload.partition, Number(payload.lastOffset));
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) finish(payload.error);
  });

  const timer = setTimeout(() => finish(), opts.timeoutMs);
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    // eachBatch rather than eachMessage: kafkajs stops an eachMessage batch half-way when a seek is
    // pending, and the batch's last offset would then count messages never handed over.
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const range = ranges.get(batch.partition);
        if (!range) return;
        for (const message of batch.messages) {
          const offset = Number(message.offset);
          if (offset < range.from || offset >= range.to) continue;
          const dl = toDeadLetter(batch.partition, message, { wireFormat: opts.wireFormat });
          found.set(dl.id, dl);
        }
        advance(batch.partition, Number(batch.lastOffset()));
      },
    });
    for (const [partition, range] of ranges) consumer.seek({ topic, partition, offset: String(range.from) });
    if (opts.idle.length > 0) consumer.pause([{ topic, partitions: opts.idle }]);
    await finished;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
  }
  const unfinished = [...pending].map((partition) => ({
    partition,
    readTo: readTo.get(partition) ?? (ranges.get(partition) as ReadRange).from - 1,
    end: (ranges.get(partition) as ReadRange).to,
  }));
  return { deadLetters: [...found.values()], unfinished };
}
