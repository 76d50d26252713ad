import { describe, expect, it } from 'vitest';
import { deadLetter, requested } from './dead-letters.fixture.js';
import { replayMessage } from './replay-message.js';

describe('the message a replay sends', () => {
  it('has the original key, value and headers, no dlq-* header, and dlq-replayed-from', () => {
    const dl = deadLetter({ value: requested('e1'), key: 'e1', partition: 2, offset: 17, headers: { 'event-type': 'execution.requested', 'dlq-replayed-from': '0:1', 'dlq-at': 'x' } });
    const message = replayMessage(dl);
    expect(message.key?.toString()).toBe('e1');
    expect(message.value).toBe(dl.value);
    expect(message.headers).toEqual({ 'event-type': 'execution.requested', 'dlq-replayed-from': '2:17' });
  });

  it('keeps binary header values as they were', () => {
    const dl = deadLetter({ value: requested() });
    dl.headers.trace = Buffer.from([0, 1, 2]);
    expect(replayMessage(dl).headers?.trace).toEqual(Buffer.from([0, 1, 2]));
  });
});
