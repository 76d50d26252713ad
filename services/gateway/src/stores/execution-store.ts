import { Lru } from '@botwot/shared/cache';
import { fromStorable, PAGE_SIZE, pageKey, statusPageKey, type EndedStatus, type ExecutionDoc, type ExecutionLogDoc, type ExecutionStatsDoc, type ExecutionStatus, type Models } from '@botwot/shared/db';

export type ExecutionView = Omit<ExecutionDoc, '_id' | 'seq' | 'page' | 'statusSeq' | 'statusPage' | 'endEventId' | 'day'> & { id: string; executionId: string };
export type LogView = Omit<ExecutionLogDoc, '_id' | 'day'> & { id: string };

export interface ExecutionQuery {
  orgId: string;
  workflowId: string;
  status?: ExecutionStatus | undefined;
  since?: Date | undefined;
  skip: number;
  limit: number;
}

/** Reads what the log-sink wrote; always within one org. */
export interface ExecutionStore {
  list(q: ExecutionQuery): Promise<{ items: ExecutionView[]; total: number }>;
  /** one execution; `withResumeState` adds the internal state a retry from the failed step needs */
  get(orgId: string, executionId: string, opts?: { withResumeState?: boolean }): Promise<ExecutionView | null>;
  logs(orgId: string, executionId: string): Promise<LogView[]>;
}

type Row = ExecutionDoc & { _id: string };

/** A step's row as the API shows it (`logs[]`), from the stored document or one built from its event. */
export function logView(row: { _id: string } & Record<string, unknown>): LogView {
  const { _id, day: _d, ...rest } = row;
  return { id: _id, ...rest, input: fromStorable(rest.input), output: fromStorable(rest.output) } as LogView;
}
const INTERNAL = { seq: 0, page: 0, statusSeq: 0, statusPage: 0, endEventId: 0, day: 0 } as const;

function laterOf(a: Date | undefined, b: Date | undefined): Date | undefined {
  return a && b ? (a > b ? a : b) : (a ?? b);
}

/** An execution as the API shows it: internal numbering and state left out, stored values restored. */
export function executionView(row: Row): ExecutionView {
  const { _id, seq: _s, page: _p, statusSeq: _ss, statusPage: _sp, endEventId: _e, day: _d, ...rest } = row;
  return { id: _id, executionId: _id, ...rest, triggerData: fromStorable(rest.triggerData), ...(rest.finalOutput !== undefined ? { finalOutput: fromStorable(rest.finalOutput) } : {}) } as ExecutionView;
}

/**
 * Every read is an equality lookup on an indexed key, so it costs the same at any history size:
 * one execution by `_id`, its logs by `executionId`, a list page by the page keys of the numbers it
 * shows (see shared/src/db/execution-pages.ts), totals from the workflow's counters.
 */
