import { describe, expect, it } from 'vitest';
import { describeOptions, parseBenchOptions } from './options.js';

describe('parseBenchOptions', () => {
  it('has the documented defaults', () => {
    const o = parseBenchOptions([], '/repo');
    expect(o).toMatchObject({ rate: 100, durationS: 60, warmupS: 10, latencyMs: 20, slowShare: 0, slowMs: 5_000, stored: 0, reuse: false, registry: true, reads: ['execution', 'list'], out: '/repo/bench/results.md' });
  });

  it('reads one endpoint alone, and says so in the flags', () => {
    const o = parseBenchOptions(['--reads', 'list'], '/repo');
    expect(o).toMatchObject({ reads: ['list'] });
    expect(describeOptions(o as Exclude<typeof o, 'help'>)).toContain('--reads list');
    expect(describeOptions(parseBenchOptions([], '/repo') as Exclude<ReturnType<typeof parseBenchOptions>, 'help'>)).not.toContain('--reads');
    expect(() => parseBenchOptions(['--reads', 'list,logs'], '/repo')).toThrow(/--reads must list some of execution, list/);
  });

  it('reads every option', () => {
    const o = parseBenchOptions(['--rate', '300', '--duration', '15', '--slow-share', '0.02', '--stored', '100000', '--reuse', '--no-registry', '--out', '/tmp/r.md'], '/repo');
    expect(o).toMatchObject({ rate: 300, durationS: 15, slowShare: 0.02, stored: 100_000, reuse: true, registry: false, out: '/tmp/r.md' });
    expect(describeOptions(o as Exclude<typeof o, 'help'>)).toContain('--rate 300 --duration 15');
  });

  it('refuses values out of range and unknown options', () => {
    expect(() => parseBenchOptions(['--rate', '0'], '/repo')).toThrow(/--rate must be a number > 0/);
    expect(() => parseBenchOptions(['--slow-share', '2'], '/repo')).toThrow(/0\.\.1/);
    expect(() => parseBenchOptions(['--stored', '1.5'], '/repo')).toThrow(/integer/);
    expect(() => parseBenchOptions(['--rate', ''], '/repo')).toThrow(/--rate/);
    expect(() => parseBenchOptions(['--executions', '5'], '/repo')).toThrow();
  });

  it('answers help', () => {
    expect(parseBenchOptions(['--help'], '/repo')).toBe('help');
  });
});
