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
  /** Where FerretDB stores documents: its own SQLite files (default), or a PostgreSQL database. */
  backend?: FerretDbBackend;
}

export type FerretDbBackend = { handler: "sqlite" } | { handler: "postgresql"; postgresqlUrl: string };

export const FERRETDB_DEFAULT_PORT = 27117;

/**
 * PostgreSQL connections FerretDB may hold. An update takes two at once (its query's cursor, and
 * the write of each matched document), and FerretDB's default of 50 ran out under a burst of
 * updates, which deadlocks the server (docs/storage.md). Every service's driver pool is bounded
 * (MONGO_MAX_POOL_SIZE, 10), and our patch closes each statement's cursor before the next: 400
 * leaves room for three replicas of each service, tools and tests.
 */
export const FERRETDB_POOL_MAX_CONNS = 400;

function withPoolSize(url: string): string {
  const u = new URL(url);
  if (!u.searchParams.has("pool_max_conns")) u.searchParams.set("pool_max_conns", String(FERRETDB_POOL_MAX_CONNS));
  return u.toString();
}

/** Starts FerretDB (MongoDB wire protocol) on SQLite or on PostgreSQL as a local process. */
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
  fs.mkdirSync(stateDir, { recursive: true });
  const backend = opts.backend ?? { handler: "sqlite" };
  if (backend.handler === "sqlite") fs.mkdirSync(sqliteDir, { recursive: true });
  const backendArgs =
    backend.handler === "sqlite"
      ? ["--handler=sqlite", `--sqlite-url=file:${sqliteDir}/`]
      : ["--handler=postgresql", `--postgresql-url=${withPoolSize(backend.postgresqlUrl)}`];

  await assertPortFree(port, name);
  const proc = await startProcess({
    root,
    name,
    command: binary,
    args: [
      `--listen-addr=127.0.0.1:${port}`,
      ...backendArgs,
      `--state-dir=${stateDir}`,
      "--telemetry=disable",
      process.env.FERRETDB_DEBUG_ADDR ? `--debug-addr=${process.env.FERRETDB_DEBUG_ADDR}` : "--debug-addr=-", // off: two FerretDBs on one machine would both want its default port
      `--log-level=${process.env.FERRETDB_LOG_LEVEL ?? "info"}`,
    ],
    env: { FERRETDB_TELEMETRY: "disable", DO_NOT_TRACK: "1" },
    cwd: dataDir,
    ready: () => mongoHello(port),
    readyTimeoutMs: 60_000,
    stopTimeoutMs: 10_000,
    log,
  });
  log(`${name}: FerretDB ${FERRETDB_VERSION} (${backend.handler === "sqlite" ? "SQLite" : "PostgreSQL"}) listening on 127.0.0.1:${port}`);
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
