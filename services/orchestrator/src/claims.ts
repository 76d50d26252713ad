import type { Connection } from 'mongoose';
import { isConnectionError } from '@botwot/shared/db';
import { DependencyDownError, type CommitStage, type Outgoing } from '@botwot/shared/kafka';

/**
 * A key the orchestrator must act on once only: a start, a trigger event, a step of an execution.
 * A `block` claim is taken for the future: a cancel blocks every step of its execution that has
 * not been claimed yet, and is not itself refused when one already was.
 */
export interface ClaimRecord {
  key: string;
  block?: 'cancel';
}

interface ClaimDoc {
  _id: string;
  /** the message that first claimed the key: `topic/partition/offset` */
  holder: string;
  /** set when a cancel took the key before the step got there */
  cancel?: true;
  /** the UTC day it was claimed, for clean-up by an equality filter */
  day: string;
}

export interface Holder {
  holder: string;
  cancel: boolean;
}

/** Where claims are kept; Mongo in production, memory in unit tests. */
export interface ClaimStore {
  /** inserts the claims; returns the keys that already existed, with who holds them */
  insert(claims: ClaimDoc[]): Promise<Map<string, Holder>>;
}

const holderOf = (s: { topic: string; partition: number; offset: string }) => `${s.topic}/${s.partition}/${s.offset}`;

/**
 * The orchestrator's commit stage: every claim of the cycle in one unordered insert. A key already
 * claimed by another message means that message was acted on before (a second publish of a trigger
 * event or request, a replayed dead letter, or a stale step result that a former owner of the
 * partition committed): its outputs are dropped. A key claimed by the same message is its own
 * redelivery after a crash before the Kafka commit, and goes ahead. A step whose key a cancel
 * took keeps only its log row, noted as finished after the cancel.
 */
export function createClaimStage(store: ClaimStore, now: () => number = Date.now): CommitStage<ClaimRecord> {
  return async (messages) => {
    const day = new Date(now()).toISOString().slice(0, 10);
    const wanted = new Map<string, { holder: string; block: boolean; drop: (reason: string, keep?: (o: Outgoing) => Outgoing | undefined) => void }[]>();
    const docs: ClaimDoc[] = [];
    for (const m of messages) {
      const holder = holderOf(m.source);
      for (const { key, block } of m.records) {
        const list = wanted.get(key);
        const claimant = { holder, block: block !== undefined, drop: m.drop };
        if (list) list.push(claimant);
        else {
          wanted.set(key, [claimant]);
          docs.push({ _id: key, holder, day, ...(block === 'cancel' ? { cancel: true as const } : {}) });
        }
      }
    }
    if (docs.length === 0) return;
    const existing = await store.insert(docs);
    for (const [key, claimants] of wanted) {
      const first = claimants[0] as { holder: string; block: boolean };
      const held = existing.get(key) ?? { holder: first.holder, cancel: first.block };
      for (const c of claimants) {
        if (c.block || c.holder === held.holder) continue;
        if (held.cancel) c.drop(`${key}: the execution was cancelled`, keepCancelledStepRow);
        else c.drop(`${key} was acted on already (by ${held.holder})`);
      }
    }
  };
}

/** Of a step that finished after its execution was cancelled, only its log row goes on, saying so. */
function keepCancelledStepRow(o: Outgoing): Outgoing | undefined {
  if (o.event.type !== 'step.recorded') return undefined;
  return { ...o, event: { ...o.event, data: { ...o.event.data, note: 'the execution was cancelled while this step ran; nothing after it ran' } } };
}

export function createMongoClaimStore(conn: Connection): ClaimStore {
  const collection = () => conn.collection<ClaimDoc>('orchestrator_claims');
  return {
    async insert(docs) {
      const taken = new Map<string, Holder>();
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
            if (found) taken.set(key, { holder: found.holder, cancel: found.cancel === true });
          }),
        );
        return taken;
      }
    },
  };
}

/** For unit tests of the handlers and the stage. */
export function createMemoryClaimStore(): ClaimStore & { holders: Map<string, Holder> } {
  const holders = new Map<string, Holder>();
  return {
    holders,
    async insert(docs) {
      const taken = new Map<string, Holder>();
      for (const d of docs) {
        const existing = holders.get(d._id);
        if (existing === undefined) holders.set(d._id, { holder: d.holder, cancel: d.cancel === true });
        else taken.set(d._id, existing);
      }
      return taken;
    },
  };
}
