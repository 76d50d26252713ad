import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Message, Producer } from 'kafkajs';
import { InvalidEventError, parseEvent, TOPIC_EVENTS, TOPICS, type AnyEvent, type EventType } from '../events/index.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { StepError } from '../errors/index.js';
import type { EventCodec } from './codec.js';
import { forEachLimited, groupByKey, sleep } from './concurrency.js';
import { deadLetterMessage } from './dead-letter.js';
import { DependencyDownError, type ConsumerSpec, type Handler, type HandlerContext } from './handlers.js';
import { encodeOutgoing, type Outgoing } from './publisher.js';
import { splitByBytes } from './split-by-bytes.js';

export interface ConsumerRuntimeOptions extends ConsumerSpec {
  kafka: Kafka;
  codec: EventCodec;
  logger: Logger;
  metrics: Metrics;
  service: string;
  instanceId: string;
  /**
   * transactional: what handlers return is sent in one Kafka transaction with the consumed offsets
   * (exactly-once between topics). at-least-once: handlers do their own side effects (e.g. Mongo
   * upserts, which must be idempotent); offsets are committed after they succeed.
   */
  delivery: 'transactional' | 'at-least-once';
  /** messages handled at once per batch (different keys only; one key's messages stay in order) */
  concurrency?: number;
  /** messages per commit */
  chunkSize?: number;
  /** tries of a handler that throws a retryable error before the message is dead-lettered */
  maxHandlerAttempts?: number;
  /** start from the beginning of a topic the group has never committed on */
  fromBeginning?: boolean;
}

export interface RunningConsumer {
  /** stops fetching, lets the batch in hand finish and commit, then disconnects */
  stop(): Promise<void>;
  /** true between joining the group and stopping */
  isRunning(): boolean;
}

type Outcome = { kind: 'ok'; outgoing: Outgoing[] } | { kind: 'dead'; reason: string } | { kind: 'ignored' };

/**
 * The one consumer loop every service uses: decode, validate against the event catalog and the
 * topic's allowed types, dispatch to the typed handler, retry retryable failures within a bound,
 * dead-letter poison messages with their reason, and commit only what was handled.
 */
