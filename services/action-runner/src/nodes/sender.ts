import type { ChannelOwners } from '@botwot/shared/db';
import { nonRetryable, retryable } from '@botwot/shared/errors';
import { normaliseSender, type SenderKind } from '@botwot/shared/workflow';

/**
 * A step may send only from a sender its org registered (or, naming none, from the platform's
 * default). Checked again here because executions also start from triggers, and the registry may
 * change after a workflow was validated. A refusal is final: SENDER_NOT_ALLOWED.
 */
export async function requireOwnSender(owners: ChannelOwners, call: { orgId: string; provider: string }, kind: SenderKind, raw: string): Promise<void> {
  const normal = normaliseSender(kind, raw);
  if (!normal.ok) throw nonRetryable('SENDER_NOT_ALLOWED', `${call.provider}: ${normal.reason}`, call.provider);
  let owner: string | null;
  try {
    owner = await owners.ownerOf(kind, normal.value);
  } catch (error) {
    throw retryable('CHANNEL_LOOKUP_FAILED', `could not read the channel registry: ${(error as Error).message}`, call.provider, error);
  }
  if (owner !== call.orgId) {
    const what = kind === 'whatsapp' ? `WhatsApp phone number id ${normal.value}` : `email sender ${normal.value}`;
    throw nonRetryable('SENDER_NOT_ALLOWED', `${what} is not registered to this organisation`, call.provider);
  }
}
