import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { eventCatalog, type EventOf, type EventType, type AnyEvent } from './catalog.js';
import { looseEnvelope } from './envelope.js';

/** Why a message was refused; becomes the dead-letter reason. */
export class InvalidEventError extends Error {
  constructor(
    message: string,
    readonly issues?: unknown,
  ) {
    super(message);
    this.name = 'InvalidEventError';
  }
}

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

/** Validates anything (already JSON-decoded) as a known event, or throws InvalidEventError. */
export function parseEvent(value: unknown): AnyEvent {
  const envelope = looseEnvelope.safeParse(value);
  if (!envelope.success) throw new InvalidEventError(`not an event envelope: ${describe(envelope.error)}`);
  const { type } = envelope.data;
  if (!Object.hasOwn(eventCatalog, type)) throw new InvalidEventError(`unknown event type "${type}"`);
  const schema = eventCatalog[type as EventType];
  if (envelope.data.version !== schema.shape.version.value) {
    throw new InvalidEventError(`unsupported version ${envelope.data.version} of "${type}"`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new InvalidEventError(`invalid "${type}": ${describe(parsed.error)}`, parsed.error.issues);
  return parsed.data as AnyEvent;
}

/**
 * Builds an event of one type. The data is typed, not checked here: each event is validated once
 * per hop, by the consumer that reads it (parseEvent), which dead-letters what does not conform.
 */
export function createEvent<T extends EventType>(
  type: T,
  fields: { orgId: string; executionId?: string; eventId?: string; occurredAt?: string; data: EventOf<T>['data'] },
): EventOf<T> {
  return {
    eventId: fields.eventId ?? randomUUID(),
    type,
    version: eventCatalog[type].shape.version.value,
    occurredAt: fields.occurredAt ?? new Date().toISOString(),
    orgId: fields.orgId,
    ...(fields.executionId !== undefined ? { executionId: fields.executionId } : {}),
    data: fields.data,
  } as EventOf<T>;
}

/** The JSON Schema of one event type, generated from its zod schema (registered in the schema registry). */
export function eventJsonSchema(type: EventType): Record<string, unknown> {
  return z.toJSONSchema(eventCatalog[type], { target: 'draft-7', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
