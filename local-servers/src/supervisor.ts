import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { commandLineOf, descendantsOf, groupAlive, isAlive, signalGroup, signalLeader } from "./pids.js";
import { defaultLog, type Log } from "./run-tool.js";
import { sleep, waitFor } from "./wait.js";

export interface ManagedProcess {
  readonly name: string;
  /** The running child's pid; undefined once it has exited. */
  readonly pid: number | undefined;
  /** SIGTERM to the process group, SIGKILL after a bound; resolves when nothing is left. */
  stop(): Promise<void>;
  /** Sends a signal to the process group (default SIGKILL; that one waits for the exit). */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Stops it if running, starts the same command again and waits for readiness. */
  restart(): Promise<void>;
}

export interface StartProcessOptions {
  /** Root of the git-ignored local folder; logs go to <root>/logs, pidfiles to <root>/run. */
  root: string;
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
  ready: () => Promise<boolean>;
  readyTimeoutMs?: number;
  /** How long stop() waits after the stop signal before SIGKILL (default 15 s). */
  stopTimeoutMs?: number;
  /** What stop() sends (default SIGTERM to the whole process group). */
  stopSignal?: NodeJS.Signals;
  /** Send the stop signal to the leader alone and let it stop its own children (a server that shuts down in order, like postgres). */
  stopLeaderOnly?: boolean;
  /** The program `command` execs into (e.g. postgres behind setpriv): recorded in the pidfile, so a stale one is recognised. */
  execs?: string;
  /**
   * Its children leave its process group (postgres puts each in its own session): kill() signals
   * every descendant too, so SIGKILL/SIGSTOP reach the whole server, and stop()/kill() wait for
   * all of them to be gone.
   */
  signalDescendants?: boolean;
  log?: (line: string) => void;
}

const live = new Set<Supervised>();

export function logPath(root: string, name: string): string {
  return path.join(root, "logs", `${name}.log`);
}

export function pidPath(root: string, name: string): string {
  return path.join(root, "run", `${name}.pid`);
}

/** Spawns a long-running child in its own process group, logging to a file, and waits until it is ready. */
export async function startProcess(opts: StartProcessOptions): Promise<ManagedProcess> {
  const proc = new Supervised(opts);
  await proc.launch();
  return proc;
}

/** Stops every process this parent started (SIGTERM, then SIGKILL after the bound). */
export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((p) => p.stop()));
}

/**
 * Kills a process left behind by an earlier run that crashed or was killed (found via its pidfile).
 * The pid is only signalled when its command line still matches what the pidfile recorded.
 */
export async function reapStale(root: string, name: string, log: Log = defaultLog): Promise<void> {
  const file = pidPath(root, name);
  let content: string;
  try {
    content = fs.readFileSync(file, "utf8");
  } catch {
    return;
  }
  const [pidLine, command] = content.split("\n");
  const pid = Number(pidLine);
  const owned = [...live].some((p) => p.pid === pid);
  if (pid > 0 && !owned && isAlive(pid)) {
    const cmdline = commandLineOf(pid);
    if (cmdline === undefined || !command || cmdline.includes(path.basename(command))) {
      log(`${name}: stopping stale process ${pid} left by an earlier run`);
      // its descendants too: some servers (postgres) move their children out of the process group
      const tree = descendantsOf(pid);
      const alive = () => groupAlive(pid) || tree.some(isAlive);
      signalGroup(pid, "SIGTERM");
      const deadline = Date.now() + 10_000;
      while (alive() && Date.now() < deadline) await sleep(200);
      if (alive()) for (const p of [pid, ...tree]) signalGroup(p, "SIGKILL");
      while (alive() && Date.now() < deadline + 5_000) await sleep(100);
    }
  }
  if (!owned) fs.rmSync(file, { force: true });
}

class Supervised implements ManagedProcess {
  readonly name: string;
  readonly root: string;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private stopping = false;
  private readonly log: Log;

  constructor(private readonly opts: StartProcessOptions) {
    this.name = opts.name;
    this.root = opts.root;
    this.log = opts.log ?? defaultLog;
  }

  get pid(): number | undefined {
    const c = this.child;
    return c && c.exitCode === null && c.signalCode === null ? c.pid : undefined;
  }

