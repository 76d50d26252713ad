import { eventTypeOf } from '@botwot/shared/dead-letters';
import { idsText } from './list-output.js';
import { printable } from './printable.js';
import type { ReplayOutcome } from '@botwot/shared/dead-letters';

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
  const type = eventTypeOf(o.dl);
  const what = [type ? printable(type, 60) : '', idsText(o.dl)].filter(Boolean).join(' ');
  const head = `${o.dl.id}  ${LABEL[o.status]}${what ? `  ${what}` : ''}`;
  if (o.status === 'replayed') return [`${head} → ${o.to.topic} ${o.to.partition}:${o.to.offset}`, ...o.notes.map((n) => `    ${printable(n)}`)];
  if (o.status === 'would-replay') return [`${head} → ${o.to.topic}`, ...o.notes.map((n) => `    ${printable(n)}`)];
  return [`${head}: ${printable(o.why)}`];
}

/** The closing line: how many of each outcome. */
export function outcomeSummary(outcomes: ReplayOutcome[]): string {
  if (outcomes.length === 0) return 'no dead letters to replay';
  const counts = new Map<ReplayOutcome['status'], number>();
  for (const o of outcomes) counts.set(o.status, (counts.get(o.status) ?? 0) + 1);
  // in the order of LABEL, whatever order the dead letters came in
  return (Object.keys(LABEL) as ReplayOutcome['status'][]).filter((s) => counts.has(s)).map((s) => `${counts.get(s)} ${LABEL[s]}`).join(', ');
}

export function outcomeJson(o: ReplayOutcome): Record<string, unknown> {
  const base = { id: o.dl.id, status: o.status, type: eventTypeOf(o.dl) ?? null, ...o.dl.content.hints };
  if (o.status === 'replayed' || o.status === 'would-replay') return { ...base, to: o.to, notes: o.notes };
  return { ...base, why: o.why };
}
