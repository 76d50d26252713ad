import { describe, expect, it } from 'vitest';
import { createEvent } from '@botwot/shared/events';
import type { Outgoing, StagedMessage } from '@botwot/shared/kafka';
import { createClaimStage, createMemoryClaimStore, type ClaimRecord } from './claims.js';

const event = createEvent('trigger.received', { orgId: 'o', data: { triggerType: 'whatsapp', data: {} } });

function staged(key: string, offset: string) {
  const dropped: string[] = [];
  const message: StagedMessage<ClaimRecord> = { event, records: [{ key }], source: { topic: 't', partition: 0, offset, epoch: 1 }, drop: (reason) => dropped.push(reason) };
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

describe('the claim stage and a cancel', () => {
  it('a cancel blocks the steps not reached yet: a late result keeps only its log row, noted', async () => {
    const stage = createClaimStage(createMemoryClaimStore());
    const kept: Outgoing[] = [];
    const cancel: StagedMessage<ClaimRecord> = {
      event,
      records: [{ key: 'cancel:e1' }, { key: 'step:e1:1', block: 'cancel' }, { key: 'step:e1:2', block: 'cancel' }],
      source: { topic: 'r', partition: 0, offset: '5', epoch: 1 },
      drop: () => kept.push({} as Outgoing),
    };
    await stage([cancel]);
    expect(kept).toEqual([]);
    let keep: ((o: Outgoing) => Outgoing | undefined) | undefined;
    const late: StagedMessage<ClaimRecord> = { event, records: [{ key: 'step:e1:1' }], source: { topic: 's', partition: 0, offset: '9', epoch: 1 }, drop: (_r, k) => (keep = k) };
    await stage([late]);
    const row = { topic: 'workflow.execution.events', key: 'wf', event: createEvent('step.recorded', { orgId: 'o', data: {} as never }) } as Outgoing;
    const command = { topic: 'workflow.step.action', key: 'e1', event: createEvent('step.command', { orgId: 'o', data: {} as never }) } as Outgoing;
    expect(keep?.(command)).toBeUndefined();
    expect((keep?.(row)?.event as { data: { note?: string } } | undefined)?.data.note).toContain('cancelled');
  });

  it('a cancel of a step already passed changes nothing for it, and is not refused for it', async () => {
    const store = createMemoryClaimStore();
    const stage = createClaimStage(store);
    await stage([staged('step:e2:0', '1').message]);
    const dropped: string[] = [];
    await stage([{ event, records: [{ key: 'cancel:e2' }, { key: 'step:e2:0', block: 'cancel' }], source: { topic: 'r', partition: 0, offset: '7', epoch: 1 }, drop: (r) => dropped.push(r) }]);
    expect(dropped).toEqual([]);
    expect(store.holders.get('step:e2:0')?.cancel).toBe(false);
  });
});
