import path from 'node:path';
import { freePort, startProcess, type ManagedProcess } from '@botwot/local-servers';

/** The six services, in start order (consumers before the gateway that feeds them). */
export const SERVICE_NAMES = ['log-sink', 'orchestrator', 'agent-runner', 'utility-runner', 'action-runner', 'gateway'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface RunningService {
  name: ServiceName;
  /** 1 for the first process of a service, 2.. for more replicas */
  replica: number;
  /** where /healthz, /readyz and /metrics answer */
  opsUrl: string;
  process: ManagedProcess;
}

async function ready(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
    return res.ok;
  } catch {
    return false;
  }
}

/** Starts one service from its build output, with its environment, and waits until /readyz says so. */
export async function startService(opts: {
  repo: string;
  root: string;
  name: ServiceName;
  /** the system's instance name: the process's pidfile and log are <name>-<stack>, so two stacks in one checkout do not reap each other's services */
  stack: string;
  env: Record<string, string>;
  /** which replica this is (default 1): its INSTANCE_ID, log and pidfile say so */
  replica?: number;
  port?: number;
  log?: (line: string) => void;
}): Promise<RunningService> {
  const port = opts.port ?? (await freePort());
  const replica = opts.replica ?? 1;
  const portVar = opts.name === 'gateway' ? 'PORT' : 'OPS_PORT';
  const opsUrl = `http://127.0.0.1:${port}`;
  const process = await startProcess({
    root: opts.root,
    name: replica === 1 ? `${opts.name}-${opts.stack}` : `${opts.name}-${replica}-${opts.stack}`,
    command: globalThis.process.execPath,
    // SERVICE_NODE_ARGS: extra node flags for every service, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile a run
    args: [...(globalThis.process.env.SERVICE_NODE_ARGS?.split(' ').filter(Boolean) ?? []), '--enable-source-maps', path.join(opts.repo, 'services', opts.name, 'dist', 'main.js')],
    // a stable id per slot: a restarted instance reuses its transactional id and so fences (aborts) what its predecessor left open;
    // the launcher runs local servers and stand-ins, so the local profile's defaults apply
    env: { INSTANCE_ID: `${opts.name}-${replica}`, BOTWOT_PROFILE: 'local', ...opts.env, [portVar]: String(port) },
    cwd: opts.repo,
    ready: () => ready(opsUrl),
    readyTimeoutMs: 60_000,
    ...(opts.log ? { log: opts.log } : {}),
  });
  return { name: opts.name, replica, opsUrl, process };
}
