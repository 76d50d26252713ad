import { describe, expect, it } from 'vitest';
import { deadLetter, requested } from '../../shared/src/dead-letters/dead-letters.fixture.js';
import { listJson, listTable } from './list-output.js';
import { outcomeLines, outcomeSummary } from './replay-output.js';
import { showJson, showText } from './show-output.js';

const now = Date.parse('2025-01-01T00:05:00Z');
const hostile = '\u001b]0;owned\u0007\u001b[2J';

describe('what the tool prints', () => {
  it('show: source, headers and the event as pretty JSON', () => {
    const text = showText(deadLetter({ value: requested('e1'), key: 'e1', partition: 2, offset: 9, reason: 'handler failed' }), { now });
    expect(text).toContain('dead letter 2:9, 2025-01-01T00:00:00.000Z (5m ago)');
    expect(text).toContain('source:  workflow.execution.requested partition 1 offset 40, dead-lettered by orchestrator');
    expect(text).toContain('  dlq-reason: handler failed');
    expect(text).toContain('status:  a valid execution.requested');
    expect(text).toContain('"executionId": "e1"');
  });

  it('show: a preview of bytes that are not an event, and never a raw escape sequence', () => {
    const text = showText(deadLetter({ value: Buffer.from(`{${hostile}`), reason: `undecodable ${hostile}`, key: hostile }), { now });
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for raw control characters (tab and newline allowed)
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(text).toContain('status:  poison: undecodable: ');
    expect(text).toContain('\\x1b]0;owned\\x07');
    expect(text).toMatch(/hex \(first \d+ bytes\):\n {2}0000 {2}7b 1b 5d/);
  });

  it('show --json: the value in base64 when it is not an event', () => {
    const json = showJson(deadLetter({ value: Buffer.from([1, 2, 3]) }), { now });
    expect(json).toMatchObject({ valid: false, valueBase64: 'AQID', headers: { 'dlq-service': 'orchestrator' } });
  });

  it('list: one aligned row per dead letter, ids when the value says them, and nothing raw', () => {
    const lines = listTable([deadLetter({ value: requested('e1'), offset: 1 }), deadLetter({ value: 'x', offset: 2, reason: hostile })], now);
    expect(lines[0]).toMatch(/^ID\s+AGE\s+SOURCE\s+TYPE\s+IDS\s+REASON$/);
    expect(lines[1]).toMatch(/^0:1\s+5m\s+workflow.execution.requested\s+execution.requested\s+org=org-a exec=e1\s+handler failed$/);
    expect(lines[2]).toContain('? (poison)');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for raw control characters
    for (const line of lines) expect(line).not.toMatch(/[\u0000-\u001f]/);
    expect(listJson(deadLetter({ value: requested('e1') }), now)).toMatchObject({ id: '0:7', ageSeconds: 300, type: 'execution.requested', executionId: 'e1', valid: true });
  });

  it('replay: what happened to each, and a summary in a fixed order', () => {
    const dl = deadLetter({ value: requested('e1'), offset: 3 });
    const poison = deadLetter({ value: 'x', offset: 4 });
    const outcomes = [
      { dl: poison, status: 'poison' as const, why: 'undecodable: x' },
      { dl, status: 'replayed' as const, to: { topic: 'workflow.execution.requested', partition: 5, offset: '77' }, notes: ['a note'] },
    ];
    expect(outcomes.flatMap(outcomeLines)).toEqual([
      '0:4  poison: undecodable: x',
      '0:3  replayed  execution.requested org=org-a exec=e1 → workflow.execution.requested 5:77',
      '    a note',
    ]);
    expect(outcomeSummary(outcomes)).toBe('1 replayed, 1 poison');
    expect(outcomeSummary([])).toBe('no dead letters to replay');
  });
});