export async function runConsumer(opts: ConsumerRuntimeOptions): Promise<RunningConsumer> {
  const log = opts.logger.child({ component: 'consumer', groupId: opts.groupId });
  const concurrency = opts.concurrency ?? 32;
  const chunkSize = opts.chunkSize ?? 200;
  const maxAttempts = opts.maxHandlerAttempts ?? 5;
  const stopping = new AbortController();

  const consumer: Consumer = opts.kafka.consumer({
    groupId: opts.groupId,
    // short, so a killed member's partitions move on quickly; long batches keep heartbeating
    sessionTimeout: 10_000,
    heartbeatInterval: 3_000,
    rebalanceTimeout: 60_000,
    readUncommitted: false,
    maxWaitTimeInMs: 100,
    retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 5_000 },
  });
  const producer: Producer =
    opts.delivery === 'transactional'
      ? opts.kafka.producer({
          transactionalId: `${opts.groupId}.${opts.instanceId}`,
          idempotent: true,
          maxInFlightRequests: 1,
          transactionTimeout: 60_000,
          allowAutoTopicCreation: false,
          // The broker answers CONCURRENT_TRANSACTIONS while it still writes the previous commit's
          // markers, which takes milliseconds; with the client-wide 300 ms first retry every
          // transaction that followed another closely waited 300-2,000 ms (commits here are serial).
          retry: { initialRetryTime: 20, maxRetryTime: 2_000, retries: Number.MAX_SAFE_INTEGER },
        })
      : opts.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });

  // one transactional producer allows one open transaction: partitions handled in parallel commit in turn
  let commitQueue: Promise<void> = Promise.resolve();
  const serially = (work: () => Promise<void>): Promise<void> => {
    const run = commitQueue.then(work);
    commitQueue = run.catch(() => undefined);
    return run;
  };
  let running = false;
  consumer.on(consumer.events.GROUP_JOIN, () => (running = true));
  // kafkajs restarts a crashed consumer only after a retriable error. Some errors a broker outage
  // causes are not (e.g. "Failed to find group coordinator" once its retries are spent), and the
  // consumer would then stay down for good while the process looks alive: start it again ourselves.
  let crashes = 0;
  let restarting: Promise<void> | undefined;
  consumer.on(consumer.events.CRASH, (e) => {
    running = false;
    log.error({ err: e.payload.error, restart: e.payload.restart }, 'consumer crashed');
    if (e.payload.restart || stopping.signal.aborted) return;
    crashes++;
    restarting ??= recover().finally(() => (restarting = undefined));
  });

  /** Starts the crashed consumer again, backing off, until it runs without crashing again or we stop. */
  async function recover(): Promise<void> {
    for (let attempt = 1; !stopping.signal.aborted; attempt++) {
      await sleep(Math.min(30_000, 1_000 * 2 ** Math.min(attempt - 1, 5)), stopping.signal);
      if (stopping.signal.aborted) return;
      const before = crashes;
      try {
        await consumer.connect();
        await startConsuming();
      } catch (error) {
        log.error({ err: error, attempt }, 'consumer restart failed; trying again');
        await consumer.disconnect().catch(() => undefined);
        continue;
      }
      // kafkajs reports a failure to join as a crash during run(): only no new crash means it is back
      if (crashes === before) {
        log.warn({ attempt }, 'consumer restarted after a crash kafkajs does not recover from');
        return;
      }
    }
  }

  async function decode(topic: string, message: KafkaMessage): Promise<AnyEvent> {
    if (!message.value || message.value.length === 0) throw new InvalidEventError('empty message');
    let raw: unknown;
    try {
      raw = await opts.codec.decode(message.value);
    } catch (error) {
      throw new InvalidEventError(`undecodable: ${(error as Error).message}`);
    }
    const event = parseEvent(raw);
    const allowed = TOPIC_EVENTS[topic as keyof typeof TOPIC_EVENTS];
    if (allowed && !allowed.includes(event.type)) throw new InvalidEventError(`event type "${event.type}" does not belong on ${topic}`);
    return event;
  }

  /** The message's outcome; undefined when the consumer is stopping and the message should be left for the next owner. */
  async function handleOne(topic: string, partition: number, message: KafkaMessage): Promise<Outcome | undefined> {
    let event: AnyEvent;
    try {
      event = await decode(topic, message);
    } catch (error) {
      return { kind: 'dead', reason: (error as Error).message };
    }
    const handler = opts.handlers[event.type as EventType] as Handler<AnyEvent> | undefined;
    if (!handler) return { kind: 'ignored' };
    const ctx: HandlerContext = {
      topic,
      partition,
      offset: message.offset,
      logger: log.child({ eventType: event.type, executionId: event.executionId, orgId: event.orgId }),
    };
    for (let attempt = 1; ; attempt++) {
      try {
        return { kind: 'ok', outgoing: (await handler(event, ctx)) ?? [] };
      } catch (error) {
        if (error instanceof DependencyDownError) throw error;
        const retryableError = !(error instanceof InvalidEventError) && !(error instanceof StepError && !error.retryable);
        // stopping: leave it uncommitted for the next owner of the partition rather than dead-letter it
        if (retryableError && stopping.signal.aborted) return undefined;
        if (!retryableError || attempt >= maxAttempts) {
          ctx.logger.error({ err: error, attempt }, 'handler failed; dead-lettering the message');
          return { kind: 'dead', reason: `handler failed after ${attempt} attempt(s): ${(error as Error).message}` };
        }
        ctx.logger.warn({ err: error, attempt }, 'handler failed; retrying');
        await sleep(Math.min(5_000, 200 * 2 ** (attempt - 1)) * (0.5 + Math.random()), stopping.signal);
      }
    }
  }

  async function commitChunk(payload: EachBatchPayload, messages: Message[], outgoing: Outgoing[], lastOffset: string): Promise<void> {
    const { batch } = payload;
    const topicMessages = await encodeOutgoing(opts.codec, outgoing);
    if (messages.length > 0) topicMessages.push({ topic: TOPICS.deadLetter, messages });
    const nextOffset = (BigInt(lastOffset) + 1n).toString();
    if (opts.delivery === 'transactional') {
      const tx = await producer.transaction();
      try {
        for (const tm of topicMessages) for (const messages of splitByBytes(tm.messages)) await tx.send({ topic: tm.topic, messages, acks: -1 });
        await tx.sendOffsets({
          consumerGroupId: opts.groupId,
          topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: nextOffset }] }],
        });
        await tx.commit();
      } catch (error) {
        await tx.abort().catch(() => undefined);
        throw error;
      }
      payload.resolveOffset(lastOffset);
    } else {
      for (const tm of topicMessages) for (const messages of splitByBytes(tm.messages)) await producer.send({ topic: tm.topic, messages, acks: -1 });
      payload.resolveOffset(lastOffset);
      await payload.commitOffsetsIfNecessary();
    }
  }

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const beat = setInterval(() => void payload.heartbeat().catch(() => undefined), 2_000);
    try {
      opts.metrics.consumerLag.set({ topic: batch.topic, partition: String(batch.partition) }, Number(batch.offsetLag()));
      for (let i = 0; i < batch.messages.length; i += chunkSize) {
        if (!payload.isRunning() || payload.isStale()) return;
        const chunk = batch.messages.slice(i, i + chunkSize);
        const outcomes = new Map<KafkaMessage, Outcome>();
        const groups = groupByKey(chunk, (m) => m.key?.toString('utf8') ?? `#${m.offset}`);
        await forEachLimited(groups, concurrency, async (group) => {
          for (const message of group) {
            // On stop, what is in flight finishes but nothing new starts: a chunk of slow steps
            // could otherwise outlast the shutdown bound and be cut off, to be run again in full.
            if (stopping.signal.aborted || !payload.isRunning()) return;
            const outcome = await handleOne(batch.topic, batch.partition, message);
            if (!outcome) return;
            outcomes.set(message, outcome);
          }
        });
        // Commit up to the first message left unhandled (only when stopping); the rest is redelivered.
        const handled = chunk.findIndex((m) => !outcomes.has(m));
        const done = handled === -1 ? chunk : chunk.slice(0, handled);
        const outgoing: Outgoing[] = [];
        const dead: Message[] = [];
        for (const message of done) {
          const outcome = outcomes.get(message) as Outcome;
          opts.metrics.messagesConsumed.inc({ topic: batch.topic, outcome: outcome.kind === 'dead' ? 'dead_lettered' : outcome.kind });
          if (outcome.kind === 'ok') outgoing.push(...outcome.outgoing);
          else if (outcome.kind === 'dead') {
            log.warn({ topic: batch.topic, partition: batch.partition, offset: message.offset, reason: outcome.reason }, 'dead-lettered');
            dead.push(deadLetterMessage({ topic: batch.topic, partition: batch.partition, message }, outcome.reason, opts.service));
          }
        }
        const last = done[done.length - 1];
        if (last) await serially(() => commitChunk(payload, dead, outgoing, last.offset));
        if (done.length < chunk.length) return;
      }
    } finally {
      clearInterval(beat);
    }
  }

  async function startConsuming(): Promise<void> {
    await consumer.run({
      autoCommit: opts.delivery !== 'transactional',
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 4,
      eachBatch,
    });
  }

  await producer.connect();
  await consumer.connect();
  for (const topic of opts.topics) await consumer.subscribe({ topic, fromBeginning: opts.fromBeginning ?? true });
  await startConsuming();
  log.info({ topics: opts.topics, delivery: opts.delivery }, 'consuming');

  return {
    isRunning: () => running,
    async stop() {
      stopping.abort();
      running = false;
      await restarting;
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}
