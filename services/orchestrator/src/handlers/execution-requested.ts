import type { EventOf, ExecutionState, TriggerType } from '@botwot/shared/events';
import type { Handler } from '@botwot/shared/kafka';
import { nextStepAfterSuccess, shapeTriggerData, validateWorkflow } from '@botwot/shared/workflow';
import { dispatchOrFinish, failExecution, lifecycle, mergeOutput, type ExecutionRef } from '../advance-execution.js';
import type { OrchestratorDeps } from './index.js';

/**
 * Starts an execution: records it, evaluates the trigger inline (it has no side effect) and sends
 * the first command. A retry from the failed step resumes with the state the failure kept.
 */
export function createExecutionRequestedHandler(deps: OrchestratorDeps): Handler<EventOf<'execution.requested'>> {
  return async (event, ctx) => {
    const ref: ExecutionRef = { executionId: event.executionId as string, orgId: event.orgId };
    const claim = await deps.claims.claim(`execution:${ref.executionId}`, `${ctx.topic}/${ctx.partition}/${ctx.offset}`);
    if (claim === 'duplicate') {
      ctx.logger.info('execution already started by an earlier message; ignoring the duplicate');
      return [];
    }
    const now = deps.now();
    const { data } = event;
    const startedAt = new Date(now).toISOString();
    const deadlineAt = new Date(now + (data.timeoutMs ?? deps.executionTimeoutMs)).toISOString();
    const started = lifecycle(ref, 'execution.started', `${ref.executionId}:started`, {
      workflowId: data.workflowId,
      version: data.version,
      userId: data.userId,
      mode: data.mode,
      triggerData: data.triggerData,
      startedAt,
      deadlineAt,
      ...(data.retryOf ? { retryOf: { executionId: data.retryOf.executionId, from: data.retryOf.from } } : {}),
    });
    let state: ExecutionState = {
      workflowId: data.workflowId,
      version: data.version,
      userId: data.userId,
      mode: data.mode,
      startedAt,
      deadlineAt,
      vars: { ...data.triggerData },
      steps: {},
      stepOrder: 0,
    };

    const workflow = await deps.workflows.get({ orgId: ref.orgId, workflowId: data.workflowId, version: data.version });
    if (!workflow) {
      const message = `workflow ${data.workflowId} version ${data.version} not found for this org`;
      return [started, failExecution(ref, state, { code: 'WORKFLOW_NOT_FOUND', message, kind: 'non_retryable' }, now)];
    }

    // The gateway refuses invalid workflows, but trigger events reach here without it: check every start.
    const validation = validateWorkflow(workflow.steps);
    if (!validation.valid) {
      const message = `workflow version ${data.version} is not valid: ${validation.errors.map((e) => e.message).join('; ').slice(0, 500)}`;
      return [started, failExecution(ref, state, { code: 'INVALID_WORKFLOW', message, kind: 'non_retryable' }, now)];
    }

    const resume = data.retryOf?.from === 'failed_step' ? data.retryOf : undefined;
    if (resume?.resumeStepId) {
      state = { ...state, vars: resume.vars ?? state.vars, steps: resume.steps ?? {}, stepOrder: 0 };
      return [started, ...dispatchOrFinish(ref, workflow, state, resume.resumeStepId, now)];
    }

    const trigger = workflow.steps.find((s) => s.stepType === 'trigger');
    if (!trigger) {
      return [started, failExecution(ref, state, { code: 'INVALID_WORKFLOW', message: 'workflow has no trigger step', kind: 'non_retryable' }, now)];
    }
    const triggerType = trigger.config.triggerType as TriggerType;
    const output = shapeTriggerData(triggerType, data.triggerData, new Date(now));
    const recorded = lifecycle(ref, 'step.recorded', `${ref.executionId}:${trigger.stepId}:0:recorded`, {
      stepId: trigger.stepId,
      stepType: 'trigger',
      nodeType: triggerType,
      stepOrder: 0,
      status: 'completed',
      input: data.triggerData,
      output,
      attempts: 1,
      tries: [],
      startedAt,
      completedAt: startedAt,
      durationMs: 0,
    });
    state = mergeOutput(state, trigger.stepId, output);
    const next = nextStepAfterSuccess(trigger, output, state);
    return [started, recorded, ...dispatchOrFinish(ref, workflow, state, next, now)];
  };
}
