import { describe, expect, it } from 'vitest';
import { createEvent } from '@botwot/shared/events';
import type { StagedMessage } from '@botwot/shared/kafka';
import { createClaimStage, createMemoryClaimStore, type ClaimRecord } from './claims.js';

const event = createEvent('trigger.received', { orgId: 'o', data: { triggerType: 'whatsapp', data: {} } });

function staged(key: string, offset: string) {
  const dropped: string[] = [];
  const message: StagedMessage<ClaimRecord> = { event, records: [{ key }], source: { topic: 't', partition: 0, offset }, drop: (reason) => dropped.push(reason) };
  return { message, dropped };
}

describe('the claim stage', () => {
  it('lets the first claimant of a key through and drops any other message with the same key', async () => {
    const stage = createClaimStage(createMemoryClaimStore());
    const first = staged('step:e1:3', '10');
    const stale = staged('step:e1:3', '42');
    await stage([first.message, stale.message]);
    expect(first.dropped).toEqual([]);
    expect(stale.dropped).toHaveLength(1);
  });

  it('lets a redelivery of the same message through (its earlier commit never happened)', async () => {
    const store = createMemoryClaimStore();
    const stage = createClaimStage(store);
    await stage([staged('execution:e1', '7').message]);
    const again = staged('execution:e1', '7');
    await stage([again.message]);
    expect(again.dropped).toEqual([]);
    const replay = staged('execution:e1', '99');
    await stage([replay.message]);
    expect(replay.dropped).toHaveLength(1);
  });
});
