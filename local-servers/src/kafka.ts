import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { kafkaReady } from "./kafka-probe.js";
import { ensureKafkaLibs, KAFKA_VERSION } from "./maven.js";
import { assertPortFree } from "./ports.js";
import { defaultLog, runTool, type Log } from "./run-tool.js";
import { reapStale, startProcess, type ManagedProcess } from "./supervisor.js";

export interface KafkaServer extends ManagedProcess {
  /** ["127.0.0.1:<port>"] */
  readonly brokers: string[];
}

export interface StartKafkaOptions {
  /** The git-ignored local folder, normally <repo>/.local. */
  root: string;
  /** Distinguishes instances: data in <root>/data/kafka-<name>, log in <root>/logs/kafka-<name>.log. Default "dev". */
  name?: string;
  port?: number;
  controllerPort?: number;
  log?: (line: string) => void;
  /** Wipe this instance's data dir first. */
  fresh?: boolean;
}

export const KAFKA_DEFAULT_PORT = 19092;
export const KAFKA_DEFAULT_CONTROLLER_PORT = 19093;

/** Starts Apache Kafka (KRaft, one combined broker+controller) as a local java process. */
export async function startKafka(opts: StartKafkaOptions): Promise<KafkaServer> {
  const log: Log = opts.log ?? defaultLog;
  const root = path.resolve(opts.root);
  const name = `kafka-${opts.name ?? "dev"}`;
  const port = opts.port ?? KAFKA_DEFAULT_PORT;
  const controllerPort = opts.controllerPort ?? KAFKA_DEFAULT_CONTROLLER_PORT;

  await reapStale(root, name, log);
  const libs = await ensureKafkaLibs(root, log);
  const java = javaCommand();

  const dataDir = path.join(root, "data", name);
  if (opts.fresh) fs.rmSync(dataDir, { recursive: true, force: true });
  const configDir = path.join(dataDir, "config");
  const logDirs = path.join(dataDir, "kraft-logs");
  fs.mkdirSync(configDir, { recursive: true });
  const serverProperties = path.join(configDir, "server.properties");
  fs.writeFileSync(serverProperties, serverConfig({ port, controllerPort, logDirs }));
  fs.writeFileSync(path.join(configDir, "log4j.properties"), log4jConfig("INFO"));
  fs.writeFileSync(path.join(configDir, "tools-log4j.properties"), log4jConfig("WARN"));
  const classpath = ["-cp", path.join(libs, "*")];

  if (!fs.existsSync(path.join(logDirs, "meta.properties"))) {
    log(`${name}: formatting KRaft storage in ${logDirs}`);
    await runTool({
      command: java,
      args: [
        "-Xmx256m",
        `-Dlog4j.configuration=file:${path.join(configDir, "tools-log4j.properties")}`,
        ...classpath,
        "kafka.tools.StorageTool",
        "format",
        "--ignore-formatted",
        "-t",
        clusterId(),
        "-c",
        serverProperties,
      ],
      what: `${name}: kafka-storage format`,
      log,
      onLine: (line, log) => log(`${name}: ${line}`),
    });
  }

  await assertPortFree(port, name);
  await assertPortFree(controllerPort, `${name} (controller)`);
  const proc = await startProcess({
    root,
    name,
    command: java,
    args: [
      "-Xms256m",
      "-Xmx512m",
      "-XX:+UseG1GC",
      "-XX:MaxGCPauseMillis=20",
      "-XX:+ExitOnOutOfMemoryError",
      ...(process.env.KAFKA_EXTRA_JVM_ARGS?.split(" ").filter(Boolean) ?? []),
      "-Djava.awt.headless=true",
      `-Dlog4j.configuration=file:${path.join(configDir, "log4j.properties")}`,
      `-Dkafka.logs.dir=${path.join(dataDir, "app-logs")}`,
      ...classpath,
      "kafka.Kafka",
      serverProperties,
    ],
    cwd: dataDir,
    ready: () => kafkaReady(port),
    readyTimeoutMs: 120_000,
    stopTimeoutMs: 20_000,
    log,
  });
  log(`${name}: Kafka ${KAFKA_VERSION} listening on 127.0.0.1:${port}`);
  const brokers = [`127.0.0.1:${port}`];
  return {
    name: proc.name,
    brokers,
    get pid() {
      return proc.pid;
    },
    stop: () => proc.stop(),
    kill: (signal) => proc.kill(signal),
    restart: () => proc.restart(),
  };
}

function serverConfig(o: { port: number; controllerPort: number; logDirs: string }): string {
  const props: Record<string, string | number | boolean> = {
    "process.roles": "broker,controller",
    "node.id": 1,
    "controller.quorum.voters": `1@127.0.0.1:${o.controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${o.port},CONTROLLER://127.0.0.1:${o.controllerPort}`,
    "advertised.listeners": `PLAINTEXT://127.0.0.1:${o.port}`,
    "controller.listener.names": "CONTROLLER",
    "inter.broker.listener.name": "PLAINTEXT",
    "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
    "log.dirs": o.logDirs,
    "num.partitions": 6,
    "default.replication.factor": 1,
    "min.insync.replicas": 1,
    "auto.create.topics.enable": false,
    "delete.topic.enable": true,
    // single node: internal topics must not ask for more replicas than exist
    "offsets.topic.replication.factor": 1,
    "offsets.topic.num.partitions": 10,
    "transaction.state.log.replication.factor": 1,
    "transaction.state.log.min.isr": 1,
    "transaction.state.log.num.partitions": 10,
    "group.initial.rebalance.delay.ms": 0,
    // after a SIGKILL the controller keeps the dead incarnation registered until its session
    // expires (default 9 s); a shorter session makes restart() after kill() quicker
    "broker.heartbeat.interval.ms": 1000,
    "broker.session.timeout.ms": 4000,
    // 2-core dev machines
    "num.network.threads": 2,
    "num.io.threads": 4,
    "num.recovery.threads.per.data.dir": 1,
    "log.retention.hours": 24,
    "log.segment.bytes": 64 * 1024 * 1024,
  };
  return `# generated by @botwot/local-servers on each start\n${Object.entries(props)
    .map(([k, v]) => `${k}=${v}`)
    .join("\n")}\n`;
}

function log4jConfig(level: "INFO" | "WARN"): string {
  return `log4j.rootLogger=${level}, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.org.apache.kafka.clients=WARN
log4j.logger.kafka.server.KafkaConfig=WARN
log4j.logger.org.apache.kafka.common.config.AbstractConfig=WARN
`;
}

/** A Kafka cluster id: 16 random bytes, base64url without padding (what `random-uuid` prints). */
function clusterId(): string {
  // Kafka's own Uuid.randomUuid never starts with '-', which the storage tool would read as an option.
  for (;;) {
    const id = randomBytes(16).toString("base64url");
    if (!id.startsWith("-")) return id;
  }
}

function javaCommand(): string {
  const home = process.env.JAVA_HOME;
  return home && fs.existsSync(path.join(home, "bin", "java")) ? path.join(home, "bin", "java") : "java";
}
