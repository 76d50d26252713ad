import { ids, type EventOf } from '@botwot/shared/events';
import type { Handler } from '@botwot/shared/kafka';
import type { ClaimRecord } from '../claims.js';
import { emit } from '../execution/emit.js';
import { start } from '../execution/transitions.js';
import type { OrchestratorDeps } from './index.js';

/** Starts an execution once, however often its request is published. */
export function createExecutionRequestedHandler(deps: OrchestratorDeps): Handler<EventOf<'execution.requested'>, ClaimRecord> {
  return async (event) => {
    const ref = { executionId: event.executionId as string, orgId: event.orgId };
    const { data } = event;
    const workflow = await deps.workflows.get({ orgId: ref.orgId, workflowId: data.workflowId, version: data.version });
    const now = deps.now();
    const transition = start({ request: data, workflow, now, defaultTimeoutMs: deps.executionTimeoutMs });
    return { outgoing: emit(ref, transition, now), records: [{ key: ids.startClaim(ref.executionId) }] };
  };
}
