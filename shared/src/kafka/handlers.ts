import type { AnyEvent, ConsumedTopic, EventOf, EventsOn } from '../events/index.js';
import type { Logger } from '../observability/logger.js';
import type { Outgoing } from './publisher.js';

/** What a handler knows about the message it handles. */
export interface HandlerContext {
  topic: string;
  partition: number;
  offset: string;
  logger: Logger;
}

/**
 * What a handler returns: events to send (committed together with the message's offset) and,
 * for services that write a store, records that the service's commit stage writes in one batch
 * before the offsets are committed.
 */
export type HandlerResult<R = never> = Outgoing[] | { outgoing?: Outgoing[]; records?: R[] } | undefined;

/** Handles one validated event. */
export type Handler<E, R = never> = (event: E, ctx: HandlerContext) => Promise<HandlerResult<R>>;

/**
 * One handler for every event type that may arrive on the consumed topics: a type without a
 * handler, or a misspelt one, does not compile.
 */
export type HandlersFor<T extends ConsumedTopic, R = never> = { [E in EventsOn<T>]: Handler<EventOf<E>, R> };

/**
 * Thrown when a dependency the handler cannot do without (Mongo, Kafka) is down: the message is
 * neither committed nor dead-lettered; it is tried again until the dependency is back.
 */
export class DependencyDownError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DependencyDownError';
  }
}

/** One message about to be committed, as the service's commit stage sees it. */
export interface StagedMessage<R> {
  event: AnyEvent;
  records: R[];
  /**
   * Where the message came from. `epoch` changes whenever this member takes (or takes again) the
   * partition: what a stage remembers about a partition is valid only within one epoch.
   */
  source: { topic: string; partition: number; offset: string; epoch: number };
  /**
   * Drops what this message would send (e.g. a duplicate); its offset is still committed. `keep`
   * may let some of it through, changed or not (return undefined to drop a message).
   */
  drop(reason: string, keep?: (message: Outgoing) => Outgoing | undefined): void;
}

/**
 * Runs once per commit cycle, before the commit, over every message handled since the last one:
 * where a service writes its records in one batch (the log-sink's rows, the orchestrator's
 * claims). Throw DependencyDownError to have the cycle tried again later; nothing is committed.
 */
export type CommitStage<R> = (messages: StagedMessage<R>[]) => Promise<void>;

/** Subscriptions of one consumer group. */
export interface ConsumerSpec<T extends ConsumedTopic, R = never> {
  groupId: string;
  topics: readonly T[];
  handlers: HandlersFor<T, R>;
  stage?: CommitStage<R>;
}
