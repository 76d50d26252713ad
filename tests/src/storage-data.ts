import type { Db } from 'mongodb';
import pg from 'pg';
import { pageKey, statusPageKey, utcDay } from '@botwot/shared/db';

/**
 * Realistic rows for storage tests and the storage benchmark: many orgs, each with workflows of
 * two versions, executions spread over them (mostly ended, a few running), five step logs per
 * execution and one orchestrator claim per start. Shapes follow shared/src/db/models.ts.
 */
export interface StorageShape {
  /** makes every id unique to this seeding */
  prefix: string;
  orgs: number;
  workflowsPerOrg: number;
  executions: number;
  logsPerExecution: number;
}

/** One of each kind of row, owned by org 0, for the hot reads to look up. */
export interface StorageProbe {
  orgId: string;
  workflowId: string;
  version: number;
  executionId: string;
  claimId: string;
  /** the probe execution's page key and (ended) status page key, as the log-sink numbers them */
  page: string;
  statusPage: string;
}

const BATCH = 500;
const RUNNING = 50;
const STEP_TYPES = ['trigger', 'agent', 'utility', 'action', 'action'] as const;
const NODE_TYPES = ['whatsapp', 'conversational', 'sentiment', 'send_whatsapp', 'update_crm'] as const;

export const orgIdOf = (shape: StorageShape, org: number) => `${shape.prefix}-org-${org}`;
export const workflowIdOf = (shape: StorageShape, org: number, wf: number) => `${shape.prefix}-wf-${org}-${wf}`;
export const executionIdOf = (shape: StorageShape, i: number) => `${shape.prefix}-ex-${i}`;

/** Execution i belongs to org i % orgs and to one of that org's workflows, round robin. */
export function placeOf(shape: StorageShape, i: number): { org: number; wf: number } {
  return { org: i % shape.orgs, wf: Math.floor(i / shape.orgs) % shape.workflowsPerOrg };
}

export function workflowDocs(shape: StorageShape): Record<string, unknown>[] {
  const docs: Record<string, unknown>[] = [];
  const at = new Date('2026-11-01T00:00:00Z');
  for (let org = 0; org < shape.orgs; org++) {
    for (let wf = 0; wf < shape.workflowsPerOrg; wf++) {
      docs.push({
        _id: workflowIdOf(shape, org, wf),
        orgId: orgIdOf(shape, org),
        userId: `user-${org}`,
        name: `Answer WhatsApp questions #${wf}`,
        status: wf % 10 === 9 ? 'archived' : 'active',
        latestVersion: 2,
        triggerType: wf % 3 === 0 ? 'email' : 'whatsapp',
        createdAt: at,
        updatedAt: at,
      });
    }
  }
  return docs;
}

export function stepDocs(shape: StorageShape): Record<string, unknown>[] {
  const docs: Record<string, unknown>[] = [];
  for (let org = 0; org < shape.orgs; org++) {
    for (let wf = 0; wf < shape.workflowsPerOrg; wf++) {
      for (const version of [1, 2]) {
        STEP_TYPES.slice(0, 4).forEach((stepType, position) => {
          docs.push({
            workflowId: workflowIdOf(shape, org, wf),
            orgId: orgIdOf(shape, org),
            version,
            position,
            stepId: `s${position}`,
            stepType,
            config: { [`${stepType}Type`]: NODE_TYPES[position], messageTemplate: 'Hello {{name}}, {{steps.s1.agent_response}}' },
            ...(position < 3 ? { nextStepId: `s${position + 1}` } : {}),
          });
        });
      }
    }
  }
  return docs;
}

/** Execution i's number among its workflow's executions (1, 2, ...), as the log-sink gives it. */
export function seqOf(shape: StorageShape, i: number): number {
  return Math.floor(i / (shape.orgs * shape.workflowsPerOrg)) + 1;
}

export function executionDoc(shape: StorageShape, i: number): Record<string, unknown> {
  const { org, wf } = placeOf(shape, i);
  const workflowId = workflowIdOf(shape, org, wf);
  const seq = seqOf(shape, i);
  const startedAt = new Date(Date.UTC(2026, 10, 1) + i * 1_000);
  // the newest 50 are still running (in flight), with a deadline far ahead so the service's
  // deadline sweep leaves them alone; of the others, 1 in 25 per org failed
  const status = i >= shape.executions - RUNNING ? 'running' : Math.floor(i / shape.orgs) % 25 === 3 ? 'failed' : 'completed';
  return {
    _id: executionIdOf(shape, i),
    workflowId,
    seq,
    page: pageKey(workflowId, seq),
    day: utcDay(startedAt),
    // numbered among its status like the log-sink does, near enough for the layout: one per start
    ...(status === 'running' ? {} : { statusSeq: seq, statusPage: statusPageKey(workflowId, status as 'completed' | 'failed', seq) }),
    version: 2,
    orgId: orgIdOf(shape, org),
    userId: `user-${org}`,
    mode: 'live',
    status,
    triggerData: { phone_number: `+9198765${String(i % 100_000).padStart(5, '0')}`, message_text: 'What are your opening hours on Sunday?', message_id: `wamid.${i}` },
    ...(status === 'running'
      ? { deadlineAt: new Date(Date.now() + 86_400_000) }
      : { completedAt: new Date(startedAt.getTime() + 850), totalDuration: 850, finalOutput: { message_sent: true, status: 'sent' } }),
    ...(status === 'failed' ? { errorMessage: 'BotCore answered 503', failedStepId: 's1' } : {}),
    startedAt,
    createdAt: startedAt,
    updatedAt: startedAt,
  };
}

