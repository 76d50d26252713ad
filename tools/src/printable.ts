/**
 * Text from a dead letter made safe for a terminal: control characters (escape sequences included),
 * DEL, C1 controls and bidirectional overrides are shown as \x.. / \u.... escapes, never interpreted.
 */
export function printable(text: string, maxLength = 2_000): string {
  const cut = text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
  return cut.replace(/[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Pretty JSON in which the characters JSON.stringify leaves raw (DEL, C1, bidi overrides) are escaped too. */
export function safeJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The first bytes of a value that is not an event: as escaped text, and as hex. */
export function bytePreview(bytes: Buffer, opts: { textBytes?: number; hexBytes?: number } = {}): { text: string; hex: string[] } {
  const head = bytes.subarray(0, opts.textBytes ?? 512);
  const utf8 = head.toString('utf8');
  // bytes that are not UTF-8 are shown one by one, each non-ASCII byte escaped, instead of as replacement marks
  const asText = utf8.includes('\ufffd') ? [...head].map((b) => (b < 0x80 ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`)).join('') : utf8;
  const hex: string[] = [];
  const hexHead = bytes.subarray(0, opts.hexBytes ?? 64);
  for (let i = 0; i < hexHead.length; i += 16) {
    const row = hexHead.subarray(i, i + 16);
    hex.push(`${i.toString(16).padStart(4, '0')}  ${[...row].map((b) => b.toString(16).padStart(2, '0')).join(' ')}`);
  }
  return { text: printable(asText, Number.MAX_SAFE_INTEGER), hex };
}

/** How long ago, in the largest whole unit: 45s, 12m, 3h, 2d. */
export function age(at: number, now: number): string {
  const s = Math.max(0, Math.floor((now - at) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3_600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3_600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}
