import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { Log } from "./run-tool.js";

/** The system user postgres runs as when we are root (postgres refuses to run as root). */
export const POSTGRES_OS_USER = "botwot-pg";

/** How to run the postgres binaries: directly, or as the system user when we are root. */
export interface PostgresRunner {
  /** The OS user the server runs as. */
  readonly osUser: string;
  /** The command line that runs `binary args` as that user; the program execs, so its pid is postgres's. */
  command(binary: string, args: string[]): { command: string; args: string[] };
  /** Gives the user these directories (recursively when their owner differs) and these files. */
  own(paths: string[]): void;
}

/**
 * Prepares running postgres from this process. As root: creates the system user once
 * (idempotent, safe when two processes race), and makes sure it can reach the binaries and the
 * data, granting search permission on an ancestor directory where it is missing (a checkout under
 * a 0700 home). Not root: postgres runs as the current user.
 */
export function postgresRunner(reach: string[], log: Log): PostgresRunner {
  if (process.getuid?.() !== 0) {
    return { osUser: currentUser(), command: (binary, args) => ({ command: binary, args }), own: () => undefined };
  }
  const { uid, gid } = ensureSystemUser(log);
  for (const target of reach) grantSearch(target, uid, gid, log);
  return {
    osUser: POSTGRES_OS_USER,
    command: (binary, args) => ({
      command: "setpriv",
      args: [`--reuid=${POSTGRES_OS_USER}`, `--regid=${POSTGRES_OS_USER}`, "--init-groups", "--", binary, ...args],
    }),
    own: (paths) => {
      for (const p of paths) chownIfNeeded(p, uid, gid);
    },
  };
}

function ensureSystemUser(log: Log): { uid: number; gid: number } {
  const known = lookupUser();
  if (known) return known;
  log(`postgres: creating the system user '${POSTGRES_OS_USER}' (postgres refuses to run as root)`);
  const made = spawnSync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", POSTGRES_OS_USER], { encoding: "utf8" });
  const after = lookupUser(); // another process may have created it at the same moment (useradd exit 9)
  if (after) return after;
  throw new Error(`postgres: could not create the system user '${POSTGRES_OS_USER}': ${made.error?.message ?? made.stderr.trim()}`);
}

function lookupUser(): { uid: number; gid: number } | undefined {
  const uid = spawnSync("id", ["-u", POSTGRES_OS_USER], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", POSTGRES_OS_USER], { encoding: "utf8" });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function currentUser(): string {
  const r = spawnSync("id", ["-un"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : "postgres";
}

/** Every ancestor of `target` must let the user search it; adds o+x where it does not. */
function grantSearch(target: string, uid: number, gid: number, log: Log): void {
  let dir = path.dirname(path.resolve(target));
  const missing: string[] = [];
  for (;;) {
    const st = fs.statSync(dir);
    const searchable = st.uid === uid ? st.mode & 0o100 : st.gid === gid ? st.mode & 0o010 : st.mode & 0o001;
    if (!searchable) missing.push(dir);
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  for (const d of missing.reverse()) {
    log(`postgres: granting others search permission (o+x) on ${d}, so '${POSTGRES_OS_USER}' can reach ${target}`);
    fs.chmodSync(d, fs.statSync(d).mode | 0o001);
  }
}

function chownIfNeeded(p: string, uid: number, gid: number): void {
  const st = fs.statSync(p);
  if (st.uid === uid && st.gid === gid) return;
  if (st.isDirectory()) {
    for (const entry of fs.readdirSync(p)) chownIfNeeded(path.join(p, entry), uid, gid);
  }
  fs.lchownSync(p, uid, gid);
}
