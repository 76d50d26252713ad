import type { Message } from 'kafkajs';
import type { DeadLetter } from './dead-letter.js';
import type { OwnClaim } from './handled-checks.js';
import { planReplay, type PlanDeps, type SkipKind } from './replay-plan.js';
import { replayMessage } from './replay-message.js';

/** Sends one message and says where it landed. */
export interface ReplaySender {
  send(topic: string, message: Message): Promise<{ partition: number; offset: string }>;
}

export interface ClaimReleaser {
  /** deletes the claim if the given message still holds it; false if it does not */
  releaseOwnClaim(claim: OwnClaim): Promise<boolean>;
}

export type ReplayOutcome =
  | { dl: DeadLetter; status: 'replayed'; to: { topic: string; partition: number; offset: string }; notes: string[] }
  | { dl: DeadLetter; status: 'would-replay'; to: { topic: string }; notes: string[] }
  | { dl: DeadLetter; status: SkipKind | 'failed'; why: string };

export interface ReplayDeps extends PlanDeps {
  sender: ReplaySender;
  claims: ClaimReleaser;
  /** say what would happen, send and write nothing */
  dryRun: boolean;
}

/**
 * Replays dead letters in the order given: each one that the plan allows goes back to its source
 * topic, once; the rest are reported with the reason. Stops sending at the first send that fails.
 */
export async function replayDeadLetters(deadLetters: DeadLetter[], deps: ReplayDeps): Promise<ReplayOutcome[]> {
  const plan = await planReplay(deadLetters, deps);
  const outcomes: ReplayOutcome[] = [];
  let broken: string | undefined;
  for (const entry of plan) {
    const { dl } = entry;
    if (entry.action === 'skip') {
      outcomes.push({ dl, status: entry.kind, why: entry.why });
      continue;
    }
    if (deps.dryRun) {
      outcomes.push({ dl, status: 'would-replay', to: { topic: entry.topic }, notes: entry.notes });
      continue;
    }
    if (broken !== undefined) {
      outcomes.push({ dl, status: 'failed', why: `not sent after an earlier failure: ${broken}` });
      continue;
    }
    if (entry.workKey && !(await deps.ledger.take({ workKey: entry.workKey, from: dl.id, previous: entry.previous }))) {
      outcomes.push({ dl, status: 'replayed-before', why: `another replay of the same work (${entry.workKey}) was recorded meanwhile` });
      continue;
    }
    if (entry.ownClaim && !(await deps.claims.releaseOwnClaim(entry.ownClaim))) {
      if (entry.workKey) await deps.ledger.forget(entry.workKey, dl.id);
      outcomes.push({ dl, status: 'handled', why: `already handled: claim ${entry.ownClaim.key} was taken by another message meanwhile` });
      continue;
    }
    try {
      const to = await deps.sender.send(entry.topic, replayMessage(dl));
      outcomes.push({ dl, status: 'replayed', to: { topic: entry.topic, ...to }, notes: entry.notes });
    } catch (error) {
      broken = (error as Error).message;
      if (entry.workKey) await deps.ledger.forget(entry.workKey, dl.id).catch(() => undefined);
      outcomes.push({ dl, status: 'failed', why: `could not send it: ${broken}` });
    }
  }
  return outcomes;
}
