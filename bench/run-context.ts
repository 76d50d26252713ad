/** Where and from what a run was made: machine, code version, date. Goes at the top of each results section. */
import { execFileSync } from 'node:child_process';
import os from 'node:os';

export interface RunContext {
  startedAt: string;
  /** short commit hash, "+ uncommitted changes" when the worktree differs from it */
  commit: string;
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  /** 1-minute load average at the start: other work on the machine shows here */
  loadAverage: number;
}

function git(repo: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

export function runContext(repo: string): RunContext {
  const head = git(repo, ['rev-parse', '--short', 'HEAD']) ?? 'unknown';
  const dirty = (git(repo, ['status', '--porcelain', '--untracked-files=no']) ?? '') !== '';
  const cpus = os.cpus();
  return {
    startedAt: new Date().toISOString(),
    commit: dirty ? `${head} + uncommitted changes` : head,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus.length,
    memoryGiB: os.totalmem() / 2 ** 30,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    loadAverage: os.loadavg()[0] ?? 0,
  };
}