export function logDocs(shape: StorageShape, i: number): Record<string, unknown>[] {
  const { org } = placeOf(shape, i);
  const executionId = executionIdOf(shape, i);
  const startedAt = new Date(Date.UTC(2026, 10, 1) + i * 1_000);
  return Array.from({ length: shape.logsPerExecution }, (_, stepOrder) => ({
    _id: `${executionId}:${stepOrder}`,
    executionId,
    orgId: orgIdOf(shape, org),
    stepId: `s${stepOrder}`,
    stepType: STEP_TYPES[stepOrder % STEP_TYPES.length],
    nodeType: NODE_TYPES[stepOrder % NODE_TYPES.length],
    stepOrder,
    status: 'completed',
    input: { inputText: 'What are your opening hours on Sunday?', messageTemplate: '{{agent_response}}' },
    output: { agent_response: 'We are open from 10:00 to 18:00 on Sundays. Anything else I can help with?', sentiment: 'neutral', confidence: 0.92 },
    duration: 120 + stepOrder,
    attempts: 1,
    startedAt,
    completedAt: new Date(startedAt.getTime() + 120),
  }));
}

export const claimIdOf = (shape: StorageShape, i: number) => `start:${executionIdOf(shape, i)}`;

/**
 * Inserts every row of the shape (unordered batches of 500), reporting progress now and then.
 * With `after`, only executions from that index on (the workflows are already there): grows a store.
 */
export async function seedStorage(db: Db, shape: StorageShape, progress: (line: string) => void = () => undefined, after = 0): Promise<StorageProbe> {
  if (after === 0) {
    await insertAll(db, 'workflows', workflowDocs(shape));
    await insertAll(db, 'workflowsteps', stepDocs(shape));
  }
  let lastReport = Date.now();
  for (let from = after; from < shape.executions; from += BATCH) {
    const to = Math.min(shape.executions, from + BATCH);
    const ids = Array.from({ length: to - from }, (_, k) => from + k);
    await insertAll(db, 'workflow_executions', ids.map((i) => executionDoc(shape, i)));
    await insertAll(db, 'execution_logs', ids.flatMap((i) => logDocs(shape, i)));
    await insertAll(db, 'orchestrator_claims', ids.map((i) => ({ _id: claimIdOf(shape, i), holder: `workflow.execution.requested/0/${i}`, day: utcDay(Date.now()) })));
    if (Date.now() - lastReport > 10_000) {
      lastReport = Date.now();
      progress(`seeded ${to}/${shape.executions} executions`);
    }
  }
  // a mid-history execution of org 0: neither the first nor the last row written
  const probe = Math.floor(shape.executions / 2 / shape.orgs) * shape.orgs;
  const { org, wf } = placeOf(shape, probe);
  const doc = executionDoc(shape, probe);
  return {
    orgId: orgIdOf(shape, org),
    workflowId: workflowIdOf(shape, org, wf),
    version: 2,
    executionId: executionIdOf(shape, probe),
    claimId: claimIdOf(shape, probe),
    page: doc.page as string,
    statusPage: statusPageKey(workflowIdOf(shape, org, wf), 'completed', seqOf(shape, probe)),
  };
}

async function insertAll(db: Db, collection: string, docs: Record<string, unknown>[]): Promise<void> {
  for (let from = 0; from < docs.length; from += BATCH) {
    await db.collection(collection).insertMany(docs.slice(from, from + BATCH) as never[], { ordered: false });
  }
}

/**
 * PostgreSQL picks among the GIN indexes by its statistics. Autovacuum refreshes them once a tenth
 * of a table has changed, which seeding does, but on its own schedule; ANALYZE now, so the plan
 * is the one a store that has been running a while gets. (With statistics older than an org, the
 * planner may look that org up by orgId instead of _id: still an index, but the org's entries.)
 */
export async function analyze(postgresUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}
