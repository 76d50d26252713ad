import { describe, expect, it } from 'vitest';
import { messageSize, splitBySize } from './split-by-size.js';

const message = (bytes: number) => ({ key: 'k', value: Buffer.alloc(bytes) });

describe('splitBySize', () => {
  it('keeps every send under the limit and each topic in order', () => {
    const a = Array.from({ length: 10 }, (_, i) => ({ key: `a${i}`, value: Buffer.alloc(300) }));
    const b = [message(300)];
    const sends = splitBySize([{ topic: 'a', messages: a }, { topic: 'b', messages: b }], 1000);
    for (const send of sends) expect(send.flatMap((t) => t.messages).reduce((n, m) => n + messageSize(m), 0)).toBeLessThanOrEqual(1000);
    expect(sends.flatMap((s) => s.filter((t) => t.topic === 'a').flatMap((t) => t.messages.map((m) => m.key)))).toEqual(a.map((m) => m.key));
    expect(sends.flat().filter((t) => t.topic === 'b').flatMap((t) => t.messages)).toHaveLength(1);
  });

  it('sends a message larger than the limit on its own', () => {
    const sends = splitBySize([{ topic: 'a', messages: [message(10), message(5000), message(10)] }], 1000);
    expect(sends.map((s) => s.flatMap((t) => t.messages).length)).toEqual([1, 1, 1]);
  });
});
