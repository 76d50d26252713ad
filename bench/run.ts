/**
 * `npm run bench`: an open-loop benchmark of the whole system on this machine.
 *
 *   npm run bench -- --rate 100 --duration 60 --latency 20 --slow-share 0.02 --slow-ms 5000 --stored 100000 --reuse
 *
 * Starts the real local stack (stack name `bench`) through the launcher, creates the four-step workflow
 * (whatsapp trigger → conversational agent → sentiment → send_whatsapp), optionally fills the store,
 * and sends executions at a fixed rate through `POST /workFlow/:id/execute` for a warm-up and a measured
 * window. When executions end is read from the `workflow.execution.events` topic. It reports throughput,
 * end-to-end latency, CPU and RSS per process, consumer lag and read latency under load; appends the
 * report to bench/results.md with a plot in bench/plots/, and prints it. `--help` lists the options.
 */
import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { stopAll } from '@botwot/infra';
import { devToken, repoRoot, SERVICE_NAMES, startSystem, type RunningSystem } from '@botwot/launcher';
import { createKafka, jsonCodec, registryCodec } from '@botwot/shared/kafka';
import { createLogger } from '@botwot/shared/observability';
import { BENCH_ORG, BenchApi, tagOfText } from './bench-api.js';
import { consumerLag, waitForCaughtUp } from './consumer-lag.js';
import { startEventTap } from './event-tap.js';
import { endPoints, executionFigures } from './execution-figures.js';
import { runOpenLoop } from './load-generator.js';
import { describeOptions, parseBenchOptions, usage, type BenchOptions } from './options.js';
import { renderPlot } from './plot-svg.js';
import { cpuBetween, kernelUnits, startProcessSampler } from './process-sampler.js';
import { startReadSampler } from './read-sampler.js';
import { renderReport, RESULTS_HEADER, type RunReport } from './report.js';
import { runContext } from './run-context.js';
import { stackProcesses } from './stack-processes.js';
import { fillStore } from './store-fill.js';
import { perSecond } from './timeline.js';

const STACK = 'bench';
const EXECUTE_TIMEOUT_MS = 30_000;
const READ_TIMEOUT_MS = 30_000;
const repo = repoRoot();
const localRoot = path.join(repo, '.local');
const log = (line: string) => process.stdout.write(`${line}\n`);
const sleepUntil = (atMs: number) => new Promise((r) => setTimeout(r, Math.max(0, atMs - Date.now())));
/** a path as the user would type it from here: relative below the working directory, else absolute */
const shown = (p: string) => (path.relative(process.cwd(), p).startsWith('..') ? p : path.relative(process.cwd(), p));

function titleOf(o: BenchOptions, stored: number): string {
  return [
    `${o.rate}/s offered for ${o.durationS} s`,
    `stand-ins ${o.latencyMs} ms`,
    ...(o.slowShare > 0 ? [`${+(o.slowShare * 100).toFixed(2)}% of BotCore calls +${o.slowMs} ms`] : []),
    `${stored.toLocaleString('en-US')} stored`,
  ].join(', ');
}

/** Sequence numbers of the load's executions that had a BotCore call the slow knob delayed. */
function slowedSeqs(system: RunningSystem): Set<number> {
  const seqs = new Set<number>();
  for (const r of system.standIns.botcore.slowRequests()) {
    const body = r.body as { question?: unknown; text?: unknown } | undefined;
    const tag = tagOfText(body?.question) ?? tagOfText(body?.text);
    if (tag?.startsWith('load-')) seqs.add(Number(tag.slice('load-'.length)));
  }
  return seqs;
}

