import type { EventOf } from '@botwot/shared/events';
import type { LogSinkDeps } from './index.js';
import { insertOnce } from './insert-once.js';
import { storable } from './storable.js';

/** Writes one step's log row once; its id is `${executionId}:${stepOrder}`, so a redelivery finds it written. */
export async function recordStep(deps: LogSinkDeps, e: EventOf<'step.recorded'>): Promise<void> {
  const d = e.data;
  const executionId = e.executionId as string;
  await insertOnce(deps.models.ExecutionLog, {
    _id: `${executionId}:${d.stepOrder}`,
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
  });
}
