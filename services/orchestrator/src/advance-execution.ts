import { commandTopic, createEvent, TOPICS, type ExecutionState, type StepDefinition, type StepErrorInfo, type RunnerCategory } from '@botwot/shared/events';
import type { WorkflowVersion } from '@botwot/shared/db';
import type { Outgoing } from '@botwot/shared/kafka';
import { nodeTypeOf } from '@botwot/shared/workflow';

export interface ExecutionRef {
  executionId: string;
  orgId: string;
}

const RUNNER_CATEGORIES: readonly string[] = ['agent', 'action', 'utility'];

/** A lifecycle event on the execution-events topic, keyed by execution. */
export function lifecycle<T extends 'execution.started' | 'step.recorded' | 'execution.completed' | 'execution.failed'>(
  ref: ExecutionRef,
  type: T,
  eventId: string,
  data: Parameters<typeof createEvent<T>>[1]['data'],
): Outgoing {
  return { topic: TOPICS.executionEvents, key: ref.executionId, event: createEvent(type, { orgId: ref.orgId, executionId: ref.executionId, eventId, data }) };
}

/** Ends the execution as failed, keeping the state a retry from the failed step needs. */
export function failExecution(ref: ExecutionRef, state: ExecutionState, error: StepErrorInfo, now: number, resume?: { failedStepId: string; state: ExecutionState }): Outgoing {
  return lifecycle(ref, 'execution.failed', `${ref.executionId}:failed`, {
    error,
    completedAt: new Date(now).toISOString(),
    totalDurationMs: Math.max(0, now - Date.parse(state.startedAt)),
    ...(resume
      ? { failedStepId: resume.failedStepId, resumeState: { vars: resume.state.vars, steps: resume.state.steps, stepOrder: resume.state.stepOrder } }
      : {}),
  });
}

/**
 * Sends the command for `nextStepId`, or ends the execution when there is none. Ids are
 * deterministic so that handling the same input twice yields the same messages.
 */
export function dispatchOrFinish(ref: ExecutionRef, workflow: WorkflowVersion, state: ExecutionState, nextStepId: string | null, now: number): Outgoing[] {
  if (nextStepId === null) {
    return [
      lifecycle(ref, 'execution.completed', `${ref.executionId}:completed`, {
        finalOutput: state.vars,
        completedAt: new Date(now).toISOString(),
        totalDurationMs: Math.max(0, now - Date.parse(state.startedAt)),
      }),
    ];
  }
  if (now >= Date.parse(state.deadlineAt)) {
    const message = `execution passed its deadline (${state.deadlineAt}) before step ${nextStepId}`;
    return [failExecution(ref, state, { code: 'EXECUTION_TIMEOUT', message, kind: 'non_retryable', stepId: nextStepId }, now, { failedStepId: nextStepId, state })];
  }
  const step = workflow.steps.find((s) => s.stepId === nextStepId);
  if (!step || !RUNNER_CATEGORIES.includes(step.stepType)) {
    const message = step ? `step ${nextStepId} is a ${step.stepType} and cannot follow another step` : `next step ${nextStepId} does not exist`;
    return [failExecution(ref, state, { code: 'INVALID_WORKFLOW', message, kind: 'non_retryable', stepId: nextStepId }, now)];
  }
  return [commandFor(ref, step, state)];
}

function commandFor(ref: ExecutionRef, step: StepDefinition, state: ExecutionState): Outgoing {
  const category = step.stepType as RunnerCategory;
  const event = createEvent('step.command', {
    orgId: ref.orgId,
    executionId: ref.executionId,
    eventId: `${ref.executionId}:${step.stepId}:${state.stepOrder}:command`,
    data: { step, stepType: step.stepType, nodeType: nodeTypeOf(step) ?? 'unknown', attempt: 1, state },
  });
  return { topic: commandTopic(category), key: ref.executionId, event };
}

/** The state after a step's output is merged: flat variables and the step's own entry. */
export function mergeOutput(state: ExecutionState, stepId: string, output: Record<string, unknown>): ExecutionState {
  return { ...state, vars: { ...state.vars, ...output }, steps: { ...state.steps, [stepId]: output }, stepOrder: state.stepOrder + 1 };
}
