import { ids, type EventOf } from '../events/index.js';
import { utcDay } from './execution-pages.js';
import { storable } from './storable.js';

/**
 * The documents lifecycle events become, built in one place: the log-sink writes them, and the
 * gateway's live streams show a step the moment its event passes, in the very shape a later read
 * of the stored row gives (the README's `logs[]`).
 */
export function executionStartDoc(e: EventOf<'execution.started'>): { _id: string; orgId: string } & Record<string, unknown> {
  const d = e.data;
  return {
    _id: e.executionId as string,
    orgId: e.orgId,
    workflowId: d.workflowId,
    version: d.version,
    userId: d.userId,
    mode: d.mode,
    status: 'running',
    triggerData: storable(d.triggerData),
    startedAt: new Date(d.startedAt),
    deadlineAt: new Date(d.deadlineAt),
    day: utcDay(d.startedAt),
    ...(d.retryOf ? { retryOf: d.retryOf } : {}),
  };
}

/** One step's log row; `_id` is ids.logRow(executionId, stepOrder), so a redelivery finds it written. */
export function executionLogDoc(e: EventOf<'step.recorded'>): { _id: string } & Record<string, unknown> {
  const d = e.data;
  const executionId = e.executionId as string;
  return {
    _id: ids.logRow(executionId, d.stepOrder),
    executionId,
    orgId: e.orgId,
    stepId: d.stepId,
    stepType: d.stepType,
    nodeType: d.nodeType,
    stepOrder: d.stepOrder,
    status: d.status,
    input: storable(d.input),
    output: storable(d.output ?? null),
    duration: d.durationMs,
    errorMessage: d.error?.message ?? null,
    error: d.error ?? null,
    attempts: d.attempts,
    tries: d.tries,
    startedAt: new Date(d.startedAt),
    completedAt: new Date(d.completedAt),
    day: utcDay(d.startedAt),
    ...(d.note ? { note: d.note } : {}),
  };
}
