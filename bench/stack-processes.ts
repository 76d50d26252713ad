/**
 * Which processes make up a running stack: every server the launcher supervises writes a pidfile
 * <root>/run/<server>-<stack>.pid (services, Kafka, the database, the registry, whatever comes next),
 * so the benchmark finds them all there without knowing their names in advance.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { WatchedRoot } from './proc-stat.js';

/** A pidfile holds the pid on its first line and the command on its second. */
export function parsePidfile(content: string): { pid: number; command: string } | undefined {
  const [pidLine = '', command = ''] = content.split('\n');
  const pid = Number(pidLine.trim());
  return Number.isInteger(pid) && pid > 0 ? { pid, command: command.trim() } : undefined;
}

/** The server name of a pidfile of this stack ("kafka-bench.pid" → "kafka"), or undefined for another stack's. */
export function serverOfPidfile(file: string, stack: string): string | undefined {
  const suffix = `-${stack}.pid`;
  return file.endsWith(suffix) && file.length > suffix.length ? file.slice(0, -suffix.length) : undefined;
}

function commandLineOf(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return undefined;
  }
}

/**
 * The stack's running servers, from their pidfiles, each with its descendants. A pidfile whose pid
 * runs something else now (a reused pid) is left out.
 */
export function stackProcesses(localRoot: string, stack: string): WatchedRoot[] {
  const dir = path.join(localRoot, 'run');
  const files = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  const roots: WatchedRoot[] = [];
  for (const file of files.sort()) {
    const name = serverOfPidfile(file, stack);
    if (!name) continue;
    const entry = parsePidfile(fs.readFileSync(path.join(dir, file), 'utf8'));
    const cmdline = entry && commandLineOf(entry.pid);
    if (!entry || !cmdline || (entry.command && !cmdline.includes(path.basename(entry.command.split(' ')[0] ?? '')))) continue;
    roots.push({ name, pid: entry.pid, withChildren: true });
  }
  return roots;
}
