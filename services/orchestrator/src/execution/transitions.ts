import {
  type EventOf,
  type ExecutionState,
  type RunnerCategory,
  type StepDefinition,
  type StepErrorInfo,
  type TriggerType,
  variablesOf,
} from '@botwot/shared/events';
import type { WorkflowVersion } from '@botwot/shared/db';
import { TRIGGER_NODES } from '@botwot/shared/nodes';
import { jsonBytes, LIMITS, nextStepAfterSuccess, truncated, validateWorkflow } from '@botwot/shared/workflow';

/**
 * The execution state machine: pure functions of (state, workflow version, now) that return what
 * happened (lifecycle records) and what comes next (dispatch a step, complete, fail). No I/O: the
 * handlers load what these need and emit what they return (see emit.ts).
 */

export type Started = EventOf<'execution.started'>['data'];
export type StepRecord = EventOf<'step.recorded'>['data'];

export type Next =
  | { kind: 'dispatch'; step: StepDefinition; category: RunnerCategory; state: ExecutionState }
  | { kind: 'complete'; state: ExecutionState }
  | { kind: 'fail'; state: ExecutionState; error: StepErrorInfo; failedStepId?: string };

export interface Transition {
  started?: Started;
  recorded: StepRecord[];
  next: Next;
}

type Request = EventOf<'execution.requested'>['data'];
type Result = EventOf<'step.completed'> | EventOf<'step.failed'>;

const RUNNER_CATEGORIES: readonly string[] = ['agent', 'action', 'utility'];

/** An execution requested: record its start, run the trigger inline (no side effect), dispatch what follows. */
export function start(input: { request: Request; workflow: WorkflowVersion | null; now: number; defaultTimeoutMs: number }): Transition {
  const { request, workflow, now } = input;
  const startedAt = new Date(now).toISOString();
  const triggerBytes = jsonBytes(request.triggerData);
  const triggerTooLarge = triggerBytes > LIMITS.triggerDataBytes;
  const deadlineAt = new Date(now + (request.timeoutMs ?? input.defaultTimeoutMs)).toISOString();
  const started: Started = {
    workflowId: request.workflowId,
    version: request.version,
    userId: request.userId,
    mode: request.mode,
    triggerData: triggerTooLarge ? truncated(request.triggerData) : request.triggerData,
    startedAt,
    deadlineAt,
    ...(request.retryOf ? { retryOf: { executionId: request.retryOf.executionId, from: request.retryOf.from } } : {}),
  };
  let state: ExecutionState = {
    workflowId: request.workflowId,
    version: request.version,
    userId: request.userId,
    mode: request.mode,
    startedAt,
    deadlineAt,
    triggerData: request.triggerData,
    steps: {},
    order: [],
    stepOrder: 0,
  };
  const fail = (code: string, message: string): Transition => ({ started, recorded: [], next: { kind: 'fail', state, error: { code, message, kind: 'non_retryable' } } });

  if (triggerTooLarge) {
    state = { ...state, triggerData: {} };
    return fail('TRIGGER_DATA_TOO_LARGE', `trigger data is ${triggerBytes} bytes; the limit is ${LIMITS.triggerDataBytes}`);
  }
  if (!workflow) return fail('WORKFLOW_NOT_FOUND', `workflow ${request.workflowId} version ${request.version} not found for this org`);
  // The gateway refuses invalid workflows, but trigger events reach here without it: check every start.
  const validation = validateWorkflow(workflow.steps);
  if (!validation.valid) {
    return fail('INVALID_WORKFLOW', `workflow version ${request.version} is not valid: ${validation.errors.map((e) => e.message).join('; ').slice(0, 500)}`);
  }

  const retry = request.retryOf;
  if (retry?.from === 'failed_step' && retry.resumeStepId) {
    state = { ...state, steps: retry.resume?.steps ?? {}, order: retry.resume?.order ?? [] };
    return { started, recorded: [], next: dispatchOrFinish(workflow, state, retry.resumeStepId, now) };
  }

  const trigger = workflow.steps.find((s) => s.stepType === 'trigger');
  if (!trigger) return fail('INVALID_WORKFLOW', 'workflow has no trigger step');
  const triggerType = trigger.config.triggerType as TriggerType;
  const output = TRIGGER_NODES[triggerType].shape(request.triggerData, new Date(now));
  const record: StepRecord = {
    workflowId: request.workflowId,
    stepId: trigger.stepId,
    stepType: 'trigger',
    nodeType: triggerType,
    stepOrder: 0,
    status: 'completed',
    input: request.triggerData,
    output,
    attempts: 1,
    tries: [],
    startedAt,
    completedAt: startedAt,
    durationMs: 0,
  };
  state = merge(state, trigger.stepId, output);
  const next = nextStepAfterSuccess(trigger, output, { vars: variablesOf(state), steps: state.steps });
  return { started, recorded: [record], next: dispatchOrFinish(workflow, state, next, now) };
}

