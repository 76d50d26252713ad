// Local Confluent-API schema registry: Apicurio Registry 2.4.2.Final (in-memory H2 storage),
// assembled from Maven Central artifacts and run as a plain JVM process (no Docker).
//
// Why this shape: Maven Central only carries Apicurio's plain application jar (no -runner.jar,
// no quarkus-app layout), so we run Quarkus augmentation ourselves with quarkus-maven-plugin over
// `io.apicurio:apicurio-registry-app`. The reachable Central mirror lacks modules of 2.5.x/2.6.x/3.x
// (e.g. apicurio-registry-schema-util-provider), so 2.4.2.Final is used, with two substitutions:
//  - org.everit.json.schema (jitpack-only) -> com.github.erosb:everit-json-schema:1.14.2 (same code on Central)
//  - apicurio-common-app-components-config-index 0.1.18.Final -> 0.1.10.Final (deployment jar of 0.1.18 missing)
// The built runner is cached under <root>/cache/apicurio-registry-2.4.2/, Maven's repo under <root>/cache/m2.
// Needs: Java 17 (JAVA_HOME, /usr/lib/jvm/java-17-openjdk-amd64, or `java` on PATH) and `mvn` on PATH.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { request } from 'node:http';
import { reapStale, startProcess } from './supervisor.js';

const APICURIO_VERSION = '2.4.2.Final';
const QUARKUS_VERSION = '2.16.4.Final';
const CCOMPAT_PATH = '/apis/ccompat/v7';

export interface SchemaRegistryOptions {
  root: string;
  /** Distinguishes instances (pidfile and log schema-registry-<name>), so two stacks in one checkout do not stop each other's. Default "dev". */
  name?: string;
  port?: number;
  log?: (line: string) => void;
  /** Unused: this registry keeps schemas in memory (H2) and needs no Kafka. Accepted for interface parity. */
  kafkaBrokers?: string[];
}

export interface SchemaRegistryHandle {
  url: string;
  stop(): Promise<void>;
}

const POM = `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.registry</groupId>
  <artifactId>apicurio-runner</artifactId>
  <version>1.0</version>
  <packaging>jar</packaging>
  <properties>
    <apicurio.version>${APICURIO_VERSION}</apicurio.version>
    <quarkus.version>${QUARKUS_VERSION}</quarkus.version>
    <maven.compiler.release>11</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <dependencyManagement>
    <dependencies>
      <dependency><groupId>io.apicurio</groupId><artifactId>apicurio-common-app-components-config-index</artifactId><version>0.1.10.Final</version></dependency>
      <dependency><groupId>io.apicurio</groupId><artifactId>apicurio-common-app-components-config-index-deployment</artifactId><version>0.1.10.Final</version></dependency>
      <dependency><groupId>io.quarkus</groupId><artifactId>quarkus-bom</artifactId><version>\${quarkus.version}</version><type>pom</type><scope>import</scope></dependency>
      <dependency><groupId>io.apicurio</groupId><artifactId>apicurio-registry</artifactId><version>\${apicurio.version}</version><type>pom</type><scope>import</scope></dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
    <dependency>
      <groupId>io.apicurio</groupId>
      <artifactId>apicurio-registry-app</artifactId>
      <version>\${apicurio.version}</version>
      <exclusions><exclusion><groupId>com.github.everit-org.json-schema</groupId><artifactId>org.everit.json.schema</artifactId></exclusion></exclusions>
    </dependency>
    <dependency><groupId>com.github.erosb</groupId><artifactId>everit-json-schema</artifactId><version>1.14.2</version></dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-dependency-plugin</artifactId>
        <version>3.6.1</version>
        <executions>
          <execution>
            <id>app-config</id>
            <phase>generate-resources</phase>
            <goals><goal>unpack</goal></goals>
            <configuration>
              <artifactItems>
                <artifactItem>
                  <groupId>io.apicurio</groupId><artifactId>apicurio-registry-app</artifactId><version>\${apicurio.version}</version>
                  <includes>application.properties</includes>
                  <outputDirectory>\${project.build.outputDirectory}</outputDirectory>
                </artifactItem>
              </artifactItems>
            </configuration>
          </execution>
        </executions>
      </plugin>
      <plugin>
        <groupId>io.quarkus</groupId>
        <artifactId>quarkus-maven-plugin</artifactId>
        <version>\${quarkus.version}</version>
        <executions>
          <execution>
            <goals><goal>build</goal></goals>
            <configuration>
              <properties>
                <quarkus.package.type>legacy-jar</quarkus.package.type>
                <quarkus.index-dependency.apicurioapp.group-id>io.apicurio</quarkus.index-dependency.apicurioapp.group-id>
                <quarkus.index-dependency.apicurioapp.artifact-id>apicurio-registry-app</quarkus.index-dependency.apicurioapp.artifact-id>
              </properties>
            </configuration>
          </execution>
        </executions>
      </plugin>
    </plugins>
  </build>
</project>
`;

