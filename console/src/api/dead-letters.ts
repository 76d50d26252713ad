import { routeMissing, type Http } from './http.js';
import type { DeadLetter } from './types.js';

/** Dead letters of the caller's org, or that this gateway has no dead-letter routes. */
export type DeadLetterList = { available: true; items: DeadLetter[] } | { available: false };

/** What a replay did (or, in a dry run, would do) with one dead letter: replayed, would-replay, handled, poison, … */
export interface ReplayOutcome {
  id: string;
  outcome: string;
  detail?: string;
}

/** A replay's answer: per dead letter, and the ids that are not this org's dead letters. */
export interface ReplayResult {
  outcomes: ReplayOutcome[];
  notFound: string[];
}

type Raw = Record<string, unknown>;
const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);

/** One entry of the list as the console shows it; entries without an id are skipped. */
function deadLetterOf(raw: Raw): DeadLetter | undefined {
  const id = text(raw.id);
  if (!id) return undefined;
  const source = raw.source as Raw | null | undefined;
  const dl: DeadLetter = { id, topic: text(source?.topic) ?? text(raw.topic) ?? '?', reason: text(raw.reason) ?? 'no reason recorded' };
  const at = text(raw.at);
  if (at) dl.at = at;
  const service = text(raw.service);
  if (service) dl.service = service;
  const eventType = text(raw.eventType);
  if (eventType) dl.eventType = eventType;
  const executionId = text(raw.executionId);
  if (executionId) dl.executionId = executionId;
  return dl;
}

/** `GET /workFlow/dead-letters`: the org's dead letters, newest first. */
export async function listDeadLetters(http: Http, signal?: AbortSignal): Promise<DeadLetterList> {
  try {
    const body = await http.get<Raw>('/workFlow/dead-letters?limit=200', signal);
    const rows = (Array.isArray(body.deadLetters) ? body.deadLetters : []) as Raw[];
    const items = rows.map(deadLetterOf).filter((d): d is DeadLetter => d !== undefined);
    return { available: true, items: items.sort((x, y) => (y.at ?? '').localeCompare(x.at ?? '')) };
  } catch (error) {
    if (routeMissing(error)) return { available: false };
    throw error;
  }
}

/** `POST /workFlow/dead-letters/replay`: replays the ids, or with `dryRun` says what a replay would do. */
export async function replayDeadLetters(http: Http, ids: string[], dryRun: boolean): Promise<ReplayResult> {
  const body = await http.post<Raw>('/workFlow/dead-letters/replay', { ids, dryRun });
  const rows = (Array.isArray(body.outcomes) ? body.outcomes : []) as Raw[];
  const outcomes = rows.map((r) => {
    const o: ReplayOutcome = { id: text(r.id) ?? '?', outcome: text(r.status) ?? 'unknown' };
    const notes = Array.isArray(r.notes) ? (r.notes as unknown[]).filter((n): n is string => typeof n === 'string') : [];
    const detail = text(r.why) ?? (notes.length ? notes.join('; ') : undefined);
    if (detail) o.detail = detail;
    return o;
  });
  return { outcomes, notFound: Array.isArray(body.notFound) ? (body.notFound as unknown[]).filter((n): n is string => typeof n === 'string') : [] };
}
