import fs from "node:fs";
import path from "node:path";
import { ensureFerretDbBinary, FERRETDB_VERSION } from "./ferretdb-build.js";
import { mongoHello } from "./mongo-probe.js";
import { assertPortFree } from "./ports.js";
import { defaultLog, type Log } from "./run-tool.js";
import { reapStale, startProcess, type ManagedProcess } from "./supervisor.js";

export interface MongoServer extends ManagedProcess {
  /** "mongodb://127.0.0.1:<port>/" */
  readonly url: string;
}

export interface StartFerretDbOptions {
  /** The git-ignored local folder, normally <repo>/.local. */
  root: string;
  /** Distinguishes instances: data in <root>/data/ferretdb-<name>. Default "dev". */
  name?: string;
  port?: number;
  log?: (line: string) => void;
  /** Wipe this instance's data dir first. */
  fresh?: boolean;
}

export const FERRETDB_DEFAULT_PORT = 27117;

/** Starts FerretDB (MongoDB wire protocol) on its SQLite backend as a local process. */
export async function startFerretDb(opts: StartFerretDbOptions): Promise<MongoServer> {
  const log: Log = opts.log ?? defaultLog;
  const root = path.resolve(opts.root);
  const name = `ferretdb-${opts.name ?? "dev"}`;
  const port = opts.port ?? FERRETDB_DEFAULT_PORT;

  await reapStale(root, name, log);
  const binary = await ensureFerretDbBinary(root, log);
  const dataDir = path.join(root, "data", name);
  if (opts.fresh) fs.rmSync(dataDir, { recursive: true, force: true });
  const sqliteDir = path.join(dataDir, "sqlite");
  const stateDir = path.join(dataDir, "state");
  fs.mkdirSync(sqliteDir, { recursive: true });
  fs.mkdirSync(stateDir, { recursive: true });

  await assertPortFree(port, name);
  const proc = await startProcess({
    root,
    name,
    command: binary,
    args: [
      `--listen-addr=127.0.0.1:${port}`,
      "--handler=sqlite",
      `--sqlite-url=file:${sqliteDir}/`,
      `--state-dir=${stateDir}`,
      "--telemetry=disable",
      "--debug-addr=-",
      "--log-level=info",
    ],
    env: { FERRETDB_TELEMETRY: "disable", DO_NOT_TRACK: "1" },
    cwd: dataDir,
    ready: () => mongoHello(port),
    readyTimeoutMs: 60_000,
    stopTimeoutMs: 10_000,
    log,
  });
  log(`${name}: FerretDB ${FERRETDB_VERSION} (SQLite) listening on 127.0.0.1:${port}`);
  return {
    name: proc.name,
    url: `mongodb://127.0.0.1:${port}/`,
    get pid() {
      return proc.pid;
    },
    stop: () => proc.stop(),
    kill: (signal) => proc.kill(signal),
    restart: () => proc.restart(),
  };
}
