import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/**
 * A sender an org may use: a WhatsApp phone number id or an email address. `_id` is
 * `${kind}:${value}`, so a sender belongs to one org at most and a lookup is by `_id` alone.
 */
const orgChannelSchema = new Schema(
  {
    _id: { type: String, required: true },
    orgId: { type: String, required: true },
    kind: { type: String, enum: ['whatsapp', 'email'], required: true },
    value: { type: String, required: true },
    label: { type: String },
    createdBy: { type: String, required: true },
  },
  { timestamps: true, collection: 'org_channels', versionKey: false },
);
orgChannelSchema.index({ orgId: 1, kind: 1 });

/**
 * One gateway replica's latest rate-limit report (`_id` is the replica), replaced on every sync:
 * its request counts per org and window, and the waits it holds, as one JSON text (FerretDB reads
 * and writes a string in a few ms where an array of a thousand subdocuments takes hundreds).
 */
const rateLimitReportSchema = new Schema(
  {
    _id: { type: String, required: true },
    at: { type: Date, required: true },
    report: { type: String, required: true },
  },
  { collection: 'rate_limit_reports', versionKey: false },
);

export type OrgChannelDoc = InferSchemaType<typeof orgChannelSchema>;
export type RateLimitReportDoc = InferSchemaType<typeof rateLimitReportSchema>;

export interface SecurityModels {
  OrgChannel: Model<OrgChannelDoc>;
  RateLimitReport: Model<RateLimitReportDoc>;
}

/** The tenant-isolation and limit models, bound to one connection. */
export function createSecurityModels(conn: Connection): SecurityModels {
  return {
    OrgChannel: conn.model('OrgChannel', orgChannelSchema),
    RateLimitReport: conn.model('RateLimitReport', rateLimitReportSchema),
  };
}
