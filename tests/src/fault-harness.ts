import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { inject } from 'vitest';
import { TOPICS } from '@botwot/shared/events';
import { sleep } from '@botwot/shared/async';
import type { Api } from './api-client.js';

/**
 * Load, fault and verification helpers for faults.integration.test.ts: puts a few hundred
 * executions in flight, kills or signals processes through the process-control server, and checks
 * the outcome three ways (Mongo rows, the committed Kafka events, the WhatsApp stand-in's deliveries).
 */

/** trigger → conversational agent → sentiment utility → send_whatsapp: one step per runner. */
export const FAULT_WORKFLOW = {
  name: 'fault drill',
  steps: [
    { stepId: 'trigger', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'agent' },
    { stepId: 'agent', stepType: 'agent', config: { agentType: 'conversational', inputText: '{{message_text}}' }, nextStepId: 'mood' },
    { stepId: 'mood', stepType: 'utility', config: { utilityType: 'sentiment', inputText: '{{agent_response}}' }, nextStepId: 'reply' },
    { stepId: 'reply', stepType: 'action', config: { actionType: 'send_whatsapp', recipient: 'trigger', messageTemplate: 'Reply ({{sentiment}}): {{agent_response}}' } },
  ],
};
export const STEP_IDS = FAULT_WORKFLOW.steps.map((s) => s.stepId);

export interface Accepted {
  executionId: string;
  /** a unique token in the trigger's message text: BotCore's request journal shows it */
  ref: string;
  acceptedAt: number;
}

export interface LoadResult {
  accepted: Accepted[];
  /** POSTs the gateway did not accept: a connection error, or the status it answered */
  rejected: { error?: string; status?: number }[];
}

/**
 * Posts executions until `count` are accepted (202): with `ratePerSecond`, open loop at that rate
 * (each request on schedule, whether earlier ones have answered or not); otherwise with
 * `concurrency` lanes. A rejected POST (gateway down, 5xx) is not counted as started; it is sent
 * again after a short back-off, as a client would. `onAccepted` sees the running total, so a test
 * can strike when a share of the load is in.
 */
export async function runLoad(
  api: Api,
  workflowId: string,
  opts: { count: number; concurrency: number; ratePerSecond?: number; tag: string; onAccepted?: (total: number) => void },
): Promise<LoadResult> {
  const accepted: Accepted[] = [];
  const rejected: LoadResult['rejected'] = [];
  const newRequest = (n: number) => {
    const ref = `${opts.tag}-${randomUUID().slice(0, 8)}`;
    return { ref, triggerData: { phone_number: `+1555${String(n).padStart(7, '0')}`, message_text: `hello ref=${ref}`, message_id: `wamid.${ref}` } };
  };
  /** One POST: true when it was accepted (and counted), false when refused or unanswered (recorded in `rejected`). */
  const send = async ({ ref, triggerData }: ReturnType<typeof newRequest>): Promise<boolean> => {
    try {
      const res = await api.post(`/workFlow/${workflowId}/execute`, { triggerData });
      if (res.status === 202 && typeof res.body?.executionId === 'string') {
        accepted.push({ executionId: res.body.executionId, ref, acceptedAt: Date.now() });
        opts.onAccepted?.(accepted.length);
        return true;
      }
      rejected.push({ status: res.status });
    } catch (error) {
      rejected.push({ error: String((error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).message) });
    }
    return false;
  };
  if (opts.ratePerSecond) {
    const t0 = Date.now();
    const one = async (i: number) => {
      const wait = t0 + (i * 1000) / (opts.ratePerSecond as number) - Date.now();
      if (wait > 0) await sleep(wait);
      const request = newRequest(i);
      for (let attempt = 1; attempt <= 60; attempt++) {
        if (await send(request)) return;
        await sleep(250 * Math.min(attempt, 8));
      }
    };
    await Promise.all(Array.from({ length: opts.count }, (_, i) => one(i)));
    return { accepted, rejected };
  }
  let issued = 0;
  const maxAttempts = opts.count * 20;
  let attempts = 0;
  const lane = async () => {
    while (issued < opts.count && attempts < maxAttempts) {
      issued++;
      attempts++;
      if (await send(newRequest(attempts))) continue;
      issued--; // not started: try again
      await sleep(250);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, lane));
  return { accepted, rejected };
}

/** POSTs to the process-control server; kill and restart wait until the process is gone / ready. */
export async function control(name: string, action: 'kill' | 'restart' | 'signal/SIGTERM'): Promise<void> {
  const res = await fetch(`${inject('system').controlUrl}/processes/${name}/${action}`, { method: 'POST' });
  if (!res.ok) throw new Error(`${action} ${name}: ${res.status} ${await res.text()}`);
}

