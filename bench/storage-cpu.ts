import fs from 'node:fs';
import { descendantsOf } from '@botwot/local-servers';

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** utime+stime (+ the reaped children's cutime+cstime) of one process, in ms; 0 once it is gone. */
function cpuMsOf(pid: number, withReapedChildren: boolean): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17
    const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((k) => Number(fields[k]));
    return ((utime ?? 0) + (stime ?? 0) + (withReapedChildren ? (cutime ?? 0) + (cstime ?? 0) : 0)) * TICK_MS;
  } catch {
    return 0;
  }
}

/**
 * CPU ms used so far by a server and all its descendants: for postgres, the postmaster (with the
 * backends it has reaped) plus every live backend and worker (each in its own session, so they are
 * found by parent, not by process group).
 */
export function cpuMsOfTree(leader: number): number {
  return cpuMsOf(leader, true) + descendantsOf(leader).reduce((sum, pid) => sum + cpuMsOf(pid, true), 0);
}
