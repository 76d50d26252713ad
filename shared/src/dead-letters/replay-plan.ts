import { TOPIC_EVENTS } from '../events/index.js';
import type { DeadLetter } from './dead-letter.js';
import { checkHandled, type EngineRecords, type OwnClaim } from './handled-checks.js';

/** The tool's own record of what it replayed, so a replay still under way is not sent a second time. */
export interface LedgerEntry {
  /** the dead letter it was replayed from */
  from: string;
  at: Date;
}

export interface ReplayLedger {
  find(workKey: string): Promise<LedgerEntry | undefined>;
  /** records a replay of this work; false when another replay recorded it first (since `previous` was read) */
  take(entry: { workKey: string; from: string; previous: LedgerEntry | undefined }): Promise<boolean>;
  /** undoes take() when the message could not be sent */
  forget(workKey: string, from: string): Promise<void>;
}

export type SkipKind = 'poison' | 'unfit' | 'unreplayable' | 'handled' | 'duplicate' | 'replayed-before' | 'waiting';

export type PlanEntry =
  | {
      action: 'replay';
      dl: DeadLetter;
      /** the source topic it goes back to */
      topic: string;
      workKey: string | undefined;
      ownClaim: OwnClaim | undefined;
      /** the tool's earlier replay of the same work, replaced by this one */
      previous: LedgerEntry | undefined;
      notes: string[];
    }
  | { action: 'skip'; dl: DeadLetter; kind: SkipKind; why: string };

export interface PlanDeps {
  records: EngineRecords;
  ledger: ReplayLedger;
  /** replay poison too, and work the tool replayed before that is not recorded as handled yet */
  force: boolean;
}

const consumed = (topic: string) => Object.hasOwn(TOPIC_EVENTS, topic);

/**
 * Decides, per dead letter and in the order given, whether to replay it and why not. Nothing is
 * sent or written here: `--dry-run` prints this plan.
 */
export async function planReplay(deadLetters: DeadLetter[], deps: PlanDeps): Promise<PlanEntry[]> {
  const plan: PlanEntry[] = [];
  const planned = new Map<string, string>();
  for (const dl of deadLetters) {
    const entry = await decide(dl, deps, planned);
    if (entry.action === 'replay' && entry.workKey) planned.set(entry.workKey, dl.id);
    plan.push(entry);
  }
  return plan;
}

async function decide(dl: DeadLetter, deps: PlanDeps, planned: Map<string, string>): Promise<PlanEntry> {
  const skip = (kind: SkipKind, why: string): PlanEntry => ({ action: 'skip', dl, kind, why });
  const replay = (topic: string, fields: Partial<Pick<Extract<PlanEntry, { action: 'replay' }>, 'workKey' | 'ownClaim' | 'previous'>>, notes: string[]): PlanEntry => ({
    action: 'replay', dl, topic, workKey: fields.workKey, ownClaim: fields.ownClaim, previous: fields.previous, notes,
  });

  const source = dl.source;
  if (!source) return skip('unreplayable', 'no dlq-source-topic/dlq-source-partition headers: where it came from is unknown');
  if (!consumed(source.topic)) return skip('unreplayable', `its source topic ${source.topic} is not one the engine consumes`);

  if (dl.content.kind === 'poison') {
    const { problem } = dl.content;
    if (!deps.force) return skip('poison', `${problem}; replaying it would only dead-letter it again (--force replays it anyway)`);
    return replay(source.topic, {}, [`poison (${problem}): its consumer will dead-letter it again`]);
  }

  const verdict = await checkHandled(dl.content.event, source, deps.records);
  if (verdict.kind === 'handled') return skip('handled', `already handled: ${verdict.why}`);
  if (verdict.kind === 'unfit') {
    if (!deps.force) return skip('unfit', `${verdict.why}; replaying it would only dead-letter it again (--force replays it anyway)`);
    return replay(source.topic, {}, [verdict.why]);
  }

  const same = planned.get(verdict.workKey);
  if (same !== undefined) return skip('duplicate', `the same work (${verdict.workKey}) as dead letter ${same}, replayed in this run`);
  if (verdict.needs && !planned.has(verdict.needs.workKey)) return skip('waiting', verdict.needs.why);

  const notes: string[] = [];
  const previous = await deps.ledger.find(verdict.workKey);
  if (previous) {
    const cameBack = dl.replayedFrom === previous.from;
    if (!cameBack && !deps.force) {
      return skip('replayed-before', `replayed already from dead letter ${previous.from} at ${previous.at.toISOString()} and not recorded as handled yet: it may still be under way (--force replays it again)`);
    }
    notes.push(cameBack ? `the replay from ${previous.from} was dead-lettered again` : `replayed before from ${previous.from} at ${previous.at.toISOString()}; replayed again (--force)`);
  }
  if (verdict.ownClaim) notes.push(`claim ${verdict.ownClaim.key} was taken by this very message before it was dead-lettered (nothing it produced was sent): released first`);
  if (verdict.note) notes.push(verdict.note);
  return replay(source.topic, { workKey: verdict.workKey, ownClaim: verdict.ownClaim, previous }, notes);
}