  async launch(): Promise<void> {
    const { root, name, command, args } = this.opts;
    await reapStale(root, name, this.log);
    fs.mkdirSync(path.join(root, "logs"), { recursive: true });
    fs.mkdirSync(path.join(root, "run"), { recursive: true });
    const logFile = logPath(root, name);
    const fd = fs.openSync(logFile, "a");
    fs.writeSync(fd, `\n=== ${new Date().toISOString()} starting ${name}: ${command} ${args.join(" ")}\n`);
    this.log(`${name}: starting (log: ${logFile})`);

    const child = spawn(command, args, {
      cwd: this.opts.cwd,
      env: { ...process.env, ...this.opts.env },
      detached: true, // own process group, so stop() can signal everything it spawned
      stdio: ["ignore", fd, fd],
    });
    fs.closeSync(fd);
    this.child = child;
    this.stopping = false;

    const abort = new AbortController();
    this.exited = new Promise<void>((resolve) => {
      child.once("error", (err) => {
        abort.abort(new Error(`${name}: could not start '${command}': ${err.message}`));
        resolve();
      });
      child.once("exit", (code, signal) => {
        live.delete(this);
        removePidfile(root, name, child.pid);
        if (!this.stopping) this.log(`${name}: exited (${signal ?? `code ${code}`})`);
        abort.abort(new Error(`${name} exited (${signal ?? `code ${code}`}) before it was ready; last log lines:\n${tailOf(logFile)}`));
        resolve();
      });
    });
    if (child.pid === undefined) {
      await this.exited;
      throw abort.signal.reason as Error;
    }
    live.add(this);
    installExitHooks();
    fs.writeFileSync(pidPath(root, name), `${child.pid}\n${this.opts.execs ?? command}\n`);

    const started = Date.now();
    const timeoutMs = this.opts.readyTimeoutMs ?? 60_000;
    const heartbeat = setInterval(() => {
      this.log(`${name}: waiting until it is ready (${Math.round((Date.now() - started) / 1000)}s, pid ${child.pid})`);
    }, 10_000);
    try {
      await waitFor(this.opts.ready, { timeoutMs, what: `${name} to become ready`, signal: abort.signal });
    } catch (err) {
      await this.stop();
      const e = err as Error;
      throw abort.signal.aborted ? e : new Error(`${e.message}; last log lines:\n${tailOf(logFile)}`);
    } finally {
      clearInterval(heartbeat);
    }
    this.log(`${name}: ready in ${((Date.now() - started) / 1000).toFixed(1)}s (pid ${child.pid})`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child?.pid) return;
    const pid = child.pid;
    const tree = this.treeOf(pid);
    if (this.pid !== undefined) {
      this.stopping = true;
      const signal = this.opts.stopSignal ?? "SIGTERM";
      if (this.opts.stopLeaderOnly) signalLeader(pid, signal);
      else signalGroup(pid, signal);
      const timeoutMs = this.opts.stopTimeoutMs ?? 15_000;
      let timer: NodeJS.Timeout | undefined;
      const inTime = await Promise.race([
        this.exited.then(() => true),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
      ]);
      clearTimeout(timer);
      if (!inTime) {
        this.log(`${this.name}: did not stop within ${timeoutMs} ms, sending SIGKILL`);
        signalGroup(pid, "SIGKILL");
      }
      await this.exited;
    }
    await this.sweep(pid, tree);
  }

  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    const pid = this.pid;
    if (pid === undefined) return;
    // SIGSTOP/SIGCONT pause and resume it (fault tests): it is not stopping
    if (signal !== "SIGSTOP" && signal !== "SIGCONT") this.stopping = true;
    const tree = this.treeOf(pid);
    signalGroup(pid, signal);
    for (const descendant of tree) signalGroup(descendant, signal);
    if (signal === "SIGKILL") {
      await this.exited;
      await this.sweep(pid, tree);
    }
  }

  private treeOf(pid: number): number[] {
    return this.opts.signalDescendants ? descendantsOf(pid) : [];
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  /** Makes sure no member of the child's process group (nor any of `tree`) survives its leader. */
  private async sweep(pgid: number, tree: number[] = []): Promise<void> {
    const deadline = Date.now() + 5_000;
    while ((groupAlive(pgid) || tree.some(isAlive)) && Date.now() < deadline) {
      signalGroup(pgid, "SIGKILL");
      for (const pid of tree) signalGroup(pid, "SIGKILL");
      await sleep(50);
    }
    removePidfile(this.opts.root, this.name, pgid);
  }
}

function removePidfile(root: string, name: string, pid: number | undefined): void {
  const file = pidPath(root, name);
  try {
    if (Number(fs.readFileSync(file, "utf8").split("\n")[0]) === pid) fs.rmSync(file, { force: true });
  } catch {
    /* no pidfile */
  }
}

function tailOf(file: string, lines = 30): string {
  try {
    const text = fs.readFileSync(file, "utf8");
    return text.split("\n").slice(-lines - 1).join("\n");
  } catch {
    return "(no log)";
  }
}

let hooksInstalled = false;

/** Best-effort cleanup of all children when this parent exits or is interrupted. */
function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on("exit", killAllSync);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const handler = (): void => {
      // When the program has its own handler, let it decide; our 'exit' hook still cleans up.
      if (process.listenerCount(signal) > 1) return;
      process.removeListener(signal, handler);
      const code = 128 + (signal === "SIGINT" ? 2 : signal === "SIGTERM" ? 15 : 1);
      void stopAll().finally(() => process.exit(code));
    };
    process.on(signal, handler);
  }
}

/** Synchronous: runs inside process.on('exit'). SIGTERM, a short grace period, then SIGKILL. */
function killAllSync(): void {
  const running = [...live].flatMap((p) => (p.pid === undefined ? [] : [{ p, pid: p.pid }]));
  if (running.length === 0) return;
  for (const { pid } of running) signalGroup(pid, "SIGTERM");
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + 5_000;
  // isAlive treats an unreaped (zombie) leader as gone; the event loop cannot reap it here.
  while (running.some(({ pid }) => isAlive(pid)) && Date.now() < deadline) Atomics.wait(pause, 0, 0, 50);
  for (const { p, pid } of running) {
    signalGroup(pid, "SIGKILL"); // whatever is left in the group
    removePidfile(p.root, p.name, pid);
  }
}
