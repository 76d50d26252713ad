import { ENDED_STATUSES, isConnectionError, pageKey, statusPageKey, type ExecutionStatsDoc, type Models } from '@botwot/shared/db';
import { DependencyDownError, type CommitStage, type StagedMessage } from '@botwot/shared/kafka';
import type { Logger, Metrics } from '@botwot/shared/observability';
import type { Row } from './handlers/index.js';
import type { EndRecord } from './rows.js';

type Doc = { _id: string } & Record<string, unknown>;

/**
 * What this member knows of one partition while it owns it: the counters of the workflows keyed
 * to it (it is their only writer) and which of their executions are running. Forgotten when the
 * partition's ownership changes (a new epoch): another member may have written meanwhile.
 */
interface PartitionMemory {
  epoch: number;
  stats: Map<string, ExecutionStatsDoc>;
  running: Set<string>;
}

const MAX_REMEMBERED_RUNNING = 200_000;

/** Update commands a cycle's endings are split into, sent at once (with the two inserts, within MONGO_MAX_POOL_SIZE's default of 10). */
const ENDING_WRITERS = 6;

function chunksOf<T>(list: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < list.length; i += size) chunks.push(list.slice(i, i + size));
  return chunks;
}

/**
 * The log-sink's commit stage: writes a whole cycle's rows in three round trips (executions, step
 * rows, endings), then the workflows' counters, before the offsets are committed.
 *
 * Lifecycle events are keyed by workflow, so one member writes all of a workflow's rows, in order:
 * it numbers executions as they start (`seq`) and as they end per status (`statusSeq`), which is
 * what makes list pages equality lookups (see shared/src/db/execution-pages.ts). A workflow's
 * counters remember the last offset applied per partition, so a redelivered cycle numbers nothing
 * twice: rows are inserted once (a duplicate key means written before), an ending carries its
 * event id, and the counters are written last. Nothing is remembered from a cycle that failed.
 */
