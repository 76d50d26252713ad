/**
 * Storage comparison: the engine's hot reads and its bulk inserts on FerretDB 1.24 over SQLite,
 * over PostgreSQL without the lookup indexes, and over PostgreSQL with them (the default).
 *
 *   npx tsx bench/storage-compare.ts [--sizes 1000,100000] [--backends sqlite,pg,pg-gin] [--budget-ms 30000]
 *
 * For each backend it starts fresh local servers (nothing else of the stack), grows the store to
 * each size (executions with 5 step logs each, 20 orgs, 10 workflows per org), and measures:
 * p50/p99 of each hot read (sequential, random rows), insert throughput (insertMany of 500
 * execution logs, unordered), and the CPU the database processes used (/proc: FerretDB, and
 * postgres with all its backends). With pg-gin it also measures reads while inserts run, with the
 * GIN indexes' fastupdate off and on. Prints markdown; docs/storage.md has the figures.
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MongoClient, type Db } from 'mongodb';
import pg from 'pg';
import { ensureLookupIndexes, freePort, startFerretDb, startPostgres, type ManagedProcess } from '@botwot/local-servers';
import { repoRoot } from '@botwot/launcher';
import { LOOKUP_INDEXES } from '@botwot/shared/db';
import { analyze, claimIdOf, executionIdOf, logDocs, orgIdOf, placeOf, seedStorage, workflowIdOf, type StorageShape } from '../tests/src/storage-data.js';
import { cpuMsOfTree } from './storage-cpu.js';

type Backend = 'sqlite' | 'pg' | 'pg-gin';
const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,100000' },
    backends: { type: 'string', default: 'sqlite,pg,pg-gin' },
    'budget-ms': { type: 'string', default: '30000' },
    samples: { type: 'string', default: '200' },
    'concurrent-seconds': { type: 'string', default: '20' },
  },
});
const sizes = values.sizes.split(',').map(Number);
const backends = values.backends.split(',') as Backend[];
const budgetMs = Number(values['budget-ms']);
const maxSamples = Number(values.samples);
const concurrentMs = Number(values['concurrent-seconds']) * 1000;
const root = path.join(repoRoot(), '.local');
const DATABASE = 'botwot';
const say = (line: string) => process.stdout.write(`${line}\n`);
const quiet = () => undefined;

const shape = (executions: number): StorageShape => ({ prefix: 'bench', orgs: 20, workflowsPerOrg: 10, executions, logsPerExecution: 5 });

/** The hot reads, as the services issue them; `i` picks a random stored execution. */
const READS: Record<string, (db: Db, s: StorageShape, i: number) => Promise<unknown>> = {
  'execution {_id, orgId}': (db, s, i) => db.collection('workflow_executions').findOne({ _id: executionIdOf(s, i) as never, orgId: orgIdOf(s, placeOf(s, i).org) }),
  'its logs {executionId, orgId} by stepOrder': (db, s, i) =>
    db.collection('execution_logs').find({ executionId: executionIdOf(s, i), orgId: orgIdOf(s, placeOf(s, i).org) }).sort({ stepOrder: 1 }).toArray(),
  'workflow {_id, orgId}': (db, s, i) => {
    const { org, wf } = placeOf(s, i);
    return db.collection('workflows').findOne({ _id: workflowIdOf(s, org, wf) as never, orgId: orgIdOf(s, org) });
  },
  "version's steps {workflowId, version}": (db, s, i) => {
    const { org, wf } = placeOf(s, i);
    return db.collection('workflowsteps').find({ workflowId: workflowIdOf(s, org, wf), version: 2 }).sort({ position: 1 }).toArray();
  },
  'claim {_id}': (db, s, i) => db.collection('orchestrator_claims').findOne({ _id: claimIdOf(s, i) as never }),
  'sweep {status: running, deadlineAt < now}': (db) => db.collection('workflow_executions').find({ status: 'running', deadlineAt: { $lt: new Date() } }).limit(100).toArray(),
  'list page {orgId, workflowId, status} + count': (db, s, i) => {
    const { org, wf } = placeOf(s, i);
    const filter = { orgId: orgIdOf(s, org), workflowId: workflowIdOf(s, org, wf), status: 'completed' };
    const c = db.collection('workflow_executions');
    return Promise.all([c.find(filter).sort({ startedAt: -1, _id: 1 }).limit(20).toArray(), c.countDocuments(filter)]);
  },
};

interface Servers {
  mongoUrl: string;
  postgresUrl?: string;
  /** the server processes whose CPU, with their descendants', counts as the database's */
  pids: () => number[];
  stop(): Promise<void>;
}

