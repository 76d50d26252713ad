/** Fields that say most about a trigger, in the order they are worth showing. */
const PREFERRED = ['message_text', 'email_subject', 'call_transcript', 'phone_number', 'email_from', 'caller_number'];

/**
 * One line about what started an execution, such as `message_text: "Hi" · phone_number: +91…`:
 * the telling fields first, strings clipped, at most `max` characters.
 */
export function triggerSummary(data: Record<string, unknown> | undefined, max = 80): string {
  if (!data) return '';
  const keys = Object.keys(data);
  const ordered = [...PREFERRED.filter((k) => keys.includes(k)), ...keys.filter((k) => !PREFERRED.includes(k))];
  const parts: string[] = [];
  for (const k of ordered) {
    const v = data[k];
    if (v === undefined || v === null || typeof v === 'object') continue;
    const s = typeof v === 'string' ? (/\s/.test(v) ? `"${clip(v, 40)}"` : clip(v, 40)) : String(v);
    parts.push(`${k}: ${s}`);
    if (parts.join(' · ').length >= max) break;
  }
  return clip(parts.join(' · '), max);
}

function clip(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}
