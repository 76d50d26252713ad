/**
 * Pure readings of Linux /proc text: one process's /proc/<pid>/stat, the machine's /proc/stat, and
 * which watched process tree each running process belongs to. No file access here (see process-sampler.ts).
 */

/** The fields of /proc/<pid>/stat the benchmark uses; times in clock ticks, rss in pages. */
export interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  /** user time of the process itself */
  utime: number;
  /** system time of the process itself */
  stime: number;
  /** user time of its children that ended and were waited for */
  cutime: number;
  /** system time of its children that ended and were waited for */
  cstime: number;
  rssPages: number;
}

/**
 * Parses one /proc/<pid>/stat line (proc(5)). The command name sits in parentheses and may itself hold
 * spaces and parentheses, so the fields are counted from the last ')'.
 */
export function parseProcStat(text: string): ProcStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`not a /proc/<pid>/stat line: ${text.slice(0, 80)}`);
  const pid = Number(text.slice(0, open).trim());
  // after ')': field 3 (state) is at index 0, so field n is at index n - 3
  const rest = text.slice(close + 1).trim().split(/\s+/);
  const field = (n: number): number => {
    const v = Number(rest[n - 3]);
    if (!Number.isFinite(v)) throw new Error(`/proc/${pid}/stat: field ${n} is not a number`);
    return v;
  };
  return {
    pid,
    comm: text.slice(open + 1, close),
    state: rest[0] ?? '?',
    ppid: field(4),
    utime: field(14),
    stime: field(15),
    cutime: field(16),
    cstime: field(17),
    rssPages: field(24),
  };
}

/** CPU time of the whole machine from the first line of /proc/stat, in clock ticks summed over every core. */
export interface MachineCpu {
  /** user, nice, system, irq, softirq, steal */
  busy: number;
  /** busy plus idle and iowait */
  total: number;
}

export function parseMachineCpu(procStat: string): MachineCpu {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('no "cpu" line in /proc/stat');
  // cpu user nice system idle iowait irq softirq steal guest guest_nice (guest time is already in user)
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

/** A watched process: a server of the stack, or the benchmark's own process. */
export interface WatchedRoot {
  name: string;
  pid: number;
  /**
   * Count its descendants too (postgres runs one process per connection). Off for the benchmark's own
   * process, whose children are the services themselves, counted on their own rows.
   */
  withChildren: boolean;
}

/** What one root and the processes counted with it use at one instant. */
export interface TreeUsage {
  /** CPU ticks, monotone while the tree runs: own time of every process plus what their ended children used */
  cpuTicks: number;
  rssPages: number;
  processes: number;
}

/**
 * Adds up each root's tree. A process belongs to the nearest watched ancestor (itself included), so a
 * root below another root is counted once, on its own row. A root that is not running is absent.
 */
export function usageByRoot(procs: ReadonlyMap<number, ProcStat>, roots: readonly WatchedRoot[]): Map<string, TreeUsage> {
  const rootByPid = new Map(roots.map((r) => [r.pid, r]));
  const out = new Map<string, TreeUsage>();
  const ownerOf = (pid: number): WatchedRoot | undefined => {
    for (let p: number | undefined = pid, hops = 0; p !== undefined && p > 0 && hops < 64; hops++) {
      const root = rootByPid.get(p);
      if (root) return root.pid === pid || root.withChildren ? root : undefined;
      p = procs.get(p)?.ppid;
    }
    return undefined;
  };
  for (const proc of procs.values()) {
    const owner = ownerOf(proc.pid);
    if (!owner) continue;
    // the benchmark's own children are the services: their ended-children time is not its own
    const ticks = proc.utime + proc.stime + (owner.withChildren ? proc.cutime + proc.cstime : 0);
    const u = out.get(owner.name) ?? { cpuTicks: 0, rssPages: 0, processes: 0 };
    out.set(owner.name, { cpuTicks: u.cpuTicks + ticks, rssPages: u.rssPages + proc.rssPages, processes: u.processes + 1 });
  }
  return out;
}
