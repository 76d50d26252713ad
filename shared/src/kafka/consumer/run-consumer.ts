import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { sleep } from '../../async/index.js';
import type { AnyEvent, ConsumedTopic } from '../../events/index.js';
import { lazyChild, type Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import type { EventCodec } from '../codec.js';
import type { ConsumerSpec, Handler, HandlerContext } from '../handlers.js';
import { gateFetching } from './admission-gate.js';
import { Assignment } from './assignment.js';
import { CommitCycle } from './commit-cycle.js';
import { atLeastOnceCommitter, transactionalCommitter, type GroupMembership } from './committer.js';
import { restartAfterCrashes } from './crash-recovery.js';
import { decodeMessage } from './decode.js';
import { handleWithRetry } from './handle-with-retry.js';
import { KeyedScheduler } from './keyed-scheduler.js';
import { startLagMeter } from './lag-meter.js';

export interface ConsumerRuntimeOptions<T extends ConsumedTopic, R> extends ConsumerSpec<T, R> {
  kafka: Kafka;
  admin: Admin;
  codec: EventCodec;
  logger: Logger;
  metrics: Metrics;
  service: string;
  instanceId: string;
  /** join as a static member (KIP-345) under instanceId: restarts within the session timeout move no partition */
  stableInstanceId?: boolean;
  /**
   * transactional: what handlers return is sent in one Kafka transaction per cycle with the
   * consumed offsets (exactly once between topics). at-least-once: the commit stage writes the
   * records (idempotently), then outputs are sent, and offsets committed at most every 100 ms
   * (see OffsetCommits in committer.ts).
   */
  delivery: 'transactional' | 'at-least-once';
  /** the least time between the starts of two commit cycles (default 0): larger cycles where nobody waits on a commit */
  minCycleMs?: number;
  /** the least time between the starts of two fetches (default 0: fetch again as soon as a fetch is taken in) */
  minFetchIntervalMs?: number;
  /** handlers running at once (different keys; one key's messages run in order) */
  concurrency?: number;
  /** messages accepted and not yet committed; fetching waits while this many are in hand */
  maxInFlight?: number;
  /** tries of a handler that throws a retryable error before the message is dead-lettered */
  maxHandlerAttempts?: number;
  /** start from the beginning of a topic the group has never committed on */
  fromBeginning?: boolean;
  /** the largest message this service may produce (the broker's limit less headroom) */
  maxMessageBytes?: number;
  /** reports a dependency outage seen by a handler (true) and its end (false) */
  onDependencyDown?: (down: boolean) => void;
  /** a commit failed for good (this producer was fenced); the default exits the process */
  onFatal?: (error: unknown) => void;
  /**
   * Finish what was started before starting more (see admission-gate.ts): while the partitions of
   * `watch` bring more than `maxBacklog` messages in their last fetches and behind them, the
   * `gate` topics are not fetched.
   */
  admission?: { watch: T; gate: readonly T[]; maxBacklog: number };
}

export interface RunningConsumer {
  /** stops taking messages, lets running handlers finish, commits what they did, leaves the group */
  stop(): Promise<void>;
  /** true between joining the group and stopping (or a crash) */
  isRunning(): boolean;
}

/**
 * The one consumer runtime every service uses. kafkajs fetches; the intake below accepts each
 * message (skipping ones already in hand or done by a previous owner), decodes and validates it,
 * and queues it on its key; handlers run with bounded concurrency while fetching continues; a
 * commit cycle commits everything finished, partition by partition up to the first unfinished
 * offset, in one transaction per cycle.
 */
export async function runConsumer<T extends ConsumedTopic, R = never>(opts: ConsumerRuntimeOptions<T, R>): Promise<RunningConsumer> {
  const log = opts.logger.child({ component: 'consumer', groupId: opts.groupId });
  const maxInFlight = opts.maxInFlight ?? 2_000;
  const maxMessageBytes = opts.maxMessageBytes ?? 900_000;
  const stopping = new AbortController();
  const onFatal =
    opts.onFatal ??
    ((error: unknown) => {
      log.fatal({ err: error }, 'fenced by a newer instance with this INSTANCE_ID; exiting');
      process.exit(1);
    });
  const handlers = opts.handlers as unknown as Record<string, Handler<AnyEvent, R> | undefined>;

  const consumer: Consumer = opts.kafka.consumer({
    groupId: opts.groupId,
    ...(opts.stableInstanceId ? { groupInstanceId: opts.instanceId } : {}),
    // short, so a killed member's partitions move on quickly
    sessionTimeout: 10_000,
    heartbeatInterval: 3_000,
    rebalanceTimeout: 30_000,
    readUncommitted: false,
    maxWaitTimeInMs: 200,
    retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 5_000 },
  });
  let inFlight = 0;
  let roomWaiters: (() => void)[] = [];
  const settled = (count: number) => {
    inFlight -= count;
    if (inFlight < maxInFlight) for (const wake of roomWaiters.splice(0)) wake();
  };

  let running = false;
  let membership: GroupMembership | undefined;
  const assignment = new Assignment({ admin: opts.admin, groupId: opts.groupId, onError: (error) => log.error({ err: error }, 'could not read the committed offsets; owning no partition until the next join') });
  const scheduler = new KeyedScheduler(opts.concurrency ?? 64);
  const atLeastOnce = opts.delivery === 'at-least-once' ? atLeastOnceCommitter({ kafka: opts.kafka, consumer, maxRequestBytes: maxMessageBytes, logger: log }) : undefined;
  const committer =
    atLeastOnce ?? transactionalCommitter({ kafka: opts.kafka, transactionalId: `${opts.groupId}.${opts.instanceId}`, groupId: opts.groupId, maxRequestBytes: maxMessageBytes, membership: () => membership });
  const cycle = new CommitCycle<R>({
    committer,
    assignment,
    codec: opts.codec,
    stage: opts.stage,
    service: opts.service,
    logger: log,
    metrics: opts.metrics,
    maxMessageBytes,
    maxMetadataBytes: 3_500,
    settled,
    onFatal,
    minCycleMs: opts.minCycleMs ?? 0,
  });

  const admission = opts.admission;
  const gate = admission && gateFetching({ consumer, ...admission, metrics: opts.metrics, logger: log, groupId: opts.groupId });

  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    gate?.reset();
    running = true;
    membership = { generationId: e.payload.generationId, memberId: e.payload.memberId };
    opts.metrics.consumerGeneration.set({ group: opts.groupId }, e.payload.generationId);
    opts.metrics.consumerJoins.inc({ group: opts.groupId });
    assignment.joined(e.payload.memberAssignment);
    cycle.poke();
  });

  consumer.on(consumer.events.FETCH, () => opts.metrics.consumerFetches.inc({ group: opts.groupId }));
  const minFetchIntervalMs = opts.minFetchIntervalMs ?? 0;
  let fetchStartedAt = 0;
  if (minFetchIntervalMs > 0) consumer.on(consumer.events.FETCH_START, () => (fetchStartedAt = performance.now()));
  // offsets still waiting go to the group before it rebalances: a member keeping its partitions keeps its place
  if (atLeastOnce) consumer.on(consumer.events.REBALANCING, () => void atLeastOnce.offsets.flush());

  async function waitForRoom(payload: EachBatchPayload): Promise<boolean> {
    while (inFlight >= maxInFlight) {
      if (stopping.signal.aborted || !payload.isRunning() || payload.isStale()) return false;
      await new Promise<void>((resolve) => {
        roomWaiters.push(resolve);
        setTimeout(resolve, 1_000);
      });
      try {
        await payload.heartbeat();
      } catch {
        return false; // a rebalance: hand the batch back so kafkajs can rejoin
      }
    }
    return true;
  }

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (gate && batch.topic === admission?.watch) gate.observe(batch.partition, batch.messages.length + Number(batch.offsetLag()));
    const owner = await assignment.get(batch.topic, batch.partition);
    if (!owner) return;
    let resolved: string | undefined;
    for (const message of batch.messages) {
      if (stopping.signal.aborted || !(await waitForRoom(payload))) break;
      resolved = message.offset;
      const verdict = owner.offsets.accept(Number(message.offset));
      if (verdict === 'done-before') cycle.poke();
      if (verdict !== 'handle') continue;
      inFlight++;
      let event: AnyEvent;
      try {
        event = await decodeMessage(opts.codec, batch.topic, message);
      } catch (error) {
        cycle.add({ owner, message, event: undefined, outcome: { kind: 'dead', reason: (error as Error).message, cause: 'invalid_event' } });
        continue;
      }
      const handler = handlers[event.type];
      if (!handler) {
        cycle.add({ owner, message, event, outcome: { kind: 'ignored' } });
        continue;
      }
      const ctx: HandlerContext = {
        topic: batch.topic,
        partition: batch.partition,
        offset: message.offset,
        logger: lazyChild(log, { eventType: event.type, executionId: event.executionId, orgId: event.orgId }),
      };
      scheduler.push({
        key: message.key?.toString('utf8') ?? `${batch.topic}/${batch.partition}/${message.offset}`,
        group: event.orgId,
        run: async () => {
          if (!assignment.isCurrent(owner)) return settled(1);
          const outcome = await handleWithRetry(handler, event, ctx, {
            maxAttempts: opts.maxHandlerAttempts ?? 5,
            signal: stopping.signal,
            ...(opts.onDependencyDown ? { onDependencyDown: opts.onDependencyDown } : {}),
          });
          if (outcome) cycle.add({ owner, message, event, outcome });
        },
      });
    }
    if (resolved === undefined) return;
    if (resolved === batch.messages[batch.messages.length - 1]?.offset) owner.offsets.fetched(Number(batch.lastOffset()));
    payload.resolveOffset(resolved);
    // kafkajs fetches again once every batch of a fetch is taken in: holding this one back paces the fetches
    const early = fetchStartedAt + minFetchIntervalMs - performance.now();
    if (early > 0 && !stopping.signal.aborted) await sleep(early);
  }

  const startConsuming = () =>
    consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 3,
      eachBatch,
    });
  const recovery = restartAfterCrashes({ consumer, logger: log, signal: stopping.signal, start: startConsuming, onCrash: () => (running = false), onFenced: onFatal });

  await committer.connect();
  await consumer.connect();
  for (const topic of opts.topics) await consumer.subscribe({ topic, fromBeginning: opts.fromBeginning ?? true });
  cycle.start();
  await startConsuming();
  const lag = startLagMeter({ admin: opts.admin, groupId: opts.groupId, topics: opts.topics, metrics: opts.metrics, logger: log, intervalMs: 5_000 });
  log.info({ topics: opts.topics, delivery: opts.delivery }, 'consuming');

  return {
    isRunning: () => running,
    async stop() {
      stopping.abort();
      running = false;
      lag.stop();
      gate?.stop();
      for (const wake of roomWaiters.splice(0)) wake();
      roomWaiters = [];
      await recovery.stop();
      await scheduler.stop();
      await cycle.stop();
      // the at-least-once committer commits its waiting offsets through the consumer: first
      await committer.disconnect();
      await consumer.disconnect();
    },
  };
}
