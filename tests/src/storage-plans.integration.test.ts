import { randomUUID } from 'node:crypto';
import { MongoClient, type Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { lookupIndexName } from '@botwot/local-servers';
import { analyze, executionDoc, seedStorage, type StorageProbe, type StorageShape } from './storage-data.js';

/**
 * The hot reads, asked of FerretDB with `explain`: on PostgreSQL, FerretDB 1.x answers with
 * PostgreSQL's own plan for the pushed-down filter. Each must be a lookup in the GIN index made
 * for its most selective field (shared/src/db/lookup-indexes.ts), never a sequential scan.
 */
interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}

const shape: StorageShape = { prefix: `plans-${randomUUID().slice(0, 8)}`, orgs: 20, workflowsPerOrg: 10, executions: 3_000, logsPerExecution: 5 };
const onPostgres = Boolean(inject('system').postgresUrl);

function nodesOf(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(nodesOf)];
}

/** The plan tree in FerretDB's explain answer: `queryPlanner` holds PostgreSQL's `EXPLAIN (FORMAT JSON)`. */
function planOf(explained: Document): PlanNode {
  const planner = explained.queryPlanner as { Plan?: PlanNode } | { Plan: PlanNode }[];
  const plan = Array.isArray(planner) ? planner[0]?.Plan : planner.Plan;
  if (!plan) throw new Error(`no PostgreSQL plan in the explain answer: ${JSON.stringify(explained).slice(0, 500)}`);
  return plan;
}

describe.skipIf(!onPostgres)('hot reads are GIN index lookups in PostgreSQL, with thousands of rows of many orgs stored', () => {
  let mongo: MongoClient;
  let probe: StorageProbe;

  beforeAll(async () => {
    mongo = new MongoClient(inject('system').mongoUrl, { serverSelectionTimeoutMS: 10_000 });
    probe = await seedStorage(mongo.db(), shape);
    await analyze(inject('system').postgresUrl!);
  });
  afterAll(async () => {
    await mongo?.close();
  });

  const reads: { name: string; collection: string; field: string; find: () => { filter: Document; sort?: Document }; expectRows: number }[] = [
    { name: 'one execution {_id, orgId}', collection: 'workflow_executions', field: '_id', find: () => ({ filter: { _id: probe.executionId, orgId: probe.orgId } }), expectRows: 1 },
    {
      name: 'its logs {executionId, orgId} in step order',
      collection: 'execution_logs',
      field: 'executionId',
      find: () => ({ filter: { executionId: probe.executionId, orgId: probe.orgId }, sort: { stepOrder: 1 } }),
      expectRows: shape.logsPerExecution,
    },
    { name: 'a workflow {_id, orgId}', collection: 'workflows', field: '_id', find: () => ({ filter: { _id: probe.workflowId, orgId: probe.orgId } }), expectRows: 1 },
    {
      name: "a version's steps {workflowId, version}",
      collection: 'workflowsteps',
      field: 'workflowId',
      find: () => ({ filter: { workflowId: probe.workflowId, version: probe.version }, sort: { position: 1 } }),
      expectRows: 4,
    },
    { name: 'a claim {_id}', collection: 'orchestrator_claims', field: '_id', find: () => ({ filter: { _id: probe.claimId } }), expectRows: 1 },
    {
      name: "the deadline sweep's running executions {status: 'running'}",
      collection: 'workflow_executions',
      field: 'status',
      // the sweep's own filter: the deadlineAt range is not pushed down, the status is
      find: () => ({ filter: { status: 'running', deadlineAt: { $lt: new Date() } } }),
      expectRows: -1,
    },
    {
      name: 'a page of a workflow\'s executions {page, orgId}',
      collection: 'workflow_executions',
      field: 'page',
      find: () => ({ filter: { page: probe.page, orgId: probe.orgId } }),
      expectRows: -1,
    },
    {
      name: 'a page of its completed executions {statusPage, orgId}',
      collection: 'workflow_executions',
      field: 'statusPage',
      find: () => ({ filter: { statusPage: probe.statusPage, orgId: probe.orgId } }),
      expectRows: -1,
    },
    {
      name: 'its running executions {status, orgId, workflowId}',
      collection: 'workflow_executions',
      field: 'status',
      find: () => ({ filter: { status: 'running', orgId: probe.orgId, workflowId: probe.workflowId } }),
      expectRows: -1,
    },
  ];

  it('stores running executions of many orgs for the sweep to find by status', async () => {
    const running = await mongo.db().collection('workflow_executions').find({ status: 'running' }).toArray();
    const seeded = Array.from({ length: shape.executions }, (_, i) => executionDoc(shape, i)).filter((e) => e.status === 'running');
    expect(seeded.length).toBeGreaterThanOrEqual(shape.orgs);
    expect(running.filter((r) => String(r._id).startsWith(shape.prefix)).map((r) => r._id).sort()).toEqual(seeded.map((e) => e._id).sort());
  });

  it.each(reads)('$name uses the GIN index on $field of $collection, no sequential scan', async ({ collection, field, find, expectRows }) => {
    const { filter, sort } = find();
    const coll = mongo.db().collection(collection);
    const rows = await coll.find(filter, sort ? { sort } : {}).toArray();
    if (expectRows >= 0) expect(rows).toHaveLength(expectRows);
    else if (field !== 'status') expect(rows.length).toBeGreaterThan(0);
    // a page key narrows to at most a page of rows, whatever the history: that is what keeps it cheap
    if (field === 'page' || field === 'statusPage') expect(rows.length).toBeLessThanOrEqual(50);

    const explained = await coll.find(filter, sort ? { sort } : {}).explain('queryPlanner');
    expect(explained.filterPushdown).toBe(true);
    const nodes = nodesOf(planOf(explained));
    expect(nodes.filter((n) => n['Node Type'] === 'Seq Scan'), JSON.stringify(nodes)).toEqual([]);
    const relation = nodes.find((n) => n['Relation Name'])?.['Relation Name'] ?? '';
    expect(relation.startsWith(`${collection}_`), `plan reads ${relation}`).toBe(true);
    const indexes = nodes.filter((n) => n['Node Type'] === 'Bitmap Index Scan').map((n) => n['Index Name']);
    expect(indexes, JSON.stringify(nodes)).toContain(lookupIndexName(relation, field));
  });
});
