import type { EventOf } from '@botwot/shared/events';
import type { LogSinkDeps } from './index.js';
import { storable } from './storable.js';

/** Writes one step's log row; its id is `${executionId}:${stepOrder}`, so a redelivery rewrites the same row. */
export async function recordStep(deps: LogSinkDeps, e: EventOf<'step.recorded'>): Promise<void> {
  const d = e.data;
  const executionId = e.executionId as string;
  await deps.models.ExecutionLog.updateOne(
    { _id: `${executionId}:${d.stepOrder}` },
    {
      $set: {
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
      },
    },
    { upsert: true },
  );
}
