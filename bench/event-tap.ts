/**
 * Learns when executions end by reading the `workflow.execution.events` topic, as any consumer of the
 * engine would, instead of polling the API once per execution (which would load the system it measures).
 */
import type { Admin, Consumer, Kafka } from 'kafkajs';
import { parseEvent, TOPICS } from '@botwot/shared/events';
import type { EventCodec } from '@botwot/shared/kafka';

export interface EndedExecution {
  status: 'completed' | 'failed';
  /** the execution's completedAt, ms since the epoch */
  completedAtMs: number;
  /** when the event reached the tap */
  seenAtMs: number;
  /** the failure's code, for failed executions */
  errorCode?: string;
}

// A message is only decoded when its bytes name an end event: the tap skips the many step events
// without paying for the registry's and zod's validation, which would load the machine it measures.
// A false positive (a step output quoting the name) is decoded and then dropped by its type.
const END_MARKERS = [Buffer.from('"execution.completed"'), Buffer.from('"execution.failed"')];
const mayBeEnd = (value: Buffer) => END_MARKERS.some((m) => value.includes(m));

/** Decodes one message value; the end it reports, or undefined for any other event. Throws on an invalid one. */
export async function decodeEnd(value: Buffer, codec: EventCodec, seenAtMs: number): Promise<[string, EndedExecution] | undefined> {
  if (!mayBeEnd(value)) return undefined;
  const event = parseEvent(await codec.decode(value));
  if (event.type === 'execution.completed' && event.executionId) {
    return [event.executionId, { status: 'completed', completedAtMs: Date.parse(event.data.completedAt), seenAtMs }];
  }
  if (event.type === 'execution.failed' && event.executionId) {
    return [event.executionId, { status: 'failed', completedAtMs: Date.parse(event.data.completedAt), seenAtMs, errorCode: event.data.error.code }];
  }
  return undefined;
}

export interface EventTap {
  /** every end seen since the tap started, by executionId (the first end wins: an end is final) */
  readonly ended: ReadonlyMap<string, EndedExecution>;
  /** messages that could not be decoded or validated */
  readonly invalid: number;
  /** the tap's own consumer group, to leave out of the lag figures */
  readonly groupId: string;
  /** up to n executionIds that ended most recently */
  recent(n: number): string[];
  /** resolves once every id has ended, or at the deadline; with the ids still running */
  waitFor(ids: Iterable<string>, timeoutMs: number, onProgress?: (left: number) => void): Promise<string[]>;
  /** drops these ids from `ended` (the store fill does not keep what it no longer needs) */
  forget(ids: Iterable<string>): void;
  stop(): Promise<void>;
}

async function endOffsets(admin: Admin, topic: string): Promise<{ partition: number; offset: string }[]> {
  return (await admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, offset: p.high }));
}

/**
 * Starts reading the topic from its current end. Resolves once the tap owns every partition at that
 * end, so nothing produced afterwards can be missed; start the load only then.
 */
export async function startEventTap(opts: { kafka: Kafka; admin: Admin; codec: EventCodec; groupId: string; timeoutMs?: number }): Promise<EventTap> {
  const topic = TOPICS.executionEvents;
  const ended = new Map<string, EndedExecution>();
  const recentIds: string[] = [];
  const waiters = new Set<(id: string) => void>();
  let invalid = 0;

  const start = await endOffsets(opts.admin, topic);
  // The times come from the events themselves, so the tap can read in batches: the broker holds
  // each fetch until 64 KB or 50 ms, instead of answering one every few ms (the instrument's own
  // load on the machine it measures).
  const consumer: Consumer = opts.kafka.consumer({ groupId: opts.groupId, minBytes: 64 * 1024, maxWaitTimeInMs: 50, sessionTimeout: 30_000 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: false });
  const joined = new Promise<void>((resolve) => {
    const off = consumer.on(consumer.events.GROUP_JOIN, () => {
      off();
      resolve();
    });
  });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ message }) => {
      if (!message.value) return;
      try {
        const end = await decodeEnd(message.value, opts.codec, Date.now());
        if (!end || ended.has(end[0])) return;
        ended.set(end[0], end[1]);
        recentIds.push(end[0]);
        if (recentIds.length > 2_000) recentIds.splice(0, 1_000);
        for (const wake of waiters) wake(end[0]);
      } catch {
        invalid++;
      }
    },
  });
  const timeoutMs = opts.timeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    joined,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`event tap: no partitions of ${topic} assigned within ${timeoutMs / 1000} s`)), timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
  for (const p of start) consumer.seek({ topic, partition: p.partition, offset: p.offset });

  return {
    ended,
    get invalid() {
      return invalid;
    },
    groupId: opts.groupId,
    recent: (n) => recentIds.slice(-n),
    waitFor: (ids, waitMs, onProgress) => {
      const left = new Set([...ids].filter((id) => !ended.has(id)));
      return new Promise<string[]>((resolve) => {
        const onEnd = (id: string) => {
          left.delete(id);
          if (left.size === 0) finish();
        };
        const finish = () => {
          waiters.delete(onEnd);
          clearTimeout(deadline);
          clearInterval(progress);
          resolve([...left]);
        };
        const deadline = setTimeout(finish, waitMs);
        const progress = setInterval(() => onProgress?.(left.size), 5_000);
        waiters.add(onEnd);
        if (left.size === 0) finish();
      });
    },
    forget: (ids) => {
      for (const id of ids) ended.delete(id);
    },
    stop: async () => {
      await consumer.disconnect();
    },
  };
}
