import { eventTypeOf } from './dead-letter.js';
import { idsText } from './list-output.js';
import { printable } from './printable.js';
import type { ReplayOutcome } from './replay.js';

const LABEL: Record<ReplayOutcome['status'], string> = {
  replayed: 'replayed',
  'would-replay': 'would replay',
  poison: 'poison',
  unfit: 'not replayed',
  unreplayable: 'not replayable',
  handled: 'handled',
  duplicate: 'duplicate',
  'replayed-before': 'replayed before',
  waiting: 'waiting',
  failed: 'FAILED',
};

/** One line (plus indented notes) per dead letter: what happened to it and why. */
export function outcomeLines(o: ReplayOutcome): string[] {
  const what = [printable(eventTypeOf(o.dl) ?? '?', 60), idsText(o.dl)].filter(Boolean).join(' ');
  const head = `${o.dl.id}  ${LABEL[o.status]}  ${what}`;
  if (o.status === 'replayed') return [`${head} → ${o.to.topic} ${o.to.partition}:${o.to.offset}`, ...o.notes.map((n) => `    ${printable(n)}`)];
  if (o.status === 'would-replay') return [`${head} → ${o.to.topic}`, ...o.notes.map((n) => `    ${printable(n)}`)];
  return [`${head}: ${printable(o.why)}`];
}

/** The closing line: how many of each outcome. */
export function outcomeSummary(outcomes: ReplayOutcome[]): string {
  const counts = new Map<string, number>();
  for (const o of outcomes) counts.set(LABEL[o.status], (counts.get(LABEL[o.status]) ?? 0) + 1);
  return outcomes.length === 0 ? 'no dead letters to replay' : [...counts].map(([label, n]) => `${n} ${label}`).join(', ');
}

export function outcomeJson(o: ReplayOutcome): Record<string, unknown> {
  const base = { id: o.dl.id, status: o.status, type: eventTypeOf(o.dl) ?? null, ...o.dl.content.hints };
  if (o.status === 'replayed' || o.status === 'would-replay') return { ...base, to: o.to, notes: o.notes };
  return { ...base, why: o.why };
}
