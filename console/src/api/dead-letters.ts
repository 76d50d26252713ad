import { routeMissing, type Http } from './http.js';
import type { DeadLetter } from './types.js';

/** Dead letters of the caller's org, or that this gateway has no dead-letter routes. */
export type DeadLetterList = { available: true; items: DeadLetter[] } | { available: false };

/** One replayed (or, in a dry run, replayable) dead letter as the gateway reports it. */
export interface ReplayOutcome {
  id: string;
  outcome: string;
  detail?: string;
}

type Raw = Record<string, unknown>;
const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);

/** Reads one entry leniently: the route is newer than the console, and its field names may vary a little. */
function deadLetterOf(raw: Raw): DeadLetter | undefined {
  const id = text(raw.id) ?? text(raw.deadLetterId);
  if (!id) return undefined;
  const reason = text(raw.reason) ?? text((raw.error as Raw | undefined)?.message) ?? text(raw.cause) ?? 'no reason recorded';
  const at = text(raw.at) ?? text(raw.deadLetteredAt) ?? text(raw.occurredAt) ?? text(raw.timestamp) ?? text(raw.createdAt);
  const dl: DeadLetter = { id, topic: text(raw.topic) ?? text(raw.originalTopic) ?? text(raw.sourceTopic) ?? '?', reason };
  if (at) dl.at = at;
  const key = text(raw.key);
  if (key) dl.key = key;
  const executionId = text(raw.executionId);
  if (executionId) dl.executionId = executionId;
  return dl;
}

/** `GET /workFlow/dead-letters`: the org's dead letters. */
export async function listDeadLetters(http: Http, signal?: AbortSignal): Promise<DeadLetterList> {
  try {
    const body = await http.get<Raw>('/workFlow/dead-letters', signal);
    const rows = (body.deadLetters ?? body.items ?? body.messages ?? []) as Raw[];
    return { available: true, items: rows.map(deadLetterOf).filter((d): d is DeadLetter => d !== undefined) };
  } catch (error) {
    if (routeMissing(error)) return { available: false };
    throw error;
  }
}

/** `POST /workFlow/dead-letters/replay`: replays the ids, or with `dryRun` says what a replay would do. */
export async function replayDeadLetters(http: Http, ids: string[], dryRun: boolean): Promise<ReplayOutcome[]> {
  const body = await http.post<Raw>('/workFlow/dead-letters/replay', { ids, dryRun });
  const rows = (body.results ?? body.replayed ?? body.items ?? []) as Raw[];
  return rows.map((r) => {
    const o: ReplayOutcome = { id: text(r.id) ?? '?', outcome: text(r.outcome) ?? text(r.status) ?? text(r.result) ?? (dryRun ? 'would replay' : 'replayed') };
    const detail = text(r.detail) ?? text(r.reason) ?? text(r.message);
    if (detail) o.detail = detail;
    return o;
  });
}
