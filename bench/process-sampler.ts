/**
 * Samples the CPU time and memory of the stack's processes from /proc while a run goes on: the largest
 * RSS each one reached, and CPU snapshots taken at the edges of the measured window.
 */
import { execFileSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { parseMachineCpu, parseProcStat, usageByRoot, type MachineCpu, type ProcStat, type TreeUsage, type WatchedRoot } from './proc-stat.js';

/** CPU ticks per second and bytes per page of this kernel (getconf; Linux's usual values if it is missing). */
export function kernelUnits(): { ticksPerSecond: number; pageBytes: number } {
  const conf = (name: string, fallback: number) => {
    try {
      const n = Number(execFileSync('getconf', [name], { encoding: 'utf8' }).trim());
      return Number.isFinite(n) && n > 0 ? n : fallback;
    } catch {
      return fallback;
    }
  };
  return { ticksPerSecond: conf('CLK_TCK', 100), pageBytes: conf('PAGESIZE', 4096) };
}

async function readAllProcs(): Promise<Map<number, ProcStat>> {
  const pids = (await readdir('/proc')).filter((d) => /^\d+$/.test(d));
  const stats = await Promise.all(
    pids.map(async (pid) => {
      try {
        return parseProcStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
      } catch {
        return undefined; // ended between the listing and the read
      }
    }),
  );
  return new Map(stats.filter((s): s is ProcStat => s !== undefined).map((s) => [s.pid, s]));
}

/** One instant: each root's tree usage and the machine's CPU counters. */
export interface UsageSnapshot {
  atMs: number;
  byRoot: Map<string, TreeUsage>;
  machine: MachineCpu;
}

/** Each root's CPU between two snapshots, and the machine's. */
export interface CpuWindow {
  seconds: number;
  /** CPU ms per root (a root missing at either edge counts what it used while it was seen) */
  cpuMs: Map<string, number>;
  /** CPU ms the whole machine was busy, every process included (other users' too) */
  machineBusyMs: number;
  /** CPU ms the machine had: cores × seconds */
  machineTotalMs: number;
}

export function cpuBetween(start: UsageSnapshot, end: UsageSnapshot, ticksPerSecond: number): CpuWindow {
  const ms = (ticks: number) => (ticks * 1000) / ticksPerSecond;
  const cpuMs = new Map<string, number>();
  for (const name of new Set([...start.byRoot.keys(), ...end.byRoot.keys()])) {
    const delta = (end.byRoot.get(name)?.cpuTicks ?? 0) - (start.byRoot.get(name)?.cpuTicks ?? 0);
    // a process that ended without being waited for by a counted parent takes its ticks with it
    cpuMs.set(name, Math.max(0, ms(delta)));
  }
  return {
    seconds: (end.atMs - start.atMs) / 1000,
    cpuMs,
    machineBusyMs: ms(end.machine.busy - start.machine.busy),
    machineTotalMs: ms(end.machine.total - start.machine.total),
  };
}

export interface ProcessSampler {
  /** A snapshot now (used at the edges of the measured window); it also counts for the RSS maxima. */
  snapshot(): Promise<UsageSnapshot>;
  /** The largest RSS (bytes) each root reached in any snapshot since start. */
  maxRssBytes(): Map<string, number>;
  /** How many processes each root had at the last snapshot. */
  processCounts(): Map<string, number>;
  stop(): Promise<void>;
}

/** Starts sampling every `intervalMs` until stop(). */
export function startProcessSampler(opts: { roots: readonly WatchedRoot[]; intervalMs: number; pageBytes: number }): ProcessSampler {
  const maxRss = new Map<string, number>();
  let counts = new Map<string, number>();
  const snapshot = async (): Promise<UsageSnapshot> => {
    const [procs, procStat] = await Promise.all([readAllProcs(), readFile('/proc/stat', 'utf8')]);
    const snap = { atMs: Date.now(), byRoot: usageByRoot(procs, opts.roots), machine: parseMachineCpu(procStat) };
    for (const [name, u] of snap.byRoot) maxRss.set(name, Math.max(maxRss.get(name) ?? 0, u.rssPages * opts.pageBytes));
    counts = new Map([...snap.byRoot].map(([name, u]) => [name, u.processes]));
    return snap;
  };
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = snapshot().catch(() => undefined);
  }, opts.intervalMs);
  return {
    snapshot,
    maxRssBytes: () => new Map(maxRss),
    processCounts: () => new Map(counts),
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
