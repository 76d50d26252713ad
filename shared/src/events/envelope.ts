import { z } from 'zod';
import { orgIdSchema } from './tenant-ids.js';

/**
 * Fields every event carries, whatever its type. `version` is the schema version of `data`;
 * consumers look up the schema by `(type, version)`.
 */
export const envelopeBase = z.object({
  eventId: z.string().min(1).max(200),
  type: z.string().min(1).max(100),
  version: z.number().int().positive(),
  occurredAt: z.iso.datetime(),
  orgId: orgIdSchema,
  executionId: z.string().min(1).max(200).optional(),
});

/** Use to build the schema of one event type: the envelope with a literal type and version. */
export function defineEvent<const T extends string, const V extends number, D extends z.ZodType>(
  type: T,
  version: V,
  data: D,
) {
  return envelopeBase.extend({
    type: z.literal(type),
    version: z.literal(version),
    data,
  });
}

/** The part of an envelope that is the same for every type, parsed before the type is known. */
export const looseEnvelope = envelopeBase.extend({ data: z.unknown() });
export type LooseEnvelope = z.infer<typeof looseEnvelope>;
