import type { Connection } from 'mongoose';
import type { LedgerEntry, ReplayLedger } from './replay-plan.js';

/** The tool's own collection: one document per unit of work it replayed. */
const LEDGER = 'dlq_replays';

interface LedgerDoc {
  _id: string;
  from: string;
  at: Date;
  /** UTC day, for clean-up by an equality filter */
  day: string;
}

const isDuplicateKey = (error: unknown) => (error as { code?: number }).code === 11000;

/**
 * Which dead letter each unit of work was last replayed from. A runner keeps no record of the
 * commands it ran, so between a replay and the step's log row only this stops a second replay.
 */
export function createMongoReplayLedger(conn: Connection, now: () => Date = () => new Date()): ReplayLedger {
  const ledger = conn.collection<LedgerDoc>(LEDGER);
  return {
    async find(workKey) {
      const found = await ledger.findOne({ _id: workKey });
      return found ? { from: found.from, at: found.at } : undefined;
    },
    async take({ workKey, from, previous }: { workKey: string; from: string; previous: LedgerEntry | undefined }) {
      const at = now();
      const doc: LedgerDoc = { _id: workKey, from, at, day: at.toISOString().slice(0, 10) };
      if (!previous) {
        try {
          await ledger.insertOne(doc);
          return true;
        } catch (error) {
          if (isDuplicateKey(error)) return false;
          throw error;
        }
      }
      const replaced = await ledger.replaceOne({ _id: workKey, from: previous.from }, doc);
      return replaced.matchedCount === 1;
    },
    async forget(workKey, from) {
      await ledger.deleteOne({ _id: workKey, from });
    },
  };
}
