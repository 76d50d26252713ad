import { describe, expect, it } from 'vitest';
import { age, bytePreview, printable, safeJson } from './printable.js';

describe('text from dead letters on a terminal', () => {
  it('escapes control characters, DEL, C1 and bidi overrides, and keeps other text', () => {
    expect(printable('ok \u001b[31mred\u0007 \u007f \u009b \u202e héllo 日本')).toBe('ok \\x1b[31mred\\x07 \\x7f \\x9b \\u202e héllo 日本');
    expect(printable('line\nbreak\ttab')).toBe('line\\x0abreak\\x09tab');
  });

  it('cuts long text', () => {
    expect(printable('x'.repeat(20), 5)).toBe('xxxxx…');
  });

  it('pretty JSON stays valid JSON with the raw characters escaped', () => {
    const value = { text: 'a\u001b\u009b\u202eb' };
    const out = safeJson(value);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for the raw control characters
    expect(out).not.toMatch(/[\u001b\u009b\u202e]/);
    expect(JSON.parse(out)).toEqual(value);
  });

  it('previews bytes as escaped text and hex; invalid UTF-8 byte by byte', () => {
    const preview = bytePreview(Buffer.from([0x7b, 0x00, 0xff, 0x1b, 0x41]));
    expect(preview.text).toBe('{\\x00\\xff\\x1bA');
    expect(preview.hex).toEqual(['0000  7b 00 ff 1b 41']);
    expect(bytePreview(Buffer.alloc(40), { hexBytes: 20 }).hex).toHaveLength(2);
  });

  it('ages in the largest whole unit', () => {
    const now = 10 * 86_400_000;
    expect([now - 5_000, now - 125_000, now - 3 * 3_600_000, now - 2 * 86_400_000, now + 1_000].map((t) => age(t, now))).toEqual(['5s', '2m', '3h', '2d', '0s']);
  });
});
