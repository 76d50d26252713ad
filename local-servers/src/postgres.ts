import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { postgresBinaries, POSTGRES_VERSION } from "./postgres-binaries.js";
import { postgresRunner, type PostgresRunner } from "./postgres-os-user.js";
import { postgresSettings } from "./postgres-settings.js";
import { assertPortFree } from "./ports.js";
import { defaultLog, runTool, type Log } from "./run-tool.js";
import { logPath, reapStale, startProcess, type ManagedProcess } from "./supervisor.js";

export interface PostgresServer extends ManagedProcess {
  readonly port: number;
  /** The database role FerretDB and tools connect as (trusted on 127.0.0.1). */
  readonly user: string;
  /** The database created at start for FerretDB. */
  readonly database: string;
  /** "postgres://<user>@127.0.0.1:<port>/<database>" */
  readonly url: string;
}

export interface StartPostgresOptions {
  /** The git-ignored local folder, normally <repo>/.local. */
  root: string;
  /** Distinguishes instances: data in <root>/data/postgres-<name>. Default "dev". */
  name?: string;
  port?: number;
  /** Created when missing. Default "ferretdb". */
  database?: string;
  log?: (line: string) => void;
  /** Wipe this instance's data dir first. */
  fresh?: boolean;
}

export const POSTGRES_DEFAULT_PORT = 15432;
/** The superuser initdb creates; FerretDB connects as it. */
const ROLE = "botwot-pg";

/**
 * Starts PostgreSQL from the npm package's binaries as a supervised foreground process:
 * initdb on first use, then `postgres -D` listening on 127.0.0.1 (as a system user when root).
 * Durable: fsync and synchronous commit stay on.
 */
export async function startPostgres(opts: StartPostgresOptions): Promise<PostgresServer> {
  const log: Log = opts.log ?? defaultLog;
  const root = path.resolve(opts.root);
  const name = `postgres-${opts.name ?? "dev"}`;
  const port = opts.port ?? POSTGRES_DEFAULT_PORT;
  const database = opts.database ?? "ferretdb";

  await reapStale(root, name, log);
  const bin = postgresBinaries();
  const dataDir = path.join(root, "data", name);
  const socketDir = path.join(root, "run", name);
  if (opts.fresh) fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 }); // postgres insists on 0700 or 0750
  fs.mkdirSync(socketDir, { recursive: true });
  fs.mkdirSync(path.dirname(logPath(root, name)), { recursive: true });
  fs.appendFileSync(logPath(root, name), "");

  const runner = postgresRunner([bin.postgres, dataDir, socketDir], log);
  runner.own([dataDir, socketDir, logPath(root, name)]);
  if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) await initDataDir(runner, bin.initdb, dataDir, name, log);

  await assertPortFree(port, name);
  const settings = postgresSettings({ port, socketDir });
  const { command, args } = runner.command(bin.postgres, ["-D", dataDir, ...settings.flatMap((s) => ["-c", s])]);
  const url = `postgres://${ROLE}@127.0.0.1:${port}/${database}`;
  const proc = await startProcess({
    root,
    name,
    command,
    args,
    execs: bin.postgres,
    cwd: dataDir,
    ready: async () => {
      await ensureDatabase(port, database, log);
      return true;
    },
    readyTimeoutMs: 60_000,
    // SIGINT to the postmaster alone is postgres's "fast" shutdown: it ends its backends and
    // writes a shutdown checkpoint; a SIGTERM to the whole group would race that order.
    stopSignal: "SIGINT",
    stopLeaderOnly: true,
    signalDescendants: true,
    stopTimeoutMs: 20_000,
    log,
  });
  log(`${name}: PostgreSQL ${POSTGRES_VERSION} listening on 127.0.0.1:${port} as '${runner.osUser}' (database ${database})`);
  return {
    name: proc.name,
    port,
    user: ROLE,
    database,
    url,
    get pid() {
      return proc.pid;
    },
    stop: () => proc.stop(),
    kill: (signal) => proc.kill(signal),
    restart: () => proc.restart(),
  };
}

async function initDataDir(runner: PostgresRunner, initdb: string, dataDir: string, name: string, log: Log): Promise<void> {
  const started = Date.now();
  log(`${name}: initdb into ${dataDir}`);
  // initdb wants an empty directory: clear what a run killed half-way through left behind
  for (const entry of fs.readdirSync(dataDir)) fs.rmSync(path.join(dataDir, entry), { recursive: true, force: true });
  const { command, args } = runner.command(initdb, [
    "-D", dataDir,
    "-U", ROLE,
    "--auth=trust",
    "--encoding=UTF8",
    "--locale=C",
    "--no-instructions",
  ]);
  await runTool({ command, args, what: `${name}: initdb`, log, onLine: () => undefined });
  log(`${name}: initdb done in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

/** Connects to the maintenance database and creates `database` when it is missing; throws until the server accepts. */
async function ensureDatabase(port: number, database: string, log: Log): Promise<void> {
  const client = new pg.Client({ host: "127.0.0.1", port, user: ROLE, database: "postgres", connectionTimeoutMillis: 2_000 });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (found.rowCount) return;
    log(`postgres: creating database ${database}`);
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`).catch((err: { code?: string }) => {
      if (err.code !== "42P04") throw err; // created by someone else meanwhile
    });
  } finally {
    await client.end().catch(() => undefined);
  }
}
