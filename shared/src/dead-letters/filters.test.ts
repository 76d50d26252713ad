import { describe, expect, it } from 'vitest';
import { UsageError } from './dead-letter-id.js';
import { deadLetter, requested } from './dead-letters.fixture.js';
import { applyFilters, matches, parseLimit, parseTime } from './filters.js';

const now = Date.parse('2025-03-10T12:00:00Z');

describe('times for --since and --until', () => {
  it.each([
    ['30s', now - 30_000],
    ['90m', now - 90 * 60_000],
    ['1h', now - 3_600_000],
    ['24h', now - 86_400_000],
    ['7d', now - 7 * 86_400_000],
    ['2w', now - 14 * 86_400_000],
    ['2025-03-01', Date.parse('2025-03-01T00:00:00Z')],
    ['2025-03-01T09:30:00Z', Date.parse('2025-03-01T09:30:00Z')],
    ['2025-03-01T09:30:00+05:30', Date.parse('2025-03-01T04:00:00Z')],
  ])('read %s', (text, at) => {
    expect(parseTime(text, now)).toBe(at);
  });

  it.each(['yesterday', '1 h', '-1h', '5y', '2025-13-45', '12345'])('refuse %j', (text) => {
    expect(() => parseTime(text, now)).toThrow(UsageError);
  });

  it('--limit is a positive whole number', () => {
    expect(parseLimit('5')).toBe(5);
    for (const bad of ['0', '-1', '2.5', 'ten']) expect(() => parseLimit(bad)).toThrow(UsageError);
  });
});

describe('filters', () => {
  const poison = deadLetter({ value: '{nope', offset: 1, timestamp: now - 7_200_000, reason: 'undecodable: Unexpected token' });
  const valid = deadLetter({ value: requested('e1', 'org-a'), offset: 2, timestamp: now - 60_000, reason: 'handler failed after 5 tries: mongo down' });
  const command = deadLetter({
    value: '{"type":"step.command","orgId":"org-b"}',
    partition: 1,
    offset: 0,
    timestamp: now - 30_000,
    source: { topic: 'workflow.step.action', partition: 0, offset: '3' },
    headers: { 'event-type': 'step.command' },
  });
  const all = [command, valid, poison];

  it('--topic matches the source topic exactly', () => {
    expect(all.filter((dl) => matches(dl, { topic: 'workflow.step.action' }))).toEqual([command]);
    expect(all.filter((dl) => matches(dl, { topic: 'workflow.step' }))).toEqual([]);
  });

  it('--reason matches a substring, ignoring case', () => {
    expect(all.filter((dl) => matches(dl, { reason: 'MONGO' }))).toEqual([valid]);
  });

  it('--since includes its moment, --until excludes its own', () => {
    expect(all.filter((dl) => matches(dl, { since: now - 60_000 }))).toEqual([command, valid]);
    expect(all.filter((dl) => matches(dl, { until: now - 60_000 }))).toEqual([poison]);
  });

  it('--org and --type use the event, or what an invalid value still says', () => {
    expect(all.filter((dl) => matches(dl, { org: 'org-a' }))).toEqual([valid]);
    expect(all.filter((dl) => matches(dl, { org: 'org-b' }))).toEqual([command]);
    expect(all.filter((dl) => matches(dl, { type: 'step.command' }))).toEqual([command]);
    expect(all.filter((dl) => matches(dl, { type: 'execution.requested' }))).toEqual([valid]);
  });

  it('every filter given must match', () => {
    expect(all.filter((dl) => matches(dl, { org: 'org-a', topic: 'workflow.step.action' }))).toEqual([]);
  });

  it('sorts oldest first and --limit keeps the newest', () => {
    expect(applyFilters(all, {}).kept).toEqual([poison, valid, command]);
    expect(applyFilters(all, { limit: 2 })).toEqual({ kept: [valid, command], matched: 3 });
  });
});
