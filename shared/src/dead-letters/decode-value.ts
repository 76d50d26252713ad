import { InvalidEventError, parseEvent, TOPIC_EVENTS, type AnyEvent } from '../events/index.js';

/** How the value's bytes are framed: plain JSON, or the Confluent wire format (magic byte 0, schema id, JSON). */
export type WireFormat = { kind: 'json' } | { kind: 'confluent'; schemaId: number };

/** What could be read of a value even when it is not a valid event: shown in `list`, used by `--org`/`--type`. */
export interface EventHints {
  type?: string;
  orgId?: string;
  executionId?: string;
  eventId?: string;
  stepId?: string;
}

export type DecodedValue =
  | { kind: 'event'; event: AnyEvent; format: WireFormat; hints: EventHints }
  | { kind: 'poison'; problem: string; format: WireFormat | undefined; hints: EventHints };

export interface DecodeOptions {
  /** the topic the message was consumed from: an event of a type that topic does not carry is poison there */
  sourceTopic: string | undefined;
  /** false when the engine runs without a schema registry: its consumers then read plain JSON only */
  wireFormat: boolean;
}

/**
 * Decodes and validates a dead letter's value by the rules the consumers apply (shared/src/kafka/consumer/decode.ts),
 * so what is poison here would be dead-lettered again if replayed.
 */
export function decodeValue(value: Buffer | null, opts: DecodeOptions): DecodedValue {
  if (!value || value.length === 0) return { kind: 'poison', problem: 'empty message', format: undefined, hints: {} };
  const framed = value[0] === 0 && value.length >= 5;
  const format: WireFormat = framed ? { kind: 'confluent', schemaId: value.readUInt32BE(1) } : { kind: 'json' };
  if (framed && !opts.wireFormat) {
    return { kind: 'poison', problem: 'undecodable: Confluent wire format, but the engine reads plain JSON (no schema registry)', format, hints: {} };
  }
  let raw: unknown;
  try {
    raw = JSON.parse((framed ? value.subarray(5) : value).toString('utf8'));
  } catch (error) {
    return { kind: 'poison', problem: `undecodable: ${(error as Error).message}`, format, hints: {} };
  }
  const hints = hintsOf(raw);
  let event: AnyEvent;
  try {
    event = parseEvent(raw);
  } catch (error) {
    if (!(error instanceof InvalidEventError)) throw error;
    return { kind: 'poison', problem: error.message, format, hints };
  }
  const allowed = opts.sourceTopic === undefined ? undefined : (TOPIC_EVENTS[opts.sourceTopic as keyof typeof TOPIC_EVENTS] as readonly string[] | undefined);
  if (allowed && !allowed.includes(event.type)) {
    return { kind: 'poison', problem: `event type "${event.type}" does not belong on ${opts.sourceTopic}`, format, hints };
  }
  return { kind: 'event', event, format, hints };
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v.slice(0, 200) : undefined);
const record = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/** The ids an envelope-like value carries, whether or not it validates. */
export function hintsOf(raw: unknown): EventHints {
  const envelope = record(raw);
  if (!envelope) return {};
  const data = record(envelope.data);
  // step results and log rows name the step in data.stepId, commands in data.step.stepId
  const stepId = text(data?.stepId) ?? text(record(data?.step)?.stepId);
  const hints: EventHints = {};
  const fields = { type: text(envelope.type), orgId: text(envelope.orgId), executionId: text(envelope.executionId), eventId: text(envelope.eventId), stepId };
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) hints[name as keyof EventHints] = value;
  return hints;
}
