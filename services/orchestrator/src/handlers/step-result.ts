import { ids, type EventOf } from '@botwot/shared/events';
import type { Handler } from '@botwot/shared/kafka';
import type { ClaimRecord } from '../claims.js';
import { emit } from '../execution/emit.js';
import { stepFinished } from '../execution/transitions.js';
import type { OrchestratorDeps } from './index.js';

type Result = EventOf<'step.completed'> | EventOf<'step.failed'>;

/**
 * A runner answered for a step. The claim on (execution, stepOrder) makes a second answer for the
 * same step (a former owner's late commit) a duplicate that is dropped, so an execution never forks.
 */
export function createStepResultHandler(deps: OrchestratorDeps): Handler<Result, ClaimRecord> {
  return async (event) => {
    const ref = { executionId: event.executionId as string, orgId: event.orgId };
    const { state } = event.data;
    const workflow = await deps.workflows.get({ orgId: ref.orgId, workflowId: state.workflowId, version: state.version });
    const now = deps.now();
    const transition = stepFinished({ result: event, workflow, now });
    return { outgoing: emit(ref, transition, now), records: [{ key: ids.progressClaim(ref.executionId, state.stepOrder) }] };
  };
}
