#!/usr/bin/env node
// The two entry points a new machine needs: `npm start` and `npm test`.
// Plain Node with no dependencies, because it runs before anything is installed:
// it checks the toolchain, installs packages when missing or stale, builds, then hands over.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runForwardingSignals } from './hand-over.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const command = process.argv[2];
const rest = process.argv.slice(3);
const say = (line) => process.stdout.write(`[botwot] ${line}\n`);

function run(cmd, args, opts = {}) {
  const result = spawnSync(cmd, args, { cwd: repo, stdio: 'inherit', env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', ...opts.env } });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function need(tool, args, hint) {
  const r = spawnSync(tool, args, { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    say(`missing ${tool}: ${hint}`);
    process.exit(1);
  }
}

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  say(`Node ${process.versions.node} is too old: Node 20.19 or newer is needed`);
  process.exit(1);
}
if (!process.env.KAFKA_BROKERS || (!process.env.SCHEMA_REGISTRY_URL && process.env.SCHEMA_REGISTRY !== 'off')) {
  need('java', ['-version'], 'Java 17+ runs the local Kafka broker and schema registry');
  need('mvn', ['-v'], 'Maven fetches the Kafka and schema-registry jars from Maven Central');
}
if (!process.env.MONGO_URL) need('go', ['version'], 'Go builds FerretDB, the local MongoDB-wire server');

// Debian packages the tests use: Chromium for the browser tests (console, /docs; playwright-core
// downloads no browser), required; and promtool (in `prometheus`) for the alert rules' test suite,
// which is skipped, with a notice here, when it cannot be installed.
const CHROMIUM = '/usr/bin/chromium';
const PROMTOOL = '/usr/bin/promtool';
function aptInstall(pkg) {
  const apt = { env: { DEBIAN_FRONTEND: 'noninteractive' } };
  const install = () => run('apt-get', ['install', '-y', '--no-install-recommends', pkg], apt);
  return install() === 0 || (run('apt-get', ['update'], apt) === 0 && install() === 0);
}
if (command === 'test') {
  const root = process.getuid?.() === 0;
  if (!process.env.CHROMIUM_PATH && !fs.existsSync(CHROMIUM)) {
    if (!root) {
      say(`missing ${CHROMIUM}: the browser tests need Debian's chromium; run: sudo apt-get install -y --no-install-recommends chromium`);
      process.exit(1);
    }
    say('installing chromium for the browser tests (apt-get; once, about a minute) ...');
    if (!aptInstall('chromium') || !fs.existsSync(CHROMIUM)) {
      say('could not install chromium with apt-get');
      process.exit(1);
    }
  }
  if (!process.env.PROMTOOL_PATH && !fs.existsSync(PROMTOOL)) {
    if (root) say('installing prometheus for promtool, which tests the alert rules (apt-get; once) ...');
    if (!root || !aptInstall('prometheus') || !fs.existsSync(PROMTOOL)) {
      say('promtool is not available: the alert rules\' promtool tests will be skipped (apt-get install prometheus)');
    }
  }
}

// Install when node_modules is missing or older than the lock file.
const lock = path.join(repo, 'package-lock.json');
const installed = path.join(repo, 'node_modules', '.package-lock.json');
const stale = !fs.existsSync(installed) || fs.statSync(installed).mtimeMs < fs.statSync(lock).mtimeMs;
if (stale) {
  say('installing npm packages (npm ci) ...');
  if (run('npm', ['ci', '--no-audit', '--no-fund']) !== 0) process.exit(1);
}

say('building (TypeScript, via turbo) ...');
if (run('npx', ['turbo', 'run', 'build', '--output-logs=errors-only']) !== 0) process.exit(1);

// The hand-over keeps this process as the parent and passes it the signals that stop it.
const handOver = async (script) => process.exit(await runForwardingSignals(process.execPath, [...script, ...rest], { cwd: repo }));
if (command === 'start') {
  await handOver(['--enable-source-maps', 'launcher/dist/start.js']);
} else if (command === 'test') {
  await handOver(['scripts/run-tests.mjs']);
} else {
  say(`unknown command ${command}; use start or test`);
  process.exit(2);
}
