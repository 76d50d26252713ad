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
import path from 'node:path';
import { stopAll } from '@botwot/local-servers';
import { devToken, repoRoot, SERVICE_NAMES, startSystem, type RunningSystem } from '@botwot/launcher';
import { createKafka, jsonCodec, registryCodec } from '@botwot/shared/kafka';
import { createLogger } from '@botwot/shared/observability';
import { BENCH_ORG, BenchApi, slowedSeqsOf } from './bench-api.js';
import { waitForCaughtUp } from './consumer-lag.js';
import { startEventTap } from './event-tap.js';
import { endPoints, executionFigures } from './execution-figures.js';
import { hopBreakdown, timesOfWindow } from './hops.js';
import { runMeasuredLoad } from './measured-load.js';
import { describeOptions, parseBenchOptions, usage, type BenchOptions } from './options.js';
import { renderPlot } from './plot-svg.js';
import { cpuBetween, kernelUnits, startProcessSampler } from './process-sampler.js';
import { renderReport, type RunReport } from './report.js';
import { plotPathFor, writeResults } from './results-file.js';
import { runContext } from './run-context.js';
import { stackProcesses } from './stack-processes.js';
import { fillStore } from './store-fill.js';
import { perSecond } from './timeline.js';

const STACK = 'bench';
const repo = repoRoot();
const localRoot = path.join(repo, '.local');
const log = (line: string) => process.stdout.write(`${line}\n`);
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

/** One run on a started stack; false when it could not be made (nothing accepted). */
async function bench(o: BenchOptions, system: RunningSystem, cleanups: (() => Promise<unknown>)[]): Promise<boolean> {
  const context = runContext(repo);
  const units = kernelUnits();
  for (const s of [system.standIns.whatsapp, system.standIns.voice, system.standIns.crm, system.standIns.smtp]) s.setKnobs({ latencyMs: o.latencyMs });
  system.standIns.botcore.setKnobs({ latencyMs: o.latencyMs, slowShare: o.slowShare, slowMs: o.slowMs });

  const token = await devToken({ orgId: BENCH_ORG, userId: 'user-bench', secret: system.jwtSecret, issuer: system.jwtIssuer, audience: system.jwtAudience });
  const api = new BenchApi(system.gatewayUrl, token);
  cleanups.push(async () => api.close());
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
  const ownGroups = [tap.groupId];

  let storedBefore = await api.storedCount(workflow.id);
  let fill: RunReport['stack']['fill'];
  if (storedBefore < o.stored) {
    log(`filling the store: ${storedBefore.toLocaleString('en-US')} stored, ${o.stored.toLocaleString('en-US')} asked ...`);
    fill = await fillStore({ api, tap, workflowId: workflow.id, count: o.stored - storedBefore, firstSeq: storedBefore, log });
    log('waiting for every consumer group to catch up ...');
    await waitForCaughtUp(admin, ownGroups, 10 * 60_000);
    storedBefore = await api.storedCount(workflow.id);
  }
  log(`${storedBefore.toLocaleString('en-US')} executions stored`);
  const storedIds = storedBefore > 0 ? await api.recentExecutionIds(workflow.id) : [];

  const roots = [...stackProcesses(localRoot, STACK), { name: 'bench client + stand-ins', pid: process.pid, withChildren: false }];
  log(`watching processes: ${roots.map((r) => `${r.name} (${r.pid})`).join(', ')}`);
  const sampler = startProcessSampler({ roots, intervalMs: 1_000, pageBytes: units.pageBytes });
  cleanups.push(() => sampler.stop());

  log(`load: ${o.rate}/s for ${o.warmupS} s warm-up + ${o.durationS} s measured`);
  const services = [...system.services.values(), ...system.replicas].map((s) => ({ name: s.replica > 1 ? `${s.name}-${s.replica}` : s.name, opsUrl: s.opsUrl }));
  const run = await runMeasuredLoad({ ...o, api, workflowId: workflow.id, tap, admin, sampler, ownGroups, storedIds, services, log });

  log(`load over; waiting up to ${o.drainS} s for the executions still running ...`);
  await run.load.answered();
  const accepted = run.load.requests.flatMap((r) => (r.outcome?.kind === 'accepted' ? [r.outcome.executionId] : []));
  const left = await tap.waitFor(accepted, o.drainS * 1000, (n) => log(`  ${n} still running`));
  // the tap sees an ending before the log-sink's next cycle has written it: give the groups a moment to settle
  const lagAfterDrain = await waitForCaughtUp(admin, ownGroups, 15_000);
  await sampler.stop();

  const { requests, startMs } = run.load;
  const hops = await timesOfWindow(system.mongoUrl, requests, tap.ended, run.window).then(hopBreakdown, (error: unknown) => {
    log(`could not read the executions' recorded times: ${(error as Error).message}`);
    return [];
  });
  const executions = executionFigures({ requests, ended: tap.ended, window: run.window, slowedSeqs: o.slowShare > 0 ? slowedSeqsOf(system.standIns.botcore.slowRequests()) : undefined });
  const cpu = cpuBetween(run.cpuStart, run.cpuEnd, units.ticksPerSecond);
  const rss = sampler.maxRssBytes();
  const counts = sampler.processCounts();
  const serviceNames: readonly string[] = SERVICE_NAMES;
  const databases = roots.map((r) => r.name).filter((n) => !serviceNames.includes(n) && !/^kafka|^schema-registry|^bench /.test(n));
  const title = titleOf(o, storedBefore);
  const plot = plotPathFor(context.startedAt);
  const seconds = perSecond(startMs, requests.flatMap((r) => (r.sentAtMs === undefined ? [] : [r.sentAtMs])), endPoints(requests, tap.ended));

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
    lag: { atLoadEnd: run.lagAtLoadEnd, afterDrain: lagAfterDrain },
    commits: run.commits,
    hops,
    reads: { rate: o.readRate, figures: run.reads },
    clientLoopDelayMs: run.clientLoopDelayMs,
    tapInvalid: tap.invalid,
    plot,
  });
  log(`\n${report}`);
  if (executions.accepted === 0) {
    log('No execution was accepted in the measured window: the run could not be made; nothing appended.');
    return false;
  }
  const svg = renderPlot({ title, seconds, offeredRate: o.rate, window: { from: o.warmupS, to: o.warmupS + o.durationS } });
  const plotFile = writeResults({ out: o.out, report, plot, svg });
  log(`appended to ${shown(o.out)}; plot ${shown(plotFile)}${left.length ? `; ${left.length} executions never ended` : ''}`);
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
      // limits far above any offered rate: the benchmark measures the engine, not the org limiter (the largest values the gateway accepts)
      serviceEnv: { LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn', RATE_LIMIT_PER_SECOND: '100000', RATE_LIMIT_BURST: '1000000', RATE_LIMIT_READ_PER_SECOND: '100000', RATE_LIMIT_READ_BURST: '1000000', WAIT_LIMIT_PER_ORG: '100000' },
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
