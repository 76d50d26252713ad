import { describe, expect, it } from 'vitest';
import { formatDeadLetterId, parseDeadLetterId, uniqueIds, UsageError } from './dead-letter-id.js';

describe('dead-letter ids', () => {
  it('parse <partition>:<offset> and print back the same text', () => {
    expect(parseDeadLetterId('3:1204')).toEqual({ partition: 3, offset: 1204 });
    expect(parseDeadLetterId(' 0:0 ')).toEqual({ partition: 0, offset: 0 });
    expect(formatDeadLetterId(parseDeadLetterId('12:9'))).toBe('12:9');
  });

  it.each(['3', '3:', ':5', 'a:1', '1:-2', '1:2:3', '1.5:2', '', '1:99999999999999999'])('refuse %j with a usage error', (text) => {
    expect(() => parseDeadLetterId(text)).toThrow(UsageError);
  });

  it('are taken once each, in the order first given', () => {
    expect(uniqueIds(['2:5', '0:1', '2:5', '0:1', '1:1']).map(formatDeadLetterId)).toEqual(['2:5', '0:1', '1:1']);
  });
});