async function bench(o: BenchOptions, system: RunningSystem, cleanups: (() => Promise<unknown>)[]): Promise<boolean> {
  const context = runContext(repo);
  const units = kernelUnits();
  for (const s of [system.standIns.whatsapp, system.standIns.voice, system.standIns.crm]) s.setKnobs({ latencyMs: o.latencyMs });
  system.standIns.smtp.setKnobs({ latencyMs: o.latencyMs });
  system.standIns.botcore.setKnobs({ latencyMs: o.latencyMs, slowShare: o.slowShare, slowMs: o.slowMs });

  const token = await devToken({ orgId: BENCH_ORG, userId: 'user-bench', secret: system.jwtSecret, issuer: system.jwtIssuer, audience: system.jwtAudience });
  const api = new BenchApi(system.gatewayUrl, token);
  const workflow = await api.benchWorkflow(o.reuse);
  log(`workflow ${workflow.id}${workflow.reused ? ' (from an earlier run)' : ''}`);

  const kafka = createKafka({ brokers: system.kafkaBrokers, clientId: 'bench', logger: createLogger('bench', 'error') });
  const admin = kafka.admin();
  await admin.connect();
  cleanups.push(() => admin.disconnect());
  const codec = system.schemaRegistryUrl ? registryCodec(system.schemaRegistryUrl) : jsonCodec();
  const tap = await startEventTap({ kafka, admin, codec, groupId: `bench-tap-${process.pid}-${Date.now()}` });
  cleanups.push(async () => {
    await tap.stop();
    await admin.deleteGroups([tap.groupId]).catch(() => undefined);
  });
  const mine = [tap.groupId];

  let storedBefore = await api.storedCount(workflow.id);
  let fill: RunReport['stack']['fill'];
  if (storedBefore < o.stored) {
    log(`filling the store: ${storedBefore.toLocaleString('en-US')} stored, ${o.stored.toLocaleString('en-US')} asked ...`);
    fill = await fillStore({ api, tap, workflowId: workflow.id, count: o.stored - storedBefore, firstSeq: storedBefore, log });
    log('waiting for every consumer group to catch up ...');
    await waitForCaughtUp(admin, mine, 10 * 60_000);
    storedBefore = await api.storedCount(workflow.id);
  }
  log(`${storedBefore.toLocaleString('en-US')} executions stored`);
  // what the reads of one execution pick from until executions of this run have ended
  const storedIds = storedBefore > 0 ? await api.recentExecutionIds(workflow.id) : [];

  const roots = [...stackProcesses(localRoot, STACK), { name: 'bench client + stand-ins', pid: process.pid, withChildren: false }];
  log(`watching processes: ${roots.map((r) => `${r.name} (${r.pid})`).join(', ')}`);
  const sampler = startProcessSampler({ roots, intervalMs: 1_000, pageBytes: units.pageBytes });
  cleanups.push(() => sampler.stop());
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });

  log(`load: ${o.rate}/s for ${o.warmupS} s warm-up + ${o.durationS} s measured`);
  const load = runOpenLoop({ rate: o.rate, durationS: o.warmupS + o.durationS, maxOutstanding: o.maxOutstanding, send: (seq) => api.execute(workflow.id, `load-${seq}`, EXECUTE_TIMEOUT_MS) });
  const progress = setInterval(() => {
    const c = load.counts();
    log(`  ${((Date.now() - load.startMs) / 1000).toFixed(0)} s: ${c.sent} sent, ${c.accepted} accepted, ${c.refused} refused, ${c.errors} errors, ${c.skipped} skipped, ${c.outstanding} unanswered; ${tap.ended.size} ended`);
  }, 5_000);
  cleanups.push(async () => clearInterval(progress));

  const window = { fromMs: load.startMs + o.warmupS * 1000, toMs: load.startMs + (o.warmupS + o.durationS) * 1000 };
  await sleepUntil(window.fromMs);
  const cpuStart = await sampler.snapshot();
  loopDelay.enable();
  const recentId = () => {
    const ended = tap.recent(500);
    const ids = ended.length > 0 ? ended : storedIds;
    return ids[Math.floor(Math.random() * ids.length)];
  };
  const reads = startReadSampler({
    rate: o.readRate,
    endpoints: [
      {
        name: '`GET /workFlow/execution/:id` (a recent one)',
        read: () => {
          const id = recentId();
          return id ? api.timedGet(`/workFlow/execution/${id}`, READ_TIMEOUT_MS) : undefined;
        },
      },
      { name: '`GET /workFlow/:id/executions?status=completed&page=1&limit=20`', read: () => api.timedGet(`/workFlow/${workflow.id}/executions?status=completed&page=1&limit=20`, READ_TIMEOUT_MS) },
    ],
  });
  await load.scheduleDone;
  await sleepUntil(window.toMs);
  const cpuEnd = await sampler.snapshot();
  loopDelay.disable();
  const lagAtLoadEnd = await consumerLag(admin, mine);
  const readFigures = await reads.stop();

  log(`load over; waiting up to ${o.drainS} s for the executions still running ...`);
  await load.answered();
  clearInterval(progress);
  const accepted = load.requests.flatMap((r) => (r.outcome?.kind === 'accepted' ? [r.outcome.executionId] : []));
  const left = await tap.waitFor(accepted, o.drainS * 1000, (n) => log(`  ${n} still running`));
  const lagAfterDrain = await consumerLag(admin, mine);
  await sampler.stop();

  const executions = executionFigures({ requests: load.requests, ended: tap.ended, window, slowedSeqs: o.slowShare > 0 ? slowedSeqs(system) : undefined });
  const cpu = cpuBetween(cpuStart, cpuEnd, units.ticksPerSecond);
  const rss = sampler.maxRssBytes();
  const counts = sampler.processCounts();
  const serviceNames: readonly string[] = SERVICE_NAMES;
  const databases = roots.map((r) => r.name).filter((n) => !serviceNames.includes(n) && !/^kafka|^schema-registry|^bench /.test(n));

  const outDir = path.dirname(o.out);
  const plotName = `plots/${context.startedAt.replace(/[:.]/g, '-')}.svg`;
  const title = titleOf(o, storedBefore);
  const seconds = perSecond(load.startMs, load.requests.flatMap((r) => (r.sentAtMs === undefined ? [] : [r.sentAtMs])), endPoints(load.requests, tap.ended));
  fs.mkdirSync(path.join(outDir, 'plots'), { recursive: true });
  fs.writeFileSync(path.join(outDir, plotName), renderPlot({ title, seconds, offeredRate: o.rate, window: { from: o.warmupS, to: o.warmupS + o.durationS } }));

  const report = renderReport({
    context,
    title,
    optionsLine: describeOptions(o),
    stack: { registry: Boolean(system.schemaRegistryUrl), database: databases.length ? databases.join(' + ') : 'external (MONGO_URL)', storedBefore, ...(fill ? { fill } : {}) },
    executions,
    maxOutstanding: o.maxOutstanding,
    drainS: o.drainS,
    cpu: {
      windowSeconds: cpu.seconds,
      rows: roots.map((r) => ({ name: r.name, cpuMs: cpu.cpuMs.get(r.name) ?? 0, maxRssBytes: rss.get(r.name) ?? 0, processes: counts.get(r.name) ?? 0 })),
      machineBusyMs: cpu.machineBusyMs,
      machineTotalMs: cpu.machineTotalMs,
    },
    lag: { atLoadEnd: lagAtLoadEnd, afterDrain: lagAfterDrain },
    reads: { rate: o.readRate, figures: readFigures },
    clientLoopDelayMs: { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
    tapInvalid: tap.invalid,
    plot: plotName,
  });
  log(`\n${report}`);
  if (executions.accepted === 0) {
    log('No execution was accepted in the measured window: the run could not be made; nothing appended.');
    return false;
  }
  if (!fs.existsSync(o.out)) fs.writeFileSync(o.out, `${RESULTS_HEADER}\n`);
  fs.appendFileSync(o.out, `\n${report}`);
  log(`appended to ${shown(o.out)}; plot ${shown(path.join(outDir, plotName))}${left.length ? `; ${left.length} executions never ended` : ''}`);
  return true;
}

