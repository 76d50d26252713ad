import type { ChannelOwners } from '@botwot/shared/db';
import type { StepDefinition } from '@botwot/shared/events';
import { sendersNamedBy, unknownSenderIssue, type ValidationIssue } from '@botwot/shared/workflow';

/** Checks the senders a workflow names against its org's channel registry. */
export interface SenderCheck {
  /** one issue per step that names a sender that is malformed or not the org's */
  problems(orgId: string, steps: StepDefinition[]): Promise<ValidationIssue[]>;
}

export function createSenderCheck(owners: ChannelOwners): SenderCheck {
  return {
    async problems(orgId, steps) {
      const { senders, problems } = sendersNamedBy(steps);
      const owned = await Promise.all(senders.map(async (s) => (await owners.ownerOf(s.kind, s.value)) === orgId));
      return [...problems, ...senders.filter((_, i) => !owned[i]).map(unknownSenderIssue)];
    },
  };
}

/** For in-memory tests and tools: every named sender belongs to every org. */
export const allowAllSenders: SenderCheck = { problems: async (_orgId, steps) => sendersNamedBy(steps).problems };
