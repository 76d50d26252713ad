import type { Models } from '@botwot/shared/db';
import { senderKey, type SenderKind } from '@botwot/shared/workflow';

export interface ChannelView {
  kind: SenderKind;
  value: string;
  label?: string | undefined;
  createdBy: string;
  createdAt: Date;
}

/** An org's registered senders. A sender belongs to one org at most. */
export interface ChannelStore {
  list(orgId: string): Promise<ChannelView[]>;
  /** `created: false` when the org had it already; 'taken' when another org has it; 'full' past the per-org maximum */
  register(input: { orgId: string; userId: string; kind: SenderKind; value: string; label?: string | undefined }): Promise<{ created: boolean; channel: ChannelView } | 'taken' | 'full'>;
  remove(orgId: string, kind: SenderKind, value: string): Promise<ChannelView | null>;
}

export const MAX_CHANNELS_PER_ORG = 100;

function view(row: { kind: string; value: string; label?: string | null; createdBy: string; createdAt: Date }): ChannelView {
  return { kind: row.kind as SenderKind, value: row.value, ...(row.label ? { label: row.label } : {}), createdBy: row.createdBy, createdAt: row.createdAt };
}

export function createMongoChannelStore(models: Models): ChannelStore {
  return {
    async list(orgId) {
      const rows = await models.OrgChannel.find({ orgId }).sort({ kind: 1, value: 1 }).limit(MAX_CHANNELS_PER_ORG * 2).lean();
      return rows.map(view);
    },
    async register(input) {
      const _id = senderKey(input.kind, input.value);
      const existing = await models.OrgChannel.findOne({ _id }).lean();
      if (existing) return existing.orgId === input.orgId ? { created: false, channel: view(existing) } : 'taken';
      if ((await models.OrgChannel.countDocuments({ orgId: input.orgId })) >= MAX_CHANNELS_PER_ORG) return 'full';
      try {
        const row = await models.OrgChannel.create({ _id, orgId: input.orgId, kind: input.kind, value: input.value, label: input.label, createdBy: input.userId });
        return { created: true, channel: view(row.toObject()) };
      } catch (error) {
        if ((error as { code?: number }).code !== 11000) throw error;
        const winner = await models.OrgChannel.findOne({ _id }).lean();
        return winner?.orgId === input.orgId ? { created: false, channel: view(winner) } : 'taken';
      }
    },
    async remove(orgId, kind, value) {
      const _id = senderKey(kind, value);
      const row = await models.OrgChannel.findOne({ _id, orgId }).lean();
      if (!row) return null;
      await models.OrgChannel.deleteOne({ _id, orgId });
      return view(row);
    },
  };
}
