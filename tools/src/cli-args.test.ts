import { describe, expect, it } from 'vitest';
import { parseCli } from './cli-args.js';
import { UsageError } from '@botwot/shared/dead-letters';

const now = Date.parse('2025-03-10T12:00:00Z');

describe('the command line', () => {
  it('list: filters, 50 by default, --json', () => {
    expect(parseCli(['list'], now)).toEqual({ command: 'list', filters: { limit: 50 }, json: false });
    expect(parseCli(['list', '--topic', 'workflow.step.action', '--reason', 'mongo', '--since', '1h', '--until', '2025-03-10T11:30:00Z', '--org', 'o', '--type', 'step.command', '--limit', '5', '--json'], now)).toEqual({
      command: 'list',
      filters: { topic: 'workflow.step.action', reason: 'mongo', since: now - 3_600_000, until: Date.parse('2025-03-10T11:30:00Z'), org: 'o', type: 'step.command', limit: 5 },
      json: true,
    });
  });

  it('show: exactly one id', () => {
    expect(parseCli(['show', '2:15'], now)).toEqual({ command: 'show', id: { partition: 2, offset: 15 }, json: false });
    expect(() => parseCli(['show'], now)).toThrow(UsageError);
    expect(() => parseCli(['show', '1:1', '1:2'], now)).toThrow(UsageError);
    expect(() => parseCli(['show', '1:1', '--org', 'o'], now)).toThrow(UsageError);
  });

  it('replay: ids, or filters, with --dry-run and --force', () => {
    expect(parseCli(['replay', '1:2', '3:4', '1:2', '--dry-run'], now)).toEqual({
      command: 'replay', ids: [{ partition: 1, offset: 2 }, { partition: 3, offset: 4 }], filters: {}, json: false, dryRun: true, force: false,
    });
    expect(parseCli(['replay', '--topic', 'workflow.trigger.events', '--force'], now)).toMatchObject({ command: 'replay', ids: undefined, filters: { topic: 'workflow.trigger.events' }, force: true });
  });

  it('replay never means the whole topic by default', () => {
    expect(() => parseCli(['replay'], now)).toThrow(/needs ids or at least one filter/);
    expect(() => parseCli(['replay', '--limit', '5'], now)).toThrow(UsageError);
  });

  it('refuses what it cannot use', () => {
    for (const argv of [['drop'], ['list', '--bogus'], ['list', '1:2'], ['list', '--force'], ['list', '--since', 'yesterday'], ['replay', 'x'], ['list', '--limit']]) {
      expect(() => parseCli(argv, now), argv.join(' ')).toThrow(UsageError);
    }
  });

  it('help with no command, help or --help', () => {
    for (const argv of [[], ['help'], ['list', '--help']]) expect(parseCli(argv, now)).toEqual({ command: 'help' });
  });
});