async function startServers(backend: Backend): Promise<Servers> {
  const started: ManagedProcess[] = [];
  const name = `bench-${backend}`;
  const postgres = backend === 'sqlite' ? undefined : await startPostgres({ root, name, port: await freePort(), fresh: true, log: quiet });
  if (postgres) started.push(postgres);
  const ferret = await startFerretDb({
    root,
    name,
    port: await freePort(),
    fresh: true,
    log: quiet,
    backend: postgres ? { handler: 'postgresql', postgresqlUrl: postgres.url } : { handler: 'sqlite' },
  });
  started.push(ferret);
  if (backend === 'pg-gin') await ensureLookupIndexes({ postgresUrl: postgres!.url, mongoUrl: ferret.url, database: DATABASE, spec: LOOKUP_INDEXES, log: quiet });
  return {
    mongoUrl: `${ferret.url}${DATABASE}`,
    ...(postgres ? { postgresUrl: postgres.url } : {}),
    pids: () => started.flatMap((p) => (p.pid ? [p.pid] : [])),
    stop: async () => {
      for (const p of started.reverse()) await p.stop();
    },
  };
}

const cpuOf = (servers: Servers) => servers.pids().reduce((sum, pid) => sum + cpuMsOfTree(pid), 0);
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

/** Samples one read on random rows until `maxSamples` or the time budget (at least 3 samples). */
async function measureRead(db: Db, s: StorageShape, name: string, servers: Servers) {
  const read = READS[name]!;
  for (let k = 0; k < 2; k++) await read(db, s, Math.floor(Math.random() * s.executions)); // warm-up
  const times: number[] = [];
  const cpu0 = cpuOf(servers);
  const until = Date.now() + budgetMs;
  while (times.length < 3 || (times.length < maxSamples && Date.now() < until)) {
    const i = Math.floor(Math.random() * s.executions);
    const t = performance.now();
    const result = await read(db, s, i);
    times.push(performance.now() - t);
    const empty = result === null || (Array.isArray(result) && result.length === 0);
    if (empty && !name.startsWith('sweep')) throw new Error(`${name} found nothing for execution ${i}`);
  }
  times.sort((a, b) => a - b);
  return { samples: times.length, p50: pct(times, 50), p99: pct(times, 99), cpuPerRead: (cpuOf(servers) - cpu0) / times.length };
}

/** insertMany of 500 execution-log rows, unordered, `batches` times, for executions outside the seeded range. */
async function measureInserts(db: Db, s: StorageShape, servers: Servers, batches = 20) {
  const extra: StorageShape = { ...s, prefix: `bench-insert-${s.executions}` };
  const cpu0 = cpuOf(servers);
  const t = performance.now();
  for (let b = 0; b < batches; b++) {
    const docs = Array.from({ length: 100 }, (_, k) => logDocs(extra, b * 100 + k)).flat();
    await db.collection('execution_logs').insertMany(docs as never[], { ordered: false });
  }
  const seconds = (performance.now() - t) / 1000;
  return { docsPerSecond: (batches * 500) / seconds, cpuPer1000: (cpuOf(servers) - cpu0) / (batches * 500 / 1000) };
}

/** Reads of one execution's logs while another client inserts log batches without pause. */
async function readsWhileInserting(db: Db, s: StorageShape) {
  let stop = false;
  let inserted = 0;
  const writer = (async () => {
    const extra: StorageShape = { ...s, prefix: `bench-concurrent-${Date.now()}` };
    for (let b = 0; !stop; b++) {
      await db.collection('execution_logs').insertMany(Array.from({ length: 100 }, (_, k) => logDocs(extra, b * 100 + k)).flat() as never[], { ordered: false });
      inserted += 500;
    }
  })();
  const times: number[] = [];
  const started = Date.now();
  while (Date.now() - started < concurrentMs) {
    const t = performance.now();
    await READS['its logs {executionId, orgId} by stepOrder']!(db, s, Math.floor(Math.random() * s.executions));
    times.push(performance.now() - t);
  }
  stop = true;
  await writer;
  times.sort((a, b) => a - b);
  return { p50: pct(times, 50), p99: pct(times, 99), reads: times.length, insertsPerSecond: inserted / ((Date.now() - started) / 1000) };
}

