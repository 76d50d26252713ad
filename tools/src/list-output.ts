import { eventTypeOf, type DeadLetter } from '@botwot/shared/dead-letters';
import { age, printable } from './printable.js';

/** The ids worth seeing in one line: org, execution, step, or the event id of a trigger event. */
export function idsText(dl: DeadLetter): string {
  const h = dl.content.hints;
  const parts: string[] = [];
  if (h.orgId) parts.push(`org=${h.orgId}`);
  if (h.executionId) parts.push(`exec=${h.executionId}`);
  if (h.stepId) parts.push(`step=${h.stepId}`);
  if (!h.executionId && h.eventId) parts.push(`event=${h.eventId}`);
  return printable(parts.join(' '), 300);
}

/** One dead letter as a JSON object (`list --json` prints one per line). */
export function listJson(dl: DeadLetter, now: number): Record<string, unknown> {
  return {
    id: dl.id,
    at: new Date(dl.timestamp).toISOString(),
    ageSeconds: Math.max(0, Math.round((now - dl.timestamp) / 1000)),
    sourceTopic: dl.source?.topic ?? null,
    sourcePartition: dl.source?.partition ?? null,
    sourceOffset: dl.source?.offset ?? null,
    service: dl.service ?? null,
    type: eventTypeOf(dl) ?? null,
    ...dl.content.hints,
    valid: dl.content.kind === 'event',
    ...(dl.content.kind === 'poison' ? { problem: dl.content.problem } : {}),
    reason: dl.reason ?? null,
    ...(dl.replayedFrom ? { replayedFrom: dl.replayedFrom } : {}),
  };
}

/** Lines of a table: id, age, source topic, event type, ids, reason. */
export function listTable(deadLetters: DeadLetter[], now: number): string[] {
  const rows = deadLetters.map((dl) => [
    dl.id,
    age(dl.timestamp, now),
    printable(dl.source?.topic ?? '?', 80),
    printable(eventTypeOf(dl) ?? '?', 60) + (dl.content.kind === 'poison' ? ' (poison)' : ''),
    idsText(dl) || '-',
    printable(dl.reason ?? '(no reason)', 300) + (dl.replayedFrom ? ` [replay of ${printable(dl.replayedFrom, 40)}]` : ''),
  ]);
  const header = ['ID', 'AGE', 'SOURCE', 'TYPE', 'IDS', 'REASON'];
  const widths = header.map((h, i) => (i === header.length - 1 ? 0 : Math.max(h.length, ...rows.map((r) => (r[i] as string).length))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] as number))).join('  ');
  return [line(header), ...rows.map(line)];
}
