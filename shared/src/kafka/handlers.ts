import type { EventOf, EventType, TopicName } from '../events/index.js';
import type { Logger } from '../observability/logger.js';
import type { Outgoing } from './publisher.js';

/** What a handler knows about the message it handles. */
export interface HandlerContext {
  topic: string;
  partition: number;
  offset: string;
  logger: Logger;
}

/** Handles one validated event; returns the events to send (committed together with its offset). */
export type Handler<E> = (event: E, ctx: HandlerContext) => Promise<Outgoing[] | void>;

/** A service's handlers keyed by event type: a misspelt type does not compile. */
export type HandlerMap = { [T in EventType]?: Handler<EventOf<T>> };

/**
 * Thrown when a dependency the handler cannot do without (Mongo, Kafka) is down: the message is
 * neither committed nor dead-lettered; the batch is tried again later from the last commit.
 */
export class DependencyDownError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DependencyDownError';
  }
}

/** Subscriptions of one consumer group. */
export interface ConsumerSpec {
  groupId: string;
  topics: TopicName[];
  handlers: HandlerMap;
}