export function createRowWriter(deps: { models: Models; metrics: Metrics; logger: Logger }): CommitStage<Row> {
  const { Execution, ExecutionLog, ExecutionStats } = deps.models;
  const memory = new Map<string, PartitionMemory>();

  return async (messages) => {
    try {
      await writeCycle(messages);
    } catch (error) {
      if (isConnectionError(error)) throw new DependencyDownError(`mongo unavailable: ${(error as Error).message}`, { cause: error });
      throw error;
    }
  };

  function memoryOf(source: StagedMessage<Row>['source']): PartitionMemory {
    const key = `${source.topic}|${source.partition}`;
    let m = memory.get(key);
    if (!m || m.epoch !== source.epoch) {
      m = { epoch: source.epoch, stats: new Map(), running: new Set() };
      memory.set(key, m);
    }
    return m;
  }

  async function writeCycle(messages: StagedMessage<Row>[]): Promise<void> {
    // workflow → its messages in order, and the memory of the partition it is keyed to
    const byWorkflow = new Map<string, { orgId: string; mem: PartitionMemory; messages: StagedMessage<Row>[] }>();
    for (const m of messages) {
      const workflowId = m.records[0]?.workflowId;
      if (!workflowId) continue;
      const group = byWorkflow.get(workflowId);
      if (group) group.messages.push(m);
      else byWorkflow.set(workflowId, { orgId: m.event.orgId, mem: memoryOf(m.source), messages: [m] });
    }
    // this cycle's counters: copies, so a failed cycle changes nothing remembered
    const stats = new Map<string, ExecutionStatsDoc>();
    await Promise.all(
      [...byWorkflow].map(async ([workflowId, { orgId, mem }]) => {
        const known = mem.stats.get(workflowId) ?? ((await ExecutionStats.collection.findOne({ _id: workflowId } as never)) as unknown as ExecutionStatsDoc | null);
        stats.set(workflowId, known ? structuredClone(known) : { _id: workflowId, orgId, seq: 0, ended: { completed: 0, failed: 0, cancelled: 0 }, applied: {} });
      }),
    );

    const executions = new Map<string, Doc>();
    const logs: Doc[] = [];
    const ends: { stats: ExecutionStatsDoc; mem: PartitionMemory; end: EndRecord; orgId: string }[] = [];
    for (const [workflowId, group] of byWorkflow) {
      const s = stats.get(workflowId) as ExecutionStatsDoc;
      for (const m of group.messages) {
        const partition = String(m.source.partition);
        const offset = Number(m.source.offset);
        if (offset <= (s.applied[partition] ?? -1)) continue;
        s.applied[partition] = offset;
        for (const row of m.records) {
          if (row.kind === 'start') {
            s.seq += 1;
            executions.set(row.doc._id, { ...row.doc, seq: s.seq, page: pageKey(workflowId, s.seq) });
          } else if (row.kind === 'log') logs.push(row.doc);
          else ends.push({ stats: s, mem: group.mem, end: row, orgId: m.event.orgId });
        }
      }
    }

    const { updates, endedInCycle, ended } = await planEndings(ends, executions);
    // FerretDB runs the statements of one update command one after another (a query and a write
    // each): a cycle's endings go as a few commands at once, within the driver's pool
    const endUpdates = (list: { id: string; set: Record<string, unknown> }[]) =>
      Promise.all(
        chunksOf(list, Math.ceil(list.length / ENDING_WRITERS)).map((chunk) =>
          Execution.collection.bulkWrite(chunk.map((u) => ({ updateOne: { filter: { _id: u.id } as never, update: { $set: u.set } } })), { ordered: false }),
        ),
      );
    // planEndings has checked each is still running, and this member is the workflow's only
    // writer: an ending filters on the _id alone (an index lookup on every Mongo-wire server)
    const [existed] = await Promise.all([insertOnce(Execution.collection, [...executions.values()]), insertOnce(ExecutionLog.collection, logs), endUpdates(updates)]);
    // A start written by an earlier try of this cycle is not rewritten by the insert: its ending must be set on it.
    await endUpdates([...existed].filter((id) => endedInCycle.has(id)).map((id) => ({ id, set: endedInCycle.get(id) as Record<string, unknown> })));
    await Promise.all([...stats.values()].map((s) => ExecutionStats.collection.replaceOne({ _id: s._id } as never, { ...s, updatedAt: new Date() }, { upsert: true })));

    // written: remember the counters and who is running
    for (const [workflowId, { mem }] of byWorkflow) mem.stats.set(workflowId, stats.get(workflowId) as ExecutionStatsDoc);
    for (const [id, doc] of executions) if (doc.status === 'running') byWorkflow.get(String(doc.workflowId))?.mem.running.add(id);
    for (const { mem, id } of ended) mem.running.delete(id);
    for (const m of memory.values()) if (m.running.size > MAX_REMEMBERED_RUNNING) m.running.clear();
  }

  /**
   * Decides which endings apply, in event order: the first ending of a running execution wins.
   * An ending of an execution started in this cycle goes into its insert; one this member saw start
   * is an update without a read; any other is looked up. An execution already ended by this very
   * event (a cycle redone after a crash) keeps its number and counts again.
   */
  async function planEndings(ends: { stats: ExecutionStatsDoc; mem: PartitionMemory; end: EndRecord; orgId: string }[], executions: Map<string, Doc>) {
    const lookUp = [...new Set(ends.filter(({ mem, end }) => !executions.has(end.executionId) && !mem.running.has(end.executionId)).map(({ end }) => end.executionId))];
    const stored = new Map<string, { status?: string; statusSeq?: number; endEventId?: string } | null>();
    await Promise.all(lookUp.map(async (id) => stored.set(id, (await Execution.collection.findOne({ _id: id } as never, { projection: { status: 1, statusSeq: 1, endEventId: 1 } })) as never)));

    const updates: { id: string; set: Record<string, unknown> }[] = [];
    const endedInCycle = new Map<string, Record<string, unknown>>();
    const ended: { mem: PartitionMemory; id: string }[] = [];
    const endedNow = new Set<string>();
    for (const { stats: s, mem, end, orgId } of ends) {
      if (endedNow.has(end.executionId)) continue;
      const inCycle = executions.get(end.executionId);
      const current = inCycle ? { status: inCycle.status as string } : mem.running.has(end.executionId) ? { status: 'running' } : stored.get(end.executionId);
      if (!current) {
        deps.logger.warn({ executionId: end.executionId, orgId }, 'an ending for an execution that was never recorded; ignoring it');
        continue;
      }
      if (current.status !== 'running') {
        if (current.endEventId === end.eventId && current.statusSeq !== undefined && ENDED_STATUSES.includes(current.status as never)) {
          const status = current.status as EndRecord['status'];
          s.ended[status] = Math.max(s.ended[status], current.statusSeq);
        }
        continue;
      }
      endedNow.add(end.executionId);
      ended.push({ mem, id: end.executionId });
      s.ended[end.status] += 1;
      const set = { ...end.fields, status: end.status, statusSeq: s.ended[end.status], statusPage: statusPageKey(end.workflowId, end.status, s.ended[end.status]), endEventId: end.eventId };
      if (inCycle) {
        Object.assign(inCycle, set);
        endedInCycle.set(end.executionId, set);
      } else updates.push({ id: end.executionId, set });
      deps.metrics.executions.inc({ status: end.status });
      if (typeof end.fields.totalDuration === 'number') deps.metrics.executionDuration.observe({ status: end.status }, end.fields.totalDuration / 1000);
    }
    return { updates, endedInCycle, ended };
  }
}

/** Inserts rows that never change once written; a duplicate key is a row written before. Returns those ids. */
async function insertOnce(collection: { insertMany(docs: never[], opts: { ordered: false }): Promise<unknown> }, docs: Doc[]): Promise<Set<string>> {
  const existed = new Set<string>();
  if (docs.length === 0) return existed;
  try {
    await collection.insertMany(docs as never[], { ordered: false });
  } catch (error) {
    const writeErrors = (error as { writeErrors?: unknown }).writeErrors;
    const list = (Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : []) as { code?: number; index?: number; err?: { code?: number; index?: number } }[];
    if (list.length === 0) throw error;
    for (const w of list) {
      const index = w.index ?? w.err?.index;
      if ((w.code ?? w.err?.code) !== 11000 || index === undefined) throw error;
      existed.add((docs[index] as Doc)._id);
    }
  }
  return existed;
}
