/**
 * Throughput and latency benchmark of the whole system on this machine.
 *
 *   npm run bench -- --executions 3000 --concurrency 100 --latency 20
 *
 * Starts the real local stack (Kafka, FerretDB, schema registry, stand-ins, six services) with fresh
 * data, creates a four-step workflow (whatsapp trigger → conversational agent → sentiment → send_whatsapp),
 * fires executions through the REST API with bounded concurrency, waits until every one has ended,
 * and prints: accepted requests/s, completed executions/s, end-to-end latency percentiles (from
 * the execution's startedAt to completedAt as recorded in Mongo), and each service's memory (RSS).
 * Appends the figures to bench/results.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { devToken, repoRoot, startSystem } from '@botwot/launcher';

const { values } = parseArgs({
  options: {
    executions: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '64' },
    latency: { type: 'string', default: '20' },
  },
});
const total = Number(values.executions);
const concurrency = Number(values.concurrency);
const latencyMs = Number(values.latency);
const repo = repoRoot();
const log = (line: string) => process.stdout.write(`${line}\n`);

const system = await startSystem({
  repo,
  root: path.join(repo, '.local'),
  name: 'bench',
  fresh: true,
  ports: { standIns: 'free' },
  schemaRegistry: process.env.SCHEMA_REGISTRY !== 'off',
  env: process.env,
  serviceEnv: { LOG_LEVEL: 'warn', RATE_LIMIT_PER_SECOND: '100000', RATE_LIMIT_BURST: '100000' },
  log: () => undefined,
});
try {
  system.standIns.botcore.setKnobs({ latencyMs });
  system.standIns.whatsapp.setKnobs({ latencyMs });
  const token = await devToken({ orgId: 'org-bench', secret: system.jwtSecret });
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const created = (await (
    await fetch(`${system.gatewayUrl}/workFlow`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        name: 'bench',
        steps: [
          { stepId: 't', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'agent' },
          { stepId: 'agent', stepType: 'agent', config: { agentType: 'conversational' }, nextStepId: 'mood' },
          { stepId: 'mood', stepType: 'utility', config: { utilityType: 'sentiment', inputText: '{{message_text}}' }, nextStepId: 'reply' },
          { stepId: 'reply', stepType: 'action', config: { actionType: 'send_whatsapp', messageTemplate: '{{agent_response}} ({{sentiment}})' } },
        ],
      }),
    })
  ).json()) as { id: string };

  // warm-up: connections, caches, transactional producers
  for (let i = 0; i < 20; i++) {
    await fetch(`${system.gatewayUrl}/workFlow/${created.id}/execute?wait=10`, { method: 'POST', headers, body: JSON.stringify({ triggerData: { phone_number: '+1555', message_text: 'warm up' } }) });
  }

  const ids: string[] = [];
  let failures = 0;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const res = await fetch(`${system.gatewayUrl}/workFlow/${created.id}/execute`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ triggerData: { phone_number: `+1555${i}`, message_text: i % 2 ? 'I love it' : 'this is bad' } }),
        });
        if (res.status === 202) ids.push(((await res.json()) as { executionId: string }).executionId);
        else failures++;
      }
    }),
  );
  const acceptSeconds = (performance.now() - t0) / 1000;

  const mongo = new MongoClient(system.mongoUrl);
  const executions = mongo.db().collection('workflow_executions');
  let ended = 0;
  let lastReport = 0;
  while (ended < ids.length) {
    ended = await executions.countDocuments({ orgId: 'org-bench', status: { $ne: 'running' } });
    if (performance.now() - lastReport > 5_000) {
      lastReport = performance.now();
      log(`  ${ended}/${ids.length} ended after ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
    // FerretDB answers this count by scanning the collection: poll gently so the benchmark does not measure itself
    if (ended < ids.length) await new Promise((r) => setTimeout(r, 2_000));
    if ((performance.now() - t0) / 1000 > 900) throw new Error(`only ${ended}/${ids.length} ended after 15 min`);
  }
  const allSeconds = (performance.now() - t0) / 1000;
  const rows = await executions.find({ _id: { $in: ids as never[] } }).project({ status: 1, totalDuration: 1, error: 1 }).toArray();
  await mongo.close();
  const durations = rows.map((r) => Number(r.totalDuration)).filter(Number.isFinite).sort((a, b) => a - b);
  const failureReasons = new Map<string, number>();
  for (const r of rows) if (r.status === 'failed') failureReasons.set(`${r.error?.code}: ${String(r.error?.message).slice(0, 120)}`, (failureReasons.get(`${r.error?.code}: ${String(r.error?.message).slice(0, 120)}`) ?? 0) + 1);
  const pct = (p: number) => durations[Math.min(durations.length - 1, Math.floor((p / 100) * durations.length))] ?? NaN;
  const completed = rows.filter((r) => r.status === 'completed').length;

  const rss: Record<string, number> = {};
  for (const [name, svc] of system.services) {
    const status = fs.readFileSync(`/proc/${svc.process.pid}/status`, 'utf8');
    rss[name] = Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
  }
  const javaRss = (pid: number | undefined) => (pid ? Math.round(Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024) : 0);

  const lines = [
    `## ${new Date().toISOString()} — ${total} executions, concurrency ${concurrency}, stand-in latency ${latencyMs} ms, registry ${system.schemaRegistryUrl ? 'on' : 'off'}`,
    '',
    `- machine: ${(await import('node:os')).cpus().length} cores, Node ${process.version}; everything (Kafka, FerretDB, registry, stand-ins, six services, this client) on the same machine`,
    `- accepted: ${ids.length} (202), refused: ${failures}; ${(ids.length / acceptSeconds).toFixed(0)} requests/s over ${acceptSeconds.toFixed(1)} s`,
    `- ended: ${rows.length} (${completed} completed, ${rows.length - completed} failed) in ${allSeconds.toFixed(1)} s: ${(rows.length / allSeconds).toFixed(0)} executions/s, ${((rows.length / allSeconds) * 60).toFixed(0)} per minute (4 steps each)`,
    `- end-to-end latency (startedAt → completedAt): p50 ${pct(50)} ms, p95 ${pct(95)} ms, p99 ${pct(99)} ms, max ${durations[durations.length - 1]} ms`,
    ...[...failureReasons].map(([reason, n]) => `- failed ×${n}: ${reason}`),
    `- RSS after the run (MiB): ${Object.entries(rss).map(([n, v]) => `${n} ${v}`).join(', ')}; kafka ${javaRss(system.kafka?.pid)}, ferretdb ${javaRss(system.mongo?.pid)}`,
    '',
  ];
  log(lines.join('\n'));
  fs.appendFileSync(path.join(repo, 'bench', 'results.md'), `${lines.join('\n')}\n`);
} finally {
  await system.stop();
}
