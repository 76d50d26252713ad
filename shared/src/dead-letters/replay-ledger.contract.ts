import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ReplayLedger } from './replay-plan.js';

/**
 * What every ReplayLedger must do: the in-memory one in unit tests and the Mongo one on the real
 * Mongo-wire server both pass it.
 */
export function describeReplayLedgerContract(name: string, make: () => ReplayLedger | Promise<ReplayLedger>): void {
  describe(`replay ledger contract: ${name}`, () => {
    const work = () => `step:contract-${randomUUID()}:1`;

    it('records the first replay of a unit of work and finds it', async () => {
      const ledger = await make();
      const key = work();
      expect(await ledger.find(key)).toBeUndefined();
      expect(await ledger.take({ workKey: key, from: '0:1', previous: undefined })).toBe(true);
      expect(await ledger.find(key)).toMatchObject({ from: '0:1', at: expect.any(Date) });
    });

    it('refuses a second first replay of the same work (two replays racing)', async () => {
      const ledger = await make();
      const key = work();
      expect(await ledger.take({ workKey: key, from: '0:1', previous: undefined })).toBe(true);
      expect(await ledger.take({ workKey: key, from: '0:2', previous: undefined })).toBe(false);
      expect((await ledger.find(key))?.from).toBe('0:1');
    });

    it('replaces an entry only from the entry that was read', async () => {
      const ledger = await make();
      const key = work();
      await ledger.take({ workKey: key, from: '0:1', previous: undefined });
      const read = await ledger.find(key);
      expect(await ledger.take({ workKey: key, from: '0:5', previous: read })).toBe(true);
      expect(await ledger.take({ workKey: key, from: '0:6', previous: read })).toBe(false);
      expect((await ledger.find(key))?.from).toBe('0:5');
    });

    it('forgets an entry only for the dead letter that recorded it', async () => {
      const ledger = await make();
      const key = work();
      await ledger.take({ workKey: key, from: '0:1', previous: undefined });
      await ledger.forget(key, '0:9');
      expect((await ledger.find(key))?.from).toBe('0:1');
      await ledger.forget(key, '0:1');
      expect(await ledger.find(key)).toBeUndefined();
    });
  });
}
