// Starts the local servers for manual checks: npx tsx local-servers/src/cli.ts kafka|ferretdb|all
// (ferretdb: on PostgreSQL, started first, unless MONGO_BACKEND=sqlite; no lookup indexes, the launcher makes those)
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startFerretDb } from "./ferretdb.js";
import { startKafka } from "./kafka.js";
import { startPostgres } from "./postgres.js";
import type { ManagedProcess } from "./supervisor.js";

const what = process.argv[2] ?? "all";
if (!["kafka", "ferretdb", "all"].includes(what)) {
  console.error("usage: tsx local-servers/src/cli.ts kafka|ferretdb|all   (env LOCAL_ROOT overrides <repo>/.local)");
  process.exit(2);
}
const root = process.env.LOCAL_ROOT ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../.local");
const log = (line: string): void => console.log(`[local-servers] ${line}`);
const started: ManagedProcess[] = [];

let stopping = false;
const shutdown = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  log("stopping...");
  for (const p of started.reverse()) await p.stop();
  log("stopped");
  process.exit(0);
};
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());

try {
  const t0 = Date.now();
  if (what === "kafka" || what === "all") {
    const kafka = await startKafka({ root, log });
    started.push(kafka);
    log(`Kafka brokers: ${kafka.brokers.join(",")}`);
  }
  if (what === "ferretdb" || what === "all") {
    const postgres = process.env.MONGO_BACKEND === "sqlite" ? undefined : await startPostgres({ root, log });
    if (postgres) {
      started.push(postgres);
      log(`PostgreSQL url: ${postgres.url}`);
    }
    const mongo = await startFerretDb({ root, log, backend: postgres ? { handler: "postgresql", postgresqlUrl: postgres.url } : { handler: "sqlite" } });
    started.push(mongo);
    log(`FerretDB url: ${mongo.url}`);
  }
  log(`up in ${((Date.now() - t0) / 1000).toFixed(1)}s; logs in ${path.join(root, "logs")}; Ctrl-C to stop`);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  await Promise.all(started.map((p) => p.stop()));
  process.exit(1);
}
