import type { Execution, ExecutionDetail, StepLog } from '../api/types.js';

/** Puts a step's row in its place by stepOrder, replacing an earlier copy of the same row. */
export function upsertLog(logs: StepLog[], row: StepLog): StepLog[] {
  const others = logs.filter((l) => l.stepOrder !== row.stepOrder);
  return [...others, row].sort((a, b) => a.stepOrder - b.stepOrder);
}

function isRow(v: unknown): v is StepLog {
  const r = v as StepLog | undefined;
  return !!r && typeof r.stepId === 'string' && typeof r.stepOrder === 'number';
}

function isExecution(v: unknown): v is Execution {
  const e = v as Execution | undefined;
  return !!e && typeof e.executionId === 'string' && typeof e.status === 'string';
}

/**
 * Applies one event of an execution's stream to what the page shows. The snapshot may be the
 * execution itself or `{ execution, logs? }`; a step event the row itself or `{ log }`/`{ step }`.
 * Anything that does not look like those is ignored.
 */
export function applyStreamEvent(detail: ExecutionDetail | undefined, event: string, data: Record<string, unknown>): ExecutionDetail | undefined {
  if (event === 'execution' || event === 'end') {
    const execution = isExecution(data.execution) ? data.execution : isExecution(data) ? data : undefined;
    const logs = Array.isArray(data.logs) ? (data.logs as unknown[]).filter(isRow) : undefined;
    if (!execution) return detail;
    let merged = detail?.logs ?? [];
    for (const row of logs ?? []) merged = upsertLog(merged, row);
    return { execution, logs: merged };
  }
  if (event === 'step') {
    const row = isRow(data.log) ? data.log : isRow(data.step) ? data.step : isRow(data) ? data : undefined;
    if (!row || !detail) return detail;
    return { execution: detail.execution, logs: upsertLog(detail.logs, row) };
  }
  return detail;
}
