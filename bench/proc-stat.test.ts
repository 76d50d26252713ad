import { describe, expect, it } from 'vitest';
import { parseMachineCpu, parseProcStat, usageByRoot, type ProcStat } from './proc-stat.js';

// a real line (node), with the fields after rss cut short
const NODE_LINE =
  '4242 (node) S 4000 4242 4242 0 -1 4194560 21880 0 0 0 153 41 7 3 20 0 11 0 12345 1161822208 30250 18446744073709551615 1 1 0 0 0 0 0 4096 134234626';

describe('parseProcStat', () => {
  it('reads pid, state, parent, user/system time of itself and of ended children, and rss pages', () => {
    expect(parseProcStat(NODE_LINE)).toEqual({
      pid: 4242, comm: 'node', state: 'S', ppid: 4000, utime: 153, stime: 41, cutime: 7, cstime: 3, rssPages: 30250,
    });
  });

  it('counts fields from the last parenthesis: a command name may hold spaces and parentheses', () => {
    const line = NODE_LINE.replace('(node)', '(postgres: bench (idle) x)');
    const s = parseProcStat(line);
    expect(s.comm).toBe('postgres: bench (idle) x');
    expect([s.ppid, s.utime, s.stime, s.rssPages]).toEqual([4000, 153, 41, 30250]);
  });

  it('refuses text that is not a stat line', () => {
    expect(() => parseProcStat('hello')).toThrow(/not a \/proc/);
    expect(() => parseProcStat('1 (x) S')).toThrow(/field 4/);
  });
});

describe('parseMachineCpu', () => {
  it('adds busy ticks over every core and counts idle and iowait only in the total', () => {
    const text = 'cpu  100 5 50 1000 20 3 2 1 0 0\ncpu0 50 2 25 500 10 1 1 0 0 0\nintr 1 2\n';
    expect(parseMachineCpu(text)).toEqual({ busy: 100 + 5 + 50 + 3 + 2 + 1, total: 161 + 1000 + 20 });
  });

  it('refuses text without the cpu line', () => {
    expect(() => parseMachineCpu('intr 1')).toThrow(/cpu/);
  });
});

describe('usageByRoot', () => {
  const proc = (pid: number, ppid: number, utime: number, extra: Partial<ProcStat> = {}): ProcStat => ({
    pid, ppid, comm: 'p', state: 'S', utime, stime: 1, cutime: 0, cstime: 0, rssPages: 10, ...extra,
  });
  const procs = new Map(
    [
      proc(1, 0, 999), // init: not watched
      proc(100, 1, 50, { cutime: 7, cstime: 3 }), // the benchmark; ended children's time is not its own
      proc(200, 100, 20), // a service started by the benchmark
      proc(300, 100, 30, { cutime: 5, cstime: 5 }), // postgres, started by the benchmark
      proc(301, 300, 4), // a postgres backend
      proc(302, 301, 2), // a grandchild
      proc(400, 1, 1000), // someone else's process
    ].map((p) => [p.pid, p]),
  );
  const roots = [
    { name: 'bench', pid: 100, withChildren: false },
    { name: 'gateway', pid: 200, withChildren: true },
    { name: 'postgres', pid: 300, withChildren: true },
    { name: 'gone', pid: 999, withChildren: true },
  ];

  it('counts each process once, on its nearest watched ancestor, with ended-children time where asked', () => {
    const usage = usageByRoot(procs, roots);
    expect(Object.fromEntries(usage)).toEqual({
      bench: { cpuTicks: 51, rssPages: 10, processes: 1 },
      gateway: { cpuTicks: 21, rssPages: 10, processes: 1 },
      postgres: { cpuTicks: 31 + 10 + 5 + 3, rssPages: 30, processes: 3 },
    });
  });

  it('leaves out roots that are not running and processes no root owns', () => {
    const usage = usageByRoot(procs, roots);
    expect(usage.has('gone')).toBe(false);
    expect([...usage.values()].reduce((n, u) => n + u.processes, 0)).toBe(5);
  });
});
