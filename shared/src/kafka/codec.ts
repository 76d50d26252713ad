import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { eventCatalog, eventJsonSchema, type AnyEvent, type EventType } from '../events/index.js';

/** Turns events into message values and back. Decoding only yields `unknown`: callers validate. */
export interface EventCodec {
  encode(event: AnyEvent): Promise<Buffer>;
  decode(value: Buffer): Promise<unknown>;
}

/** Plain JSON: the default when no schema registry is configured. */
export function jsonCodec(): EventCodec {
  return {
    encode: async (event) => Buffer.from(JSON.stringify(event)),
    decode: async (value) => JSON.parse(value.toString('utf8')) as unknown,
  };
}

/** The registry subject of one event type and version. */
export function subjectFor(type: EventType, version: number): string {
  return `botwot.${type}.v${version}`;
}

/**
 * Confluent wire format (magic byte 0, a 4-byte schema id, JSON) against a schema registry. The
 * JSON Schema of each event type is generated from its zod schema and registered on first use.
 * The registry gives the ids; the bytes are written and read here, without the registry client's
 * JSON-Schema validation: consumers validate every event once, with zod. Plain JSON messages are
 * accepted on decode, so external producers need no registry client.
 */
export function registryCodec(url: string): EventCodec {
  const idFor = schemaIds(url);
  return {
    async encode(event) {
      const header = Buffer.alloc(5);
      header.writeUInt32BE(await idFor(event.type, event.version), 1);
      return Buffer.concat([header, Buffer.from(JSON.stringify(event))]);
    },
    decode: async (value) => JSON.parse((value[0] === 0 ? value.subarray(5) : value).toString('utf8')) as unknown,
  };
}

/**
 * Registers the schema of every event type, one after another. The launcher does it once the local
 * registry is up: its store (H2) times out on table locks when the six services register their first
 * schemas all at once, which held a fresh stack's first execution for seconds.
 */
export async function registerEventSchemas(url: string): Promise<number> {
  const idFor = schemaIds(url);
  const types = Object.keys(eventCatalog) as EventType[];
  for (const type of types) await idFor(type, eventCatalog[type].shape.version.value);
  return types.length;
}

/** The registry's id of each event type's schema, registered on first use and remembered. */
function schemaIds(url: string): (type: EventType, version: number) => Promise<number> {
  const isDate = (v: string) => !Number.isNaN(Date.parse(v));
  const isUri = (v: string) => URL.canParse(v);
  // The registry client compiles each schema it registers with Ajv, which knows no formats by itself.
  const registry = new SchemaRegistry({ host: url }, { [SchemaType.JSON]: { strict: false, formats: { 'date-time': isDate, uri: isUri } } as never });
  const ids = new Map<string, Promise<number>>();
  const idFor = (type: EventType, version: number): Promise<number> => {
    const subject = subjectFor(type, version);
    let id = ids.get(subject);
    if (!id) {
      const schema = { type: SchemaType.JSON as const, schema: JSON.stringify(eventJsonSchema(type)) };
      id = registry
        .register(schema, { subject })
        .then((r) => r.id)
        .catch(async (error: unknown) => {
          // The client registers a new subject, then sets its compatibility level. Another process
          // that looks in between (or after a process died in between: it stays so) sees the
          // registry's default level and refuses. The schema is registered all the same: ask for its
          // id. Each event version is a subject of its own, so the level does not matter here.
          if ((error as Error | undefined)?.name === 'ConfluentSchemaRegistryCompatibilityError') return registry.getRegistryIdBySchema(subject, schema);
          throw error;
        });
      id.catch(() => ids.delete(subject));
      ids.set(subject, id);
    }
    return id;
  };
  return idFor;
}
