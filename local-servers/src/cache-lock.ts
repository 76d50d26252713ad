import fs from "node:fs";
import path from "node:path";
import { isAlive } from "./pids.js";
import type { Log } from "./run-tool.js";
import { sleep } from "./wait.js";

/**
 * Runs `fn` while holding a lock directory, so two processes (two test files, or a test
 * and the launcher) never download or build into the same cache at the same time.
 * A lock whose owner died is taken over.
 */
export async function withCacheLock<T>(lockDir: string, what: string, log: Log, fn: () => Promise<T>): Promise<T> {
  fs.mkdirSync(path.dirname(lockDir), { recursive: true });
  let announced = false;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, "pid"), `${process.pid}\n`);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      if (lockIsStale(lockDir)) {
        fs.rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (!announced) {
        log(`${what}: waiting for another process that is preparing it (${lockDir})`);
        announced = true;
      }
      await sleep(1000);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

function lockIsStale(lockDir: string): boolean {
  try {
    const pid = Number(fs.readFileSync(path.join(lockDir, "pid"), "utf8").trim());
    return !pid || !isAlive(pid);
  } catch {
    // The owner may not have written its pid yet; only a long-pidless lock is stale.
    try {
      return Date.now() - fs.statSync(lockDir).mtimeMs > 60_000;
    } catch {
      return false;
    }
  }
}