// Some upstream poms declare non-Central repositories; route everything to Central.
const SETTINGS = `<settings>
  <mirrors>
    <mirror><id>central-only</id><mirrorOf>*</mirrorOf><url>https://repo.maven.apache.org/maven2</url></mirror>
  </mirrors>
</settings>
`;

function javaHome(): string | undefined {
  const candidates = [process.env.SCHEMA_REGISTRY_JAVA_HOME, '/usr/lib/jvm/java-17-openjdk-amd64', process.env.JAVA_HOME];
  for (const c of candidates) if (c && existsSync(join(c, 'bin', 'java'))) return c;
  return undefined;
}

function run(cmd: string, args: string[], cwd: string, logFd: number, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd, env, stdio: ['ignore', logFd, logFd] });
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${String(code)}`))));
  });
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => {
      req.destroy();
      resolve(0);
    });
    req.end();
  });
}


async function ensureBuilt(root: string, log: (line: string) => void, logFd: number, env: NodeJS.ProcessEnv): Promise<string> {
  const dir = join(root, 'cache', `apicurio-registry-${APICURIO_VERSION}`);
  const runner = join(dir, 'target', 'apicurio-runner-1.0-runner.jar');
  if (existsSync(runner)) return runner;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'pom.xml'), POM);
  writeFileSync(join(dir, 'settings.xml'), SETTINGS);
  log(`schema-registry: building Apicurio Registry ${APICURIO_VERSION} runner from Maven Central (first run only)`);
  await run(
    'mvn',
    ['-B', '-q', '-s', 'settings.xml', `-Dmaven.repo.local=${join(root, 'cache', 'm2')}`, 'package', '-DskipTests'],
    dir,
    logFd,
    env,
  );
  if (!existsSync(runner)) throw new Error(`schema-registry: build finished but ${runner} is missing`);
  return runner;
}

export async function startSchemaRegistry(opts: SchemaRegistryOptions): Promise<SchemaRegistryHandle> {
  const port = opts.port ?? 18081;
  const log = opts.log ?? ((): void => undefined);
  const root = resolve(opts.root);
  const name = `schema-registry-${opts.name ?? 'dev'}`;
  mkdirSync(join(root, 'logs'), { recursive: true });
  const buildLogFd = openSync(join(root, 'logs', 'schema-registry-build.log'), 'a');

  const jh = javaHome();
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (jh) env.JAVA_HOME = jh;
  const java = jh ? join(jh, 'bin', 'java') : 'java';

  // A registry left running by a crashed earlier start is stopped through its pidfile.
  await reapStale(root, name, log);
  let runner: string;
  try {
    runner = await ensureBuilt(root, log, buildLogFd, env);
  } finally {
    closeSync(buildLogFd);
  }
  const url = `http://127.0.0.1:${port}${CCOMPAT_PATH}`;
  if ((await httpStatus(`${url}/subjects`)) !== 0) throw new Error(`schema-registry: port ${port} already in use`);
  const proc = await startProcess({
    root,
    name,
    command: java,
    args: ['-Xmx256m', `-Dquarkus.http.port=${port}`, '-Dquarkus.http.host=127.0.0.1', '-jar', runner],
    env: jh ? { JAVA_HOME: jh } : {},
    cwd: join(root, 'cache'),
    ready: async () => (await httpStatus(`${url}/subjects`)) === 200,
    readyTimeoutMs: 120_000,
    log,
  });
  return { url, stop: () => proc.stop() };
}
