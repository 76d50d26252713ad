import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import { TOPICS, type AnyEvent, type EventOf } from '@botwot/shared/events';
import { decodeMessage, type EventCodec } from '@botwot/shared/kafka';
import type { Logger, Metrics } from '@botwot/shared/observability';

/** The lifecycle events a stream can follow. */
export type LifecycleEvent = EventOf<'execution.started' | 'step.recorded' | 'execution.completed' | 'execution.failed' | 'execution.cancelled'>;
export type FeedListener = (event: LifecycleEvent) => void;

/** Lifecycle events of one workflow, as they pass. */
export interface LifecycleFeed {
  /** hears every lifecycle event of the workflow from now on; returns the unsubscribe */
  subscribe(workflowId: string, listener: FeedListener): () => void;
}

/** How far back a woken feed starts: events of the moment a stream opened are not missed. */
const REPLAY_ON_WAKE_MS = 2_000;

/**
 * Each gateway replica reads `workflow.execution.events` itself, from its end, in a consumer group
 * of its own that never commits: every replica sees every lifecycle event, with no coordination,
 * and fans them out in memory to the streams it serves. Lifecycle events are keyed by workflowId,
 * so a message whose key no stream follows is skipped without being decoded. What passes while
 * the consumer is down or rejoining is not seen; streams recheck Mongo for that (execution-follower.ts).
 *
 * A replica with no stream open does not read at all: the topic is paused `idleBeforePauseMs`
 * (LIVE_FEED_IDLE_MS) after the last stream closed (at 100 executions/s, reading it cost the
 * gateway and the broker a fetch every few ms). The first stream to open wakes it: it moves to the
 * offsets of 2 s before, then reads on.
 */
export async function startLifecycleFeed(deps: { kafka: Kafka; admin: Admin; codec: EventCodec; logger: Logger; metrics: Metrics; instanceId: string; idleBeforePauseMs: number }): Promise<LifecycleFeed & { stop(): Promise<void> }> {
  const log = deps.logger.child({ component: 'lifecycle-feed' });
  const listeners = new Map<string, Set<FeedListener>>();
  const topic = TOPICS.executionEvents;
  const consumer: Consumer = deps.kafka.consumer({
    groupId: `gateway-live-${deps.instanceId}-${randomUUID()}`,
    readUncommitted: false,
    maxWaitTimeInMs: 100,
    sessionTimeout: 10_000,
    heartbeatInterval: 3_000,
  });
  // streams opened before the group is joined would miss what passes meanwhile: start serving once joined
  const joined = new Promise<void>((resolve) => {
    consumer.on(consumer.events.GROUP_JOIN, () => resolve());
    setTimeout(resolve, 30_000).unref();
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: 3,
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        const workflowId = message.key?.toString('utf8');
        const set = workflowId ? listeners.get(workflowId) : undefined;
        if (!set || set.size === 0) continue;
        let event: AnyEvent;
        try {
          event = await decodeMessage(deps.codec, batch.topic, message);
        } catch {
          continue; // the log-sink dead-letters it; a stream has nothing to show
        }
        for (const listener of [...set]) {
          try {
            listener(event as LifecycleEvent);
          } catch (error) {
            log.warn({ err: error, executionId: event.executionId, orgId: event.orgId }, 'a stream failed on a lifecycle event');
          }
        }
      }
    },
  });
  await joined;

  let paused = false;
  let idleTimer: NodeJS.Timeout | undefined;
  let waking: Promise<void> | undefined;
  const pause = () => {
    idleTimer = undefined;
    if (listeners.size > 0 || paused || waking !== undefined) return;
    consumer.pause([{ topic }]);
    paused = true;
    deps.metrics.liveFeedPaused.set(1);
    log.info('no stream open: lifecycle events paused');
  };
  const idleSoon = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(pause, deps.idleBeforePauseMs);
    idleTimer.unref();
  };
  const wake = async () => {
    try {
      const offsets = await deps.admin.fetchTopicOffsetsByTimestamp(topic, Date.now() - REPLAY_ON_WAKE_MS);
      for (const { partition, offset } of offsets) consumer.seek({ topic, partition, offset });
    } catch (error) {
      // read on from where it paused: more to skip, nothing missed
      log.warn({ err: error }, 'could not find where to wake the lifecycle feed; it reads on from where it paused');
    }
    consumer.resume([{ topic }]);
    paused = false;
    deps.metrics.liveFeedPaused.set(0);
    waking = undefined;
    log.info('a stream opened: lifecycle events followed again');
    if (listeners.size === 0) idleSoon(); // the stream closed while the feed woke
  };
  idleSoon();
  log.info('following lifecycle events for live streams');
  return {
    subscribe(workflowId, listener) {
      clearTimeout(idleTimer);
      idleTimer = undefined;
      if (paused && waking === undefined) waking = wake();
      let set = listeners.get(workflowId);
      if (!set) {
        set = new Set();
        listeners.set(workflowId, set);
      }
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0 && listeners.get(workflowId) === set) listeners.delete(workflowId);
        if (listeners.size === 0) idleSoon();
      };
    },
    async stop() {
      clearTimeout(idleTimer);
      listeners.clear();
      await consumer.disconnect();
    },
  };
}
