import { describe, expect, it } from 'vitest';
import { triggerSummary } from './trigger-summary.js';

describe('triggerSummary', () => {
  it('puts the message first and clips long values', () => {
    expect(triggerSummary({ phone_number: '+919876543210', message_text: 'Hello there' })).toBe('message_text: "Hello there" · phone_number: +919876543210');
    expect(triggerSummary({ message_text: 'x '.repeat(100) }).length).toBeLessThanOrEqual(80);
  });

  it('skips nested values and handles nothing', () => {
    expect(triggerSummary({ nested: { a: 1 }, n: 3 })).toBe('n: 3');
    expect(triggerSummary(undefined)).toBe('');
  });
});
