import { describe, expect, it } from 'vitest';
import { splitByBytes } from './split-by-bytes.js';

describe('splitByBytes', () => {
  const msg = (kb: number) => ({ key: 'k', value: Buffer.alloc(kb * 1024) });

  it('keeps small messages in one send and splits large ones so no send passes the bound', () => {
    expect(splitByBytes([msg(1), msg(2), msg(3)], 900 * 1024)).toHaveLength(1);
    const chunks = splitByBytes([msg(600), msg(600), msg(100), msg(600)], 900 * 1024);
    expect(chunks.map((c) => c.map((m) => (m.value as Buffer).length / 1024))).toEqual([[600], [600, 100], [600]]);
  });

  it('sends a message larger than the bound on its own, in order', () => {
    const chunks = splitByBytes([msg(1), msg(2000), msg(1)], 900 * 1024);
    expect(chunks.map((c) => c.length)).toEqual([1, 1, 1]);
  });
});
