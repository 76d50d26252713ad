import { UsageError } from './dead-letter-id.js';
import { eventTypeOf, type DeadLetter } from './dead-letter.js';

/** What `list` and `replay` narrow the dead letters to. Every filter given must match. */
export interface Filters {
  /** the source topic, exactly */
  topic?: string;
  /** a substring of the reason, ignoring case */
  reason?: string;
  /** dead-lettered at or after, ms since the epoch */
  since?: number;
  /** dead-lettered before, ms since the epoch */
  until?: number;
  /** the event's orgId */
  org?: string;
  /** the event type */
  type?: string;
  /** keep the newest this many */
  limit?: number;
}

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `--since`/`--until`: an ISO time, or an age such as 90m, 1h, 24h, 7d (that long before now). */
export function parseTime(text: string, now: number): number {
  const age = /^(\d+)([smhdw])$/.exec(text.trim());
  if (age) return now - Number(age[1]) * (UNITS[age[2] as string] as number);
  // a bare date or a full ISO time; anything else (e.g. "yesterday") is refused rather than guessed
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text.trim())) {
    const at = Date.parse(text.trim());
    if (!Number.isNaN(at)) return at;
  }
  throw new UsageError(`"${text}" is not a time: use an ISO time (2025-01-31T09:00:00Z) or an age (30m, 1h, 24h, 7d)`);
}

/** `--limit`: a positive whole number. */
export function parseLimit(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`--limit must be a positive whole number, not "${text}"`);
  return Number(text);
}

export function hasFilters(f: Filters): boolean {
  return [f.topic, f.reason, f.since, f.until, f.org, f.type].some((v) => v !== undefined);
}

export function matches(dl: DeadLetter, f: Filters): boolean {
  if (f.topic !== undefined && dl.source?.topic !== f.topic) return false;
  if (f.reason !== undefined && !(dl.reason ?? '').toLowerCase().includes(f.reason.toLowerCase())) return false;
  if (f.since !== undefined && dl.timestamp < f.since) return false;
  if (f.until !== undefined && dl.timestamp >= f.until) return false;
  if (f.org !== undefined && dl.content.hints.orgId !== f.org) return false;
  if (f.type !== undefined && eventTypeOf(dl) !== f.type) return false;
  return true;
}

/** Oldest first: by time, then where it sits on the topic. */
export function byTime(a: DeadLetter, b: DeadLetter): number {
  return a.timestamp - b.timestamp || a.partition - b.partition || a.offset - b.offset;
}

/** The dead letters that match, oldest first, keeping the newest `limit` of them. */
export function applyFilters(deadLetters: DeadLetter[], f: Filters): { kept: DeadLetter[]; matched: number } {
  const matching = deadLetters.filter((dl) => matches(dl, f)).sort(byTime);
  const kept = f.limit !== undefined && matching.length > f.limit ? matching.slice(matching.length - f.limit) : matching;
  return { kept, matched: matching.length };
}
