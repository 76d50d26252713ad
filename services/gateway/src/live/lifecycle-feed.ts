import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { TOPICS, type AnyEvent, type EventOf } from '@botwot/shared/events';
import { decodeMessage, type EventCodec } from '@botwot/shared/kafka';
import type { Logger } from '@botwot/shared/observability';

/** The lifecycle events a stream can follow. */
export type LifecycleEvent = EventOf<'execution.started' | 'step.recorded' | 'execution.completed' | 'execution.failed' | 'execution.cancelled'>;
export type FeedListener = (event: LifecycleEvent) => void;

/** Lifecycle events of one workflow, as they pass. */
export interface LifecycleFeed {
  /** hears every lifecycle event of the workflow from now on; returns the unsubscribe */
  subscribe(workflowId: string, listener: FeedListener): () => void;
}

/**
 * Each gateway replica reads `workflow.execution.events` itself, from its end, in a consumer group
 * of its own that never commits: every replica sees every lifecycle event, with no coordination,
 * and fans them out in memory to the streams it serves. Lifecycle events are keyed by workflowId,
 * so a message whose key no stream follows is skipped without being decoded. What passes while
 * the consumer is down or rejoining is not seen; streams recheck Mongo for that (execution-follower.ts).
 */
export async function startLifecycleFeed(deps: { kafka: Kafka; codec: EventCodec; logger: Logger; instanceId: string }): Promise<LifecycleFeed & { stop(): Promise<void> }> {
  const log = deps.logger.child({ component: 'lifecycle-feed' });
  const listeners = new Map<string, Set<FeedListener>>();
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
  await consumer.subscribe({ topic: TOPICS.executionEvents, fromBeginning: false });
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
  log.info('following lifecycle events for live streams');
  return {
    subscribe(workflowId, listener) {
      let set = listeners.get(workflowId);
      if (!set) {
        set = new Set();
        listeners.set(workflowId, set);
      }
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0 && listeners.get(workflowId) === set) listeners.delete(workflowId);
      };
    },
    async stop() {
      listeners.clear();
      await consumer.disconnect();
    },
  };
}