/** The pid of a managed process, undefined once it has exited. */
export async function pidOf(name: string): Promise<number | undefined> {
  const res = await fetch(`${inject('system').controlUrl}/processes`);
  const pids = (await res.json()) as Record<string, number | null>;
  return pids[name] ?? undefined;
}

/** Polls `check` until it returns a value; the error names `what` and the last progress note. */
export async function waitUntil<T>(what: string, timeoutMs: number, check: () => Promise<{ done: T } | { progress: string }>, intervalMs = 250): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const r = await check();
      if ('done' in r) return r.done;
      last = r.progress;
    } catch (error) {
      last = `error: ${(error as Error).message}`;
    }
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${last})`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export async function withMongo<T>(work: (db: ReturnType<MongoClient['db']>) => Promise<T>): Promise<T> {
  const client = new MongoClient(inject('system').mongoUrl, { serverSelectionTimeoutMS: 10_000 });
  try {
    return await work(client.db());
  } finally {
    await client.close();
  }
}

/**
 * The org's execution rows, small fields only. Each drill runs in its own org, and the queries
 * filter on plain equality: FerretDB scans for `$in` over ids, which grows slow as the tests add rows.
 */
export async function executionsOf(orgId: string): Promise<Map<string, { status: string; completedAt?: Date }>> {
  const rows = await withMongo((db) => db.collection('workflow_executions').find({ orgId }).project({ _id: 1, status: 1, completedAt: 1 }).toArray());
  return new Map(rows.map((r) => [String(r._id), { status: r.status as string, completedAt: r.completedAt as Date | undefined }]));
}

/** Waits until every execution has a row that is no longer `running`. */
export async function waitForEnds(orgId: string, ids: string[], timeoutMs: number): Promise<void> {
  await waitUntil(
    `${ids.length} executions to end`,
    timeoutMs,
    async () => {
      const rows = await executionsOf(orgId);
      const n = ids.filter((id) => { const s = rows.get(id)?.status; return s === 'completed' || s === 'failed'; }).length;
      return n === ids.length ? { done: undefined } : { progress: `${n}/${ids.length} ended` };
    },
    2_000,
  );
}

export function kafkaClient(clientId: string): Kafka {
  return new Kafka({ clientId, brokers: inject('system').kafkaBrokers, logLevel: logLevel.NOTHING, retry: { retries: 20, maxRetryTime: 2_000 } });
}

/** An event value as a producer wrote it: plain JSON, or JSON in the Confluent wire format. */
export function decodeValue(value: Buffer | null): any {
  if (!value) return undefined;
  return JSON.parse((value[0] === 0 ? value.subarray(5) : value).toString('utf8'));
}

const ENGINE_GROUPS: Record<string, string[]> = {
  orchestrator: [TOPICS.executionRequested, TOPICS.triggerEvents, TOPICS.stepResults],
  'agent-runner': [TOPICS.agentCommands],
  'utility-runner': [TOPICS.utilityCommands],
  'action-runner': [TOPICS.actionCommands],
  'log-sink': [TOPICS.executionEvents],
};

/**
 * Waits until every engine consumer group has committed up to the end of its topics. A partition
 * written in transactions ends with a commit marker the group never consumes, so one offset short
 * of the high watermark counts as drained.
 */
export async function waitForDrain(timeoutMs: number): Promise<void> {
  const admin = kafkaClient('fault-drain').admin();
  await admin.connect();
  try {
    await waitUntil('the engine consumer groups to drain', timeoutMs, async () => {
      const behind: string[] = [];
      for (const [groupId, topics] of Object.entries(ENGINE_GROUPS)) {
        const committed = await admin.fetchOffsets({ groupId, topics });
        for (const { topic, partitions } of committed) {
          const ends = await admin.fetchTopicOffsets(topic);
          for (const end of ends) {
            const at = Number(partitions.find((p) => p.partition === end.partition)?.offset ?? -1);
            const lag = Number(end.high) - Math.max(at, Number(end.low));
            if (lag > 1) behind.push(`${groupId} ${topic}/${end.partition} lag ${lag}`);
          }
        }
      }
      return behind.length === 0 ? { done: undefined } : { progress: behind.slice(0, 5).join(', ') };
    });
  } finally {
    await admin.disconnect();
  }
}

/**
 * Reads a topic from the beginning up to the high watermarks of now, committed messages only
 * (read_committed: an aborted transaction's output is not seen), and hands each to `onMessage`.
 */
export async function readTopicToEnd(topic: string, onMessage: (m: KafkaMessage, partition: number) => void, timeoutMs = 120_000): Promise<number> {
  const kafka = kafkaClient('fault-reader');
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const target = new Map(ends.filter((e) => Number(e.high) > Number(e.low)).map((e) => [e.partition, Number(e.high)]));
  const position = new Map<number, number>();
  const consumer = kafka.consumer({ groupId: `fault-reader-${randomUUID()}`, readUncommitted: false, maxWaitTimeInMs: 200, maxBytes: 50 * 1024 * 1024 });
  consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
    const p = e.payload as { partition: number; lastOffset: string };
    position.set(p.partition, Math.max(position.get(p.partition) ?? 0, Number(p.lastOffset) + 1));
  });
  let count = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          const limit = target.get(batch.partition);
          if (limit !== undefined && Number(m.offset) < limit) {
            count++;
            onMessage(m, batch.partition);
          }
        }
      },
    });
    await waitUntil(`reading ${topic} to its end`, timeoutMs, async () => {
      const short = [...target].filter(([p, high]) => (position.get(p) ?? 0) < high);
      return short.length === 0 ? { done: undefined } : { progress: short.map(([p, h]) => `p${p} ${position.get(p) ?? 0}/${h}`).join(' ') };
    });
  } finally {
    await consumer.disconnect();
  }
  return count;
}

export interface Figures {
  executions: number;
  rejectedPosts: number;
  completed: number;
  failed: number;
  /** terminal events beyond the first, per execution, in the committed execution-events topic */
  duplicateEnds: number;
  /** step.recorded events beyond the first per (execution, stepOrder) */
  duplicateStepEvents: number;
  /** log rows with a stepOrder another row of the execution also has */
  duplicateLogRows: number;
  /** WhatsApp deliveries beyond the first per execution */
  duplicateDeliveries: number;
  /** WhatsApp requests the stand-in deduplicated by Idempotency-Key (resends after a crash) */
  dedupedResends: number;
  failureCodes: Record<string, number>;
  /** tries that failed, by error code, in every step (retried or not): what opened a breaker shows here */
  failedTries: Record<string, number>;
}

/**
 * Checks that every accepted execution ended exactly once: its row is completed or failed with a
 * reason, its log rows have unique step orders and the count its ending implies, the committed
 * events hold one start, one ending and one record per step, and WhatsApp got at most one message
 * (exactly one for a completed run). Returns the figures and a list of problems (empty = good).
 */
export async function verifyOutcome(orgId: string, accepted: Accepted[], rejectedPosts: number): Promise<{ figures: Figures; problems: string[] }> {
  const ids = accepted.map((a) => a.executionId);
  const idSet = new Set(ids);
  const problems: string[] = [];
  const problem = (p: string) => problems.length < 30 && problems.push(p);

  const { rows, logs } = await withMongo(async (db) => ({
    rows: (await db.collection('workflow_executions').find({ orgId }).toArray()).filter((r) => idSet.has(String(r._id))),
    logs: (await db.collection('execution_logs').find({ orgId }).toArray()).filter((l) => idSet.has(l.executionId)),
  }));
  const logsOf = new Map<string, any[]>();
  for (const l of logs) logsOf.set(l.executionId, [...(logsOf.get(l.executionId) ?? []), l]);

  const events = new Map<string, { started: number; ends: string[]; steps: Map<number, number> }>();
  await readTopicToEnd(TOPICS.executionEvents, (m) => {
    const e = decodeValue(m.value);
    if (!idSet.has(e?.executionId)) return;
    const entry = events.get(e.executionId) ?? { started: 0, ends: [] as string[], steps: new Map<number, number>() };
    if (e.type === 'execution.started') entry.started++;
    else if (e.type === 'execution.completed' || e.type === 'execution.failed') entry.ends.push(e.type);
    else if (e.type === 'step.recorded') entry.steps.set(e.data.stepOrder, (entry.steps.get(e.data.stepOrder) ?? 0) + 1);
    events.set(e.executionId, entry);
  });

  const wa = inject('system').standIns.whatsapp;
  const deliveries = ((await (await fetch(`${wa}/__admin/deliveries`)).json()) as { deliveries: { idempotencyKey?: string }[] }).deliveries;
  const requests = ((await (await fetch(`${wa}/__admin/requests`)).json()) as { requests: { headers: Record<string, string>; status: number }[] }).requests;
  const deliveriesOf = new Map<string, number>();
  for (const d of deliveries) {
    const id = d.idempotencyKey?.split(':')[0];
    if (id && idSet.has(id)) deliveriesOf.set(id, (deliveriesOf.get(id) ?? 0) + 1);
  }
  const okRequests = requests.filter((r) => r.status === 200 && idSet.has(r.headers['idempotency-key']?.split(':')[0] ?? '')).length;

  const f: Figures = {
    executions: ids.length, rejectedPosts, completed: 0, failed: 0, duplicateEnds: 0, duplicateStepEvents: 0,
    duplicateLogRows: 0, duplicateDeliveries: 0, dedupedResends: Math.max(0, okRequests - [...deliveriesOf.values()].reduce((a, b) => a + b, 0)),
    failureCodes: {},
    failedTries: {},
  };
  const rowOf = new Map(rows.map((r) => [String(r._id), r]));
  for (const id of ids) {
    const row = rowOf.get(id);
    const ev = events.get(id);
    const mine = (logsOf.get(id) ?? []).sort((a, b) => a.stepOrder - b.stepOrder);
    const orders = mine.map((l) => l.stepOrder as number);
    const sent = deliveriesOf.get(id) ?? 0;
    f.duplicateLogRows += orders.length - new Set(orders).size;
    for (const t of mine.flatMap((l) => (l.tries ?? []) as { ok: boolean; error?: string }[]).filter((t) => !t.ok)) {
      const code = String(t.error).split(':')[0] as string;
      f.failedTries[code] = (f.failedTries[code] ?? 0) + 1;
    }
    f.duplicateDeliveries += Math.max(0, sent - 1);
    f.duplicateEnds += Math.max(0, (ev?.ends.length ?? 0) - 1);
    for (const n of ev?.steps.values() ?? []) f.duplicateStepEvents += Math.max(0, n - 1);

    if (!row) {
      problem(`${id}: no execution row`);
      continue;
    }
    if (row.status === 'completed') {
      f.completed++;
      const shape = mine.map((l) => `${l.stepOrder}:${l.stepId}:${l.status}`).join(',');
      if (shape !== STEP_IDS.map((s, i) => `${i}:${s}:completed`).join(',')) problem(`${id}: completed with logs ${shape}`);
      if (sent !== 1) problem(`${id}: completed with ${sent} WhatsApp deliveries`);
    } else if (row.status === 'failed') {
      f.failed++;
      const code = String(row.error?.code ?? 'none');
      f.failureCodes[code] = (f.failureCodes[code] ?? 0) + 1;
      if (!row.error?.message || !row.error?.code) problem(`${id}: failed without a reason`);
      if (orders.join(',') !== orders.map((_, i) => i).join(',')) problem(`${id}: failed with log step orders ${orders.join(',')}`);
      const last = mine[mine.length - 1];
      if (last && last.status !== 'failed' && row.error?.code !== 'EXECUTION_TIMEOUT') problem(`${id}: failed but its last log row is ${last.status}`);
      if (sent > 1) problem(`${id}: failed with ${sent} WhatsApp deliveries`);
    } else {
      problem(`${id}: still ${row.status}`);
    }
    if (!ev) problem(`${id}: no committed events`);
    else {
      if (ev.started !== 1) problem(`${id}: ${ev.started} execution.started events`);
      if (ev.ends.length !== 1) problem(`${id}: ${ev.ends.length} ending events (${ev.ends.join(',')})`);
      else if (ev.ends[0] !== `execution.${row.status}`) problem(`${id}: row says ${row.status}, event says ${ev.ends[0]}`);
      if (ev.steps.size !== mine.length) problem(`${id}: ${ev.steps.size} step orders recorded on Kafka, ${mine.length} log rows`);
    }
  }
  if (f.duplicateLogRows > 0) problem(`${f.duplicateLogRows} duplicate log rows`);
  if (f.duplicateDeliveries > 0) problem(`${f.duplicateDeliveries} duplicate WhatsApp deliveries`);
  if (f.duplicateEnds > 0) problem(`${f.duplicateEnds} duplicate ending events`);
  if (f.duplicateStepEvents > 0) problem(`${f.duplicateStepEvents} duplicate step.recorded events`);
  return { figures: f, problems };
}

/** One line per test, for the report. */
export function summary(test: string, f: Partial<Figures> & Record<string, unknown>, wallMs: number): string {
  const parts = Object.entries(f).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  const line = `[fault] ${test}: ${parts.join(' ')} wall=${(wallMs / 1000).toFixed(1)}s`;
  console.log(line);
  return line;
}
