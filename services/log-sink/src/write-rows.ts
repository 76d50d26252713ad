import { ENDED_STATUSES, isConnectionError, pageKey, statusPageKey, type ExecutionStatsDoc, type Models } from '@botwot/shared/db';
import { DependencyDownError, type CommitStage, type StagedMessage } from '@botwot/shared/kafka';
import type { Logger, Metrics } from '@botwot/shared/observability';
import type { Row } from './handlers/index.js';
import type { EndRecord } from './rows.js';

type Doc = { _id: string } & Record<string, unknown>;

/**
 * The log-sink's commit stage: writes a whole cycle's rows in a few round trips, then the
 * workflows' counters, before the offsets are committed.
 *
 * Lifecycle events are keyed by workflow, so one member writes all of a workflow's rows, in order:
 * it numbers executions as they start (`seq`) and as they end per status (`statusSeq`), which is
 * what makes list pages equality lookups (see shared/src/db/execution-pages.ts). A workflow's
 * counters remember the last offset applied per partition, so a redelivered cycle numbers nothing
 * twice: rows are inserted once (a duplicate key means written before), an ending carries its
 * event id, and the counters are written last.
 */
export function createRowWriter(deps: { models: Models; metrics: Metrics; logger: Logger }): CommitStage<Row> {
  const { Execution, ExecutionLog, ExecutionStats } = deps.models;

  return async (messages) => {
    try {
      await writeCycle(messages);
    } catch (error) {
      if (isConnectionError(error)) throw new DependencyDownError(`mongo unavailable: ${(error as Error).message}`, { cause: error });
      throw error;
    }
  };

  async function writeCycle(messages: StagedMessage<Row>[]): Promise<void> {
    const byWorkflow = new Map<string, { orgId: string; messages: StagedMessage<Row>[] }>();
    for (const m of messages) {
      const workflowId = m.records[0]?.workflowId;
      if (!workflowId) continue;
      const group = byWorkflow.get(workflowId);
      if (group) group.messages.push(m);
      else byWorkflow.set(workflowId, { orgId: m.event.orgId, messages: [m] });
    }
    const stats = new Map<string, ExecutionStatsDoc>();
    await Promise.all(
      [...byWorkflow].map(async ([workflowId, { orgId }]) => {
        const found = await ExecutionStats.collection.findOne({ _id: workflowId } as never);
        stats.set(workflowId, (found as unknown as ExecutionStatsDoc | null) ?? { _id: workflowId, orgId, seq: 0, ended: { completed: 0, failed: 0, cancelled: 0 }, applied: {} });
      }),
    );

    const executions = new Map<string, Doc>();
    const logs: Doc[] = [];
    const ends: { stats: ExecutionStatsDoc; end: EndRecord; orgId: string }[] = [];
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
          else ends.push({ stats: s, end: row, orgId: m.event.orgId });
        }
      }
    }

    const { updates, endedInCycle } = await planEndings(ends, executions);
    // planEndings has checked each is still running, and this member is the workflow's only writer:
    // the update filters on the _id alone (an index lookup on every Mongo-wire server)
    const endUpdate = (u: { id: string; set: Record<string, unknown> }) => Execution.collection.updateOne({ _id: u.id } as never, { $set: u.set });
    const [existed] = await Promise.all([insertOnce(Execution.collection, [...executions.values()]), insertOnce(ExecutionLog.collection, logs), ...updates.map(endUpdate)]);
    // A start written by an earlier try of this cycle is not rewritten by the insert: its ending must be set on it.
    await Promise.all([...existed].filter((id) => endedInCycle.has(id)).map((id) => endUpdate({ id, set: endedInCycle.get(id) as Record<string, unknown> })));
    await Promise.all([...stats.values()].map((s) => ExecutionStats.collection.replaceOne({ _id: s._id } as never, { ...s, updatedAt: new Date() }, { upsert: true })));
  }

  /**
   * Decides which endings apply, in event order: the first ending of a running execution wins.
   * An ending of an execution started in this cycle goes into its insert; others are updates of
   * executions still running. An execution already ended by this very event (a cycle redone after a
   * crash) keeps its number and counts again.
   */
  async function planEndings(
    ends: { stats: ExecutionStatsDoc; end: EndRecord; orgId: string }[],
    executions: Map<string, Doc>,
  ): Promise<{ updates: { id: string; set: Record<string, unknown> }[]; endedInCycle: Map<string, Record<string, unknown>> }> {
    const stored = new Map<string, { status?: string; statusSeq?: number; endEventId?: string } | null>();
    await Promise.all(
      [...new Set(ends.map(({ end }) => end.executionId))]
        .filter((id) => !executions.has(id))
        .map(async (id) => stored.set(id, (await Execution.collection.findOne({ _id: id } as never, { projection: { status: 1, statusSeq: 1, endEventId: 1 } })) as never)),
    );
    const updates: { id: string; set: Record<string, unknown> }[] = [];
    const endedInCycle = new Map<string, Record<string, unknown>>();
    const endedNow = new Set<string>();
    for (const { stats: s, end, orgId } of ends) {
      if (endedNow.has(end.executionId)) continue;
      const inCycle = executions.get(end.executionId);
      const current = inCycle ? { status: inCycle.status as string } : stored.get(end.executionId);
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
      s.ended[end.status] += 1;
      const set = { ...end.fields, status: end.status, statusSeq: s.ended[end.status], statusPage: statusPageKey(end.workflowId, end.status, s.ended[end.status]), endEventId: end.eventId };
      if (inCycle) {
        Object.assign(inCycle, set);
        endedInCycle.set(end.executionId, set);
      } else updates.push({ id: end.executionId, set });
      deps.metrics.executions.inc({ status: end.status });
      if (typeof end.fields.totalDuration === 'number') deps.metrics.executionDuration.observe({ status: end.status }, end.fields.totalDuration / 1000);
    }
    return { updates, endedInCycle };
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
