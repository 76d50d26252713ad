import type { ExecutionDoc, ExecutionLogDoc, Models } from '@botwot/shared/db';

export type ExecutionView = Omit<ExecutionDoc, '_id'> & { id: string; executionId: string };
export type LogView = Omit<ExecutionLogDoc, '_id'> & { id: string };

export interface ExecutionQuery {
  orgId: string;
  workflowId: string;
  status?: 'running' | 'completed' | 'failed' | undefined;
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

function view<T extends { _id: unknown }>(doc: T): Omit<T, '_id'> & { id: string } {
  const { _id, ...rest } = doc;
  return { id: String(_id), ...rest };
}

export function createMongoExecutionStore(models: Models): ExecutionStore {
  return {
    async list(q) {
      const filter: Record<string, unknown> = { orgId: q.orgId, workflowId: q.workflowId };
      if (q.status) filter.status = q.status;
      if (q.since) filter.startedAt = { $gte: q.since };
      const [rows, total] = await Promise.all([
        models.Execution.find(filter).select({ resumeState: 0 }).sort({ startedAt: -1, _id: 1 }).skip(q.skip).limit(q.limit).lean(),
        models.Execution.countDocuments(filter),
      ]);
      return { items: rows.map((r) => ({ ...view(r), executionId: String(r._id) }) as ExecutionView), total };
    },
    async get(orgId, executionId, opts) {
      const row = await models.Execution.findOne({ _id: executionId, orgId }).select(opts?.withResumeState ? {} : { resumeState: 0 }).lean();
      return row ? ({ ...view(row), executionId: String(row._id) } as ExecutionView) : null;
    },
    async logs(orgId, executionId) {
      const rows = await models.ExecutionLog.find({ executionId, orgId }).sort({ stepOrder: 1 }).lean();
      return rows.map((r) => view(r) as LogView);
    },
  };
}