/** A runner answered for a step: record it, then follow its route, its failure route, or fail. */
export function stepFinished(input: { result: Result; workflow: WorkflowVersion | null; now: number }): Transition {
  const { result, workflow, now } = input;
  const d = result.data;
  const record: StepRecord = {
    workflowId: d.state.workflowId,
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
  };
  if (!workflow) {
    return { recorded: [record], next: { kind: 'fail', state: d.state, error: { code: 'WORKFLOW_NOT_FOUND', message: 'workflow version not found', kind: 'non_retryable' } } };
  }
  const step = workflow.steps.find((s) => s.stepId === d.stepId);
  if (result.type === 'step.completed') {
    const state = merge(d.state, d.stepId, result.data.output);
    const bytes = jsonBytes(state);
    if (bytes > LIMITS.stateBytes) {
      const error: StepErrorInfo = { code: 'STATE_TOO_LARGE', message: `the execution's data reached ${bytes} bytes after step ${d.stepId}; the limit is ${LIMITS.stateBytes}`, kind: 'non_retryable', stepId: d.stepId };
      return { recorded: [record], next: { kind: 'fail', state: d.state, error } };
    }
    const nextStepId = step ? nextStepAfterSuccess(step, result.data.output, { vars: variablesOf(state), steps: state.steps }) : null;
    return { recorded: [record], next: dispatchOrFinish(workflow, state, nextStepId, now) };
  }
  const error = result.data.error;
  if (step?.onFailureStepId) {
    const state = merge(d.state, d.stepId, { error_message: error.message, error_code: error.code, failed_step_id: d.stepId });
    return { recorded: [record], next: dispatchOrFinish(workflow, state, step.onFailureStepId, now) };
  }
  return { recorded: [record], next: { kind: 'fail', state: d.state, error, failedStepId: d.stepId } };
}

type CancelRequest = EventOf<'execution.cancel_requested'>['data'];

/**
 * A cancel: the execution ends as cancelled now. It can have at most one log row per step of its
 * version (no cycles), so blocking that many step orders stops every step it has not reached.
 */
export function cancel(input: { request: CancelRequest; workflow: WorkflowVersion | null; now: number }): { cancelled: EventOf<'execution.cancelled'>['data']; stepOrdersToBlock: number } {
  const { request, now } = input;
  return {
    cancelled: {
      workflowId: request.workflowId,
      completedAt: new Date(now).toISOString(),
      totalDurationMs: Math.max(0, now - Date.parse(request.startedAt)),
      cancelledBy: request.userId,
      ...(request.reason ? { reason: request.reason } : {}),
    },
    stepOrdersToBlock: Math.max(1, input.workflow?.steps.length ?? 100),
  };
}

/** The next step's command, or the end when there is none; a step past the deadline fails the execution. */
function dispatchOrFinish(workflow: WorkflowVersion, state: ExecutionState, nextStepId: string | null, now: number): Next {
  if (nextStepId === null) return { kind: 'complete', state };
  if (now >= Date.parse(state.deadlineAt)) {
    const message = `execution passed its deadline (${state.deadlineAt}) before step ${nextStepId}`;
    return { kind: 'fail', state, error: { code: 'EXECUTION_TIMEOUT', message, kind: 'non_retryable', stepId: nextStepId }, failedStepId: nextStepId };
  }
  const step = workflow.steps.find((s) => s.stepId === nextStepId);
  if (!step || !RUNNER_CATEGORIES.includes(step.stepType)) {
    const message = step ? `step ${nextStepId} is a ${step.stepType} and cannot follow another step` : `next step ${nextStepId} does not exist`;
    return { kind: 'fail', state, error: { code: 'INVALID_WORKFLOW', message, kind: 'non_retryable', stepId: nextStepId } };
  }
  return { kind: 'dispatch', step, category: step.stepType as RunnerCategory, state };
}

/** The state after a step's output: held once, merged last, and the next log row's order. */
function merge(state: ExecutionState, stepId: string, output: Record<string, unknown>): ExecutionState {
  return {
    ...state,
    steps: { ...state.steps, [stepId]: output },
    order: [...state.order.filter((id) => id !== stepId), stepId],
    stepOrder: state.stepOrder + 1,
  };
}
