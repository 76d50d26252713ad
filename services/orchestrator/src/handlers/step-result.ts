import type { EventOf } from '@botwot/shared/events';
import type { Handler } from '@botwot/shared/kafka';
import { nextStepAfterSuccess } from '@botwot/shared/workflow';
import { dispatchOrFinish, failExecution, lifecycle, mergeOutput, type ExecutionRef } from '../advance-execution.js';
import type { OrchestratorDeps } from './index.js';

type Result = EventOf<'step.completed'> | EventOf<'step.failed'>;

function recordOf(ref: ExecutionRef, result: Result) {
  const d = result.data;
  return lifecycle(ref, 'step.recorded', `${ref.executionId}:${d.stepId}:${d.state.stepOrder}:recorded`, {
    stepId: d.stepId,
    stepType: d.stepType,
    nodeType: d.nodeType,
    stepOrder: d.state.stepOrder,
    status: result.type === 'step.completed' ? 'completed' : 'failed',
    input: d.input,
    ...(result.type === 'step.completed' ? { output: result.data.output } : { error: result.data.error }),
    attempts: Math.max(1, d.tries.length),
    tries: d.tries,
    startedAt: d.startedAt,
    completedAt: d.completedAt,
    durationMs: d.durationMs,
  });
}

/** A step succeeded: log it, merge its output into the context, follow its route. */
export function createStepCompletedHandler(deps: OrchestratorDeps): Handler<EventOf<'step.completed'>> {
  return async (event, ctx) => {
    const ref: ExecutionRef = { executionId: event.executionId as string, orgId: event.orgId };
    const { state, stepId, output } = event.data;
    const workflow = await deps.workflows.get({ orgId: ref.orgId, workflowId: state.workflowId, version: state.version });
    const now = deps.now();
    if (!workflow) {
      ctx.logger.error('workflow version vanished mid-execution');
      return [recordOf(ref, event), failExecution(ref, state, { code: 'WORKFLOW_NOT_FOUND', message: 'workflow version not found', kind: 'non_retryable' }, now)];
    }
    const step = workflow.steps.find((s) => s.stepId === stepId);
    const next = mergeOutput(state, stepId, output);
    const nextStepId = step ? nextStepAfterSuccess(step, output, next) : null;
    return [recordOf(ref, event), ...dispatchOrFinish(ref, workflow, next, nextStepId, now)];
  };
}

/** A step failed: log it; go where the step sends failures, or fail the execution with the error. */
export function createStepFailedHandler(deps: OrchestratorDeps): Handler<EventOf<'step.failed'>> {
  return async (event) => {
    const ref: ExecutionRef = { executionId: event.executionId as string, orgId: event.orgId };
    const { state, stepId, error } = event.data;
    const now = deps.now();
    const workflow = await deps.workflows.get({ orgId: ref.orgId, workflowId: state.workflowId, version: state.version });
    const step = workflow?.steps.find((s) => s.stepId === stepId);
    const recorded = recordOf(ref, event);
    if (workflow && step?.onFailureStepId) {
      const failureOutput = { error_message: error.message, error_code: error.code, failed_step_id: stepId };
      const next = mergeOutput(state, stepId, failureOutput);
      return [recorded, ...dispatchOrFinish(ref, workflow, next, step.onFailureStepId, now)];
    }
    return [recorded, failExecution(ref, state, error, now, { failedStepId: stepId, state })];
  };
}
