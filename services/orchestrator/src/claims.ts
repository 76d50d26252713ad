import type { Connection } from 'mongoose';
import { isConnectionError } from '@botwot/shared/db';
import { DependencyDownError, type CommitStage } from '@botwot/shared/kafka';

/** A key the orchestrator must act on once only: a start, a trigger event, a step of an execution. */
export interface ClaimRecord {
  key: string;
}

interface ClaimDoc {
  _id: string;
  /** the message that first claimed the key: `topic/partition/offset` */
  holder: string;
  /** the UTC day it was claimed, for clean-up by an equality filter */
  day: string;
}

/** Where claims are kept; Mongo in production, memory in unit tests. */
export interface ClaimStore {
  /** inserts the claims; returns the keys that already existed, with who holds them */
  insert(claims: ClaimDoc[]): Promise<Map<string, string>>;
}

const holderOf = (s: { topic: string; partition: number; offset: string }) => `${s.topic}/${s.partition}/${s.offset}`;

/**
 * The orchestrator's commit stage: every claim of the cycle in one unordered insert. A key already
 * claimed by another message means that message was acted on before (a second publish of a trigger
 * event or request, a replayed dead letter, or a stale step result that a former owner of the
 * partition committed): its outputs are dropped. A key claimed by the same message is its own
 * redelivery after a crash before the Kafka commit, and goes ahead.
 */
export function createClaimStage(store: ClaimStore, now: () => number = Date.now): CommitStage<ClaimRecord> {
  return async (messages) => {
    const day = new Date(now()).toISOString().slice(0, 10);
    const wanted = new Map<string, { holder: string; drop: (reason: string) => void }[]>();
    const docs: ClaimDoc[] = [];
    for (const m of messages) {
      for (const { key } of m.records) {
        const holder = holderOf(m.source);
        const list = wanted.get(key);
        if (list) list.push({ holder, drop: m.drop });
        else {
          wanted.set(key, [{ holder, drop: m.drop }]);
          docs.push({ _id: key, holder, day });
        }
      }
    }
    if (docs.length === 0) return;
    const existing = await store.insert(docs);
    for (const [key, claimants] of wanted) {
      const holder = existing.get(key) ?? (claimants[0] as { holder: string }).holder;
      for (const c of claimants) if (c.holder !== holder) c.drop(`${key} was acted on already (by ${holder})`);
    }
  };
}

export function createMongoClaimStore(conn: Connection): ClaimStore {
  const collection = () => conn.collection<ClaimDoc>('orchestrator_claims');
  return {
    async insert(docs) {
      const taken = new Map<string, string>();
      try {
        await collection().insertMany(docs, { ordered: false });
        return taken;
      } catch (error) {
        if (isConnectionError(error)) throw new DependencyDownError(`mongo unavailable: ${(error as Error).message}`, { cause: error });
        const writeErrors = (error as { writeErrors?: { code?: number; index?: number; err?: { index?: number; code?: number } }[] }).writeErrors;
        if (!writeErrors) throw error;
        const duplicates: string[] = [];
        for (const w of Array.isArray(writeErrors) ? writeErrors : [writeErrors]) {
          const code = w.code ?? w.err?.code;
          const index = w.index ?? w.err?.index;
          if (code !== 11000 || index === undefined) throw error;
          duplicates.push((docs[index] as ClaimDoc)._id);
        }
        await Promise.all(
          duplicates.map(async (key) => {
            const found = await collection().findOne({ _id: key });
            if (found) taken.set(key, found.holder);
          }),
        );
        return taken;
      }
    },
  };
}

/** For unit tests of the handlers and the stage. */
export function createMemoryClaimStore(): ClaimStore & { holders: Map<string, string> } {
  const holders = new Map<string, string>();
  return {
    holders,
    async insert(docs) {
      const taken = new Map<string, string>();
      for (const d of docs) {
        const existing = holders.get(d._id);
        if (existing === undefined) holders.set(d._id, d.holder);
        else taken.set(d._id, existing);
      }
      return taken;
    },
  };
}