async function setFastUpdate(postgresUrl: string, on: boolean): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND indexname LIKE 'execution\\_logs%\\_gin'`, [DATABASE]);
    for (const { indexname } of rows) {
      await client.query(`ALTER INDEX ${pg.escapeIdentifier(DATABASE)}.${pg.escapeIdentifier(indexname)} SET (fastupdate = ${on ? 'on' : 'off'})`);
      if (!on) await client.query('SELECT gin_clean_pending_list($1::regclass)', [`${DATABASE}."${indexname}"`]);
    }
  } finally {
    await client.end();
  }
}

/** The PostgreSQL scan nodes of each hot read's plan, from FerretDB's explain. */
async function planSummary(db: Db, s: StorageShape): Promise<Record<string, string>> {
  const i = Math.floor(s.executions / 2);
  const { org, wf } = placeOf(s, i);
  const finds: Record<string, [string, Record<string, unknown>]> = {
    'execution {_id, orgId}': ['workflow_executions', { _id: executionIdOf(s, i), orgId: orgIdOf(s, org) }],
    'its logs {executionId, orgId} by stepOrder': ['execution_logs', { executionId: executionIdOf(s, i), orgId: orgIdOf(s, org) }],
    'list page {orgId, workflowId, status} + count': ['workflow_executions', { orgId: orgIdOf(s, org), workflowId: workflowIdOf(s, org, wf), status: 'completed' }],
  };
  const out: Record<string, string> = {};
  for (const [name, [collection, filter]] of Object.entries(finds)) {
    const explained = await db.collection(collection).find(filter).explain('queryPlanner');
    const nodes: string[] = [];
    const walk = (n: { 'Node Type'?: string; 'Index Name'?: string; Plans?: unknown[] } | undefined) => {
      if (!n) return;
      if (n['Node Type']) nodes.push(`${n['Node Type']}${n['Index Name'] ? ` (${n['Index Name']})` : ''}`);
      for (const c of n.Plans ?? []) walk(c as typeof n);
    };
    const planner = explained.queryPlanner as { Plan?: unknown } | { Plan?: unknown }[];
    walk((Array.isArray(planner) ? planner[0]?.Plan : planner?.Plan) as never);
    out[name] = nodes.length ? nodes.join(' > ') : `filterPushdown ${String(explained.filterPushdown)}`;
  }
  return out;
}

async function main(): Promise<void> {
  say(`# storage-compare ${new Date().toISOString()}: ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  for (const backend of backends) {
    const servers = await startServers(backend);
    const client = new MongoClient(servers.mongoUrl, { serverSelectionTimeoutMS: 10_000 });
    const db = client.db();
    try {
      let stored = 0;
      for (const size of sizes) {
        const s = shape(size);
        const t = performance.now();
        const cpu0 = cpuOf(servers);
        await seedStorage(db, s, (line) => say(`  ${backend}: ${line}`), stored);
        const seedDocs = (size - stored) * (2 + s.logsPerExecution);
        say(`\n## ${backend}, ${size} executions (seeded ${seedDocs} rows at ${(seedDocs / ((performance.now() - t) / 1000)).toFixed(0)}/s, db CPU ${((cpuOf(servers) - cpu0) / (seedDocs / 1000)).toFixed(0)} ms per 1000 rows; load ${os.loadavg()[0]!.toFixed(2)})`);
        stored = size;
        if (servers.postgresUrl) await analyze(servers.postgresUrl); // what autovacuum does in a store that has been running a while
        say('| read | samples | p50 ms | p99 ms | db CPU ms/read |\n|---|---|---|---|---|');
        for (const name of Object.keys(READS)) {
          const r = await measureRead(db, s, name, servers);
          say(`| ${name} | ${r.samples} | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.cpuPerRead)} |`);
        }
        const ins = await measureInserts(db, s, servers);
        say(`inserts (insertMany 500 log rows, unordered): ${ins.docsPerSecond.toFixed(0)} rows/s, db CPU ${ins.cpuPer1000.toFixed(0)} ms per 1000 rows`);
        if (backend !== 'sqlite') for (const [name, plan] of Object.entries(await planSummary(db, s))) say(`plan of ${name}: ${plan}`);
        if (backend === 'pg-gin' && size === sizes[sizes.length - 1]) {
          for (const on of [false, true]) {
            await setFastUpdate(servers.postgresUrl!, on);
            const r = await readsWhileInserting(db, s);
            say(`logs read while inserting, GIN fastupdate ${on ? 'on' : 'off'}: p50 ${ms(r.p50)} ms, p99 ${ms(r.p99)} ms over ${r.reads} reads; ${r.insertsPerSecond.toFixed(0)} rows/s inserted meanwhile`);
          }
          await setFastUpdate(servers.postgresUrl!, false);
        }
        say(`(load average after: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})`);
      }
    } finally {
      await client.close();
      await servers.stop();
    }
  }
}

await main();
