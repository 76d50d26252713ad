import type { EventOf } from '@botwot/shared/events';
import type { LogSinkDeps } from './index.js';
import { insertOnce } from './insert-once.js';
import { storable } from './storable.js';

/** Inserts the execution once; a redelivered start changes nothing. */
export async function recordExecutionStart(deps: LogSinkDeps, e: EventOf<'execution.started'>): Promise<void> {
  const d = e.data;
  await insertOnce(deps.models.Execution, {
    _id: e.executionId,
    orgId: e.orgId,
    workflowId: d.workflowId,
    version: d.version,
    userId: d.userId,
    mode: d.mode,
    status: 'running',
    triggerData: storable(d.triggerData),
    startedAt: new Date(d.startedAt),
    deadlineAt: new Date(d.deadlineAt),
    ...(d.retryOf ? { retryOf: d.retryOf } : {}),
  });
}

/** Ends a running execution; one that has already ended keeps its first ending. */
export async function recordExecutionEnd(deps: LogSinkDeps, e: EventOf<'execution.completed'> | EventOf<'execution.failed'>): Promise<void> {
  const common = { completedAt: new Date(e.data.completedAt), totalDuration: e.data.totalDurationMs };
  const update =
    e.type === 'execution.completed'
      ? { status: 'completed', finalOutput: storable(e.data.finalOutput), ...common }
      : {
          status: 'failed',
          errorMessage: e.data.error.message,
          error: e.data.error,
          ...(e.data.failedStepId ? { failedStepId: e.data.failedStepId } : {}),
          ...(e.data.resumeState ? { resumeState: storable(e.data.resumeState) } : {}),
          ...common,
        };
  // Read, then write, each filtered on the _id alone: FerretDB hands a lone-_id filter to SQLite,
  // while any other filter (`{ _id, status: 'running' }` before) makes it decode and match every
  // document of the collection, so each ending took longer as executions piled up. The
  // read-then-write does not race another ending of the same execution: its events share one
  // partition and key, and this consumer handles one key's messages in order.
  const current = await deps.models.Execution.findOne({ _id: e.executionId }).select({ status: 1 }).lean();
  if (current?.status !== 'running') return;
  const result = await deps.models.Execution.updateOne({ _id: e.executionId }, { $set: update });
  if (result.modifiedCount > 0) deps.metrics.executions.inc({ status: update.status });
}
