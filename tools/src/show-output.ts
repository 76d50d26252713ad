import type { DeadLetter } from '@botwot/shared/dead-letters';
import type { WireFormat } from '@botwot/shared/dead-letters';
import { listJson } from './list-output.js';
import { age, bytePreview, printable, safeJson } from './printable.js';

const headerValue = (v: Buffer | string | (Buffer | string)[] | undefined): string =>
  v === undefined ? '' : Array.isArray(v) ? v.map((x) => printable(x.toString(), 500)).join(', ') : printable(v.toString(), 2_000);

function formatText(format: WireFormat | undefined, schemaName: string | undefined): string {
  if (!format) return 'none';
  if (format.kind === 'json') return 'plain JSON';
  return `Confluent wire format, schema id ${format.schemaId}${schemaName ? ` (${printable(schemaName, 200)})` : ''}`;
}

/** `show`: where it came from and why, every header, and the event as pretty JSON or a preview of its bytes. */
export function showText(dl: DeadLetter, opts: { now: number; schemaName?: string }): string {
  const lines: string[] = [];
  lines.push(`dead letter ${dl.id}, ${new Date(dl.timestamp).toISOString()} (${age(dl.timestamp, opts.now)} ago)`);
  lines.push(`reason:  ${printable(dl.reason ?? '(none)')}`);
  lines.push(
    dl.source
      ? `source:  ${printable(dl.source.topic, 200)} partition ${dl.source.partition} offset ${printable(dl.source.offset, 40)}, dead-lettered by ${printable(dl.service ?? '?', 80)}`
      : 'source:  unknown (no dlq-source-* headers): it cannot be replayed',
  );
  if (dl.replayedFrom) lines.push(`replay:  this message was a replay of dead letter ${printable(dl.replayedFrom, 40)}`);
  lines.push(`key:     ${dl.key === null ? '(none)' : printable(dl.key.toString('utf8'), 300)}`);
  lines.push('headers:');
  for (const [name, value] of Object.entries(dl.headers)) lines.push(`  ${printable(name, 100)}: ${headerValue(value)}`);
  const size = dl.value?.length ?? 0;
  lines.push(`value:   ${size} bytes, ${formatText(dl.content.format, opts.schemaName)}`);
  if (dl.content.kind === 'event') {
    lines.push(`status:  a valid ${dl.content.event.type}`, 'event:', safeJson(dl.content.event));
  } else {
    lines.push(`status:  poison: ${printable(dl.content.problem)}`);
    if (dl.value && size > 0) {
      const preview = bytePreview(dl.value);
      lines.push(`preview (first ${Math.min(size, 512)} of ${size} bytes, escaped):`, `  ${preview.text}`, `hex (first ${Math.min(size, 64)} bytes):`, ...preview.hex.map((h) => `  ${h}`));
    }
  }
  return lines.join('\n');
}

/** `show --json`: the list fields plus every header and the event, or the value in base64. */
export function showJson(dl: DeadLetter, opts: { now: number; schemaName?: string }): Record<string, unknown> {
  const headers = Object.fromEntries(Object.entries(dl.headers).map(([k, v]) => [k, v === undefined ? null : Array.isArray(v) ? v.map(String) : v.toString()]));
  return {
    ...listJson(dl, opts.now),
    key: dl.key?.toString('utf8') ?? null,
    headers,
    format: dl.content.format ?? null,
    ...(opts.schemaName ? { schema: opts.schemaName } : {}),
    ...(dl.content.kind === 'event' ? { event: dl.content.event } : { valueBase64: dl.value?.toString('base64') ?? null }),
  };
}
