import { describe, expect, it } from 'vitest';
import { createSseParser, type SseEvent } from './sse-parser.js';

function parse(...chunks: string[]): SseEvent[] {
  const out: SseEvent[] = [];
  const p = createSseParser((e) => out.push(e));
  for (const c of chunks) p.push(c);
  return out;
}

describe('createSseParser', () => {
  it('reads named events with ids and multi-line data', () => {
    expect(parse('event: execution\ndata: {"a":1}\n\nid: 3\nevent: step\ndata: x\ndata: y\n\n')).toEqual([
      { event: 'execution', data: '{"a":1}', id: undefined },
      { event: 'step', data: 'x\ny', id: '3' },
    ]);
  });

  it('joins events split anywhere across chunks, CRLF and CR line ends included', () => {
    const text = 'id: 1\r\nevent: step\r\ndata: {"stepId":"t"}\r\n\r\nevent: end\rdata: {}\r\r';
    for (let cut = 0; cut <= text.length; cut++) {
      expect(parse(text.slice(0, cut), text.slice(cut))).toEqual([
        { event: 'step', data: '{"stepId":"t"}', id: '1' },
        { event: 'end', data: '{}', id: '1' },
      ]);
    }
  });

  it('skips comments (heartbeats), events without data and ids with NUL; defaults the name to message', () => {
    expect(parse(': ping\n\nevent: step\n\nid: a\0b\ndata:plain\n\n')).toEqual([{ event: 'message', data: 'plain', id: undefined }]);
  });

  it('keeps an incomplete event until its blank line arrives', () => {
    const out: SseEvent[] = [];
    const p = createSseParser((e) => out.push(e));
    p.push('event: step\ndata: 1\n');
    expect(out).toEqual([]);
    p.push('\n');
    expect(out).toHaveLength(1);
  });
});