async function main(): Promise<number> {
  let o: ReturnType<typeof parseBenchOptions>;
  try {
    o = parseBenchOptions(process.argv.slice(2), repo);
  } catch (e) {
    log(`${(e as Error).message}\n\n${usage()}`);
    return 2;
  }
  if (o === 'help') {
    log(usage());
    return 0;
  }
  log(`bench: ${describeOptions(o)} --out ${shown(o.out)}`);

  const cleanups: (() => Promise<unknown>)[] = [];
  let system: RunningSystem | undefined;
  process.once('SIGINT', () => {
    log('\ninterrupted: stopping the stack ...');
    void (system ? system.stop() : stopAll()).finally(() => process.exit(130));
  });
  try {
    log(`starting the stack "${STACK}"${o.reuse ? ' with the data of the last run' : ', fresh'} ...`);
    system = await startSystem({
      repo,
      root: localRoot,
      name: STACK,
      fresh: !o.reuse,
      ports: { standIns: 'free' },
      schemaRegistry: o.registry,
      // the one place the benchmark reads the environment: KAFKA_BROKERS, MONGO_URL, ... replace local servers, as for npm start
      env: process.env,
      serviceEnv: { LOG_LEVEL: 'warn', RATE_LIMIT_PER_SECOND: '1000000', RATE_LIMIT_BURST: '1000000' },
      log: (line) => log(`  ${line}`),
    });
    return (await bench(o, system, cleanups)) ? 0 : 1;
  } catch (e) {
    log(`bench failed: ${(e as Error).stack ?? String(e)}`);
    return 1;
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    log('stopping the stack ...');
    await system?.stop();
  }
}

process.exit(await main());