export function createMongoExecutionStore(models: Models, opts: { closedPagesKept?: number; cacheMs?: number } = {}): ExecutionStore {
  const { Execution, ExecutionLog, ExecutionStats } = models;
  const cacheMs = opts.cacheMs ?? 60_000;
  // A page of an ended status whose numbers are all given out (the status's counter is past its
  // end) never changes: the log-sink writes rows before the counter, numbers an execution once,
  // and an ended execution stays as it ended. Such pages are kept, so a list reads from the
  // database only the newest page, which is still filling. The time to live bounds how long a
  // row deleted by retention can still be listed.
  const closedPages = new Lru<string, Row[]>({ maxEntries: opts.closedPagesKept ?? 32, ttlMs: cacheMs });
  // Where a list starts for a `since` (or the retention floor): new executions are numbered above
  // it and later than it, so once found it holds until retention deletes further.
  const floors = new Lru<string, number>({ maxEntries: 1_000, ttlMs: cacheMs });

  /** The executions numbered `lo..hi` (newest first) in one numbering; `top` is the highest number given out in it. */
  async function range(q: ExecutionQuery, lo: number, hi: number, top: number): Promise<Row[]> {
    if (hi < lo) return [];
    const status = q.status as EndedStatus | undefined;
    const pages: number[] = [];
    for (let p = Math.floor(lo / PAGE_SIZE); p <= Math.floor(hi / PAGE_SIZE); p++) pages.push(p);
    const rows = (await Promise.all(pages.map((p) => (status ? statusPage(q, status, p, top) : readPage({ page: pageKey(q.workflowId, p * PAGE_SIZE), orgId: q.orgId }))))).flat();
    const numberOf = (r: Row) => (status ? (r.statusSeq ?? 0) : r.seq);
    return rows.filter((r) => numberOf(r) >= lo && numberOf(r) <= hi).sort((a, b) => numberOf(b) - numberOf(a));
  }

  function readPage(filter: Record<string, string>): Promise<Row[]> {
    return Execution.collection.find(filter as never, { projection: { resumeState: 0 } }).toArray() as unknown as Promise<Row[]>;
  }

  async function statusPage(q: ExecutionQuery, status: EndedStatus, page: number, top: number): Promise<Row[]> {
    const key = statusPageKey(q.workflowId, status, page * PAGE_SIZE);
    if ((page + 1) * PAGE_SIZE - 1 > top) return readPage({ statusPage: key, orgId: q.orgId });
    const cacheKey = `${q.orgId}|${key}`;
    const kept = closedPages.get(cacheKey);
    if (kept) return kept;
    const rows = await readPage({ statusPage: key, orgId: q.orgId });
    closedPages.set(cacheKey, rows);
    return rows;
  }

  /**
   * The lowest number whose time is at or after `since` (start time in the all-executions
   * numbering, end time in a status's): numbers follow time, so a binary search over pages finds
   * it in a dozen lookups at a hundred thousand executions.
   */
  async function firstSince(q: ExecutionQuery, top: number, since: Date): Promise<number> {
    const key = `${q.orgId}|${q.workflowId}|${q.status ?? ''}|${since.getTime()}`;
    const known = floors.get(key);
    if (known !== undefined) return known;
    const found = await searchFirstSince(q, top, since);
    if (found <= top) floors.set(key, found);
    return found;
  }

  async function searchFirstSince(q: ExecutionQuery, top: number, since: Date): Promise<number> {
    const timeOf = (r: Row) => (q.status ? r.completedAt : r.startedAt)?.getTime() ?? 0;
    let lowPage = 0;
    let highPage = Math.floor(top / PAGE_SIZE);
    let answer = top + 1;
    while (lowPage <= highPage) {
      const mid = Math.floor((lowPage + highPage) / 2);
      const rows = await range(q, Math.max(1, mid * PAGE_SIZE), Math.min(top, mid * PAGE_SIZE + PAGE_SIZE - 1), top);
      const inRange = rows.filter((r) => timeOf(r) >= since.getTime());
      if (inRange.length === 0) lowPage = mid + 1;
      else {
        const number = (r: Row) => (q.status ? (r.statusSeq ?? 0) : r.seq);
        answer = Math.min(answer, ...inRange.map(number));
        if (inRange.length < rows.length) break;
        highPage = mid - 1;
      }
    }
    return answer;
  }

  return {
    async list(q) {
      if (q.status === 'running') {
        // running executions are few (bounded by what is in flight): one lookup by status
        const rows = ((await Execution.collection.find({ status: 'running', orgId: q.orgId, workflowId: q.workflowId } as never, { projection: { resumeState: 0 } }).toArray()) as unknown as Row[])
          .filter((r) => !q.since || r.startedAt >= q.since)
          .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime() || a._id.localeCompare(b._id));
        return { items: rows.slice(q.skip, q.skip + q.limit).map(executionView), total: rows.length };
      }
      const stats = (await ExecutionStats.collection.findOne({ _id: q.workflowId, orgId: q.orgId } as never)) as unknown as ExecutionStatsDoc | null;
      if (!stats) return { items: [], total: 0 };
      const top = q.status ? (stats.ended[q.status] ?? 0) : stats.seq;
      // executions older than retention are gone: count from the first one kept
      const since = laterOf(q.since, stats.retainedFrom);
      const floor = since && top > 0 ? await firstSince(q, top, since) : 1;
      const total = Math.max(0, top - floor + 1);
      const hi = top - q.skip;
      const rows = await range(q, Math.max(floor, hi - q.limit + 1), hi, top);
      return { items: rows.map(executionView), total };
    },
    async get(orgId, executionId, opts) {
      const row = (await Execution.collection.findOne({ _id: executionId, orgId } as never, { projection: opts?.withResumeState ? INTERNAL : { ...INTERNAL, resumeState: 0 } })) as unknown as Row | null;
      if (!row) return null;
      const view = executionView(row);
      return opts?.withResumeState && row.resumeState !== undefined ? { ...view, resumeState: fromStorable(row.resumeState) } : view;
    },
    async logs(orgId, executionId) {
      const rows = (await ExecutionLog.collection.find({ executionId, orgId } as never, { projection: { day: 0 } }).toArray()) as unknown as (ExecutionLogDoc & { _id: string })[];
      return rows.sort((a, b) => a.stepOrder - b.stepOrder).map((r) => logView(r as never));
    },
  };
}
