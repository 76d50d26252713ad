import { describe, expect, it } from 'vitest';
import { benchMessage, slowedSeqsOf, tagOfText } from './bench-api.js';

describe('run tags', () => {
  it('puts the tag in the message text, where BotCore sees it, and reads it back', () => {
    const m = benchMessage('load-12');
    expect(m.message_text.startsWith('[load-12] ')).toBe(true);
    expect(m.phone_number).toBe('+15550000012');
    expect(tagOfText(`Answer to: ${m.message_text}`)).toBe('load-12');
    expect(tagOfText('[fill-3] hello')).toBe('fill-3');
    expect(tagOfText('no tag [other-1]')).toBeUndefined();
    expect(tagOfText(42)).toBeUndefined();
  });

  it('finds the load executions a slowed BotCore call touched, from /qna questions and analysis texts', () => {
    const seqs = slowedSeqsOf([
      { body: { question: benchMessage('load-7').message_text, uuid: 'conversation-x' } },
      { body: { text: benchMessage('load-9').message_text } },
      { body: { text: benchMessage('fill-1').message_text } },
      { body: 'not json' },
      { body: undefined },
    ]);
    expect([...seqs].sort()).toEqual([7, 9]);
  });
});
