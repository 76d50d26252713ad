import { commandTopic, createEvent, ids, TOPICS, variablesOf, type ExecutionState } from '@botwot/shared/events';
import type { Outgoing } from '@botwot/shared/kafka';
import { nodeRegistry } from '@botwot/shared/nodes';
import type { Transition } from './transitions.js';

export interface ExecutionRef {
  executionId: string;
  orgId: string;
}

/**
 * The messages a transition sends: its lifecycle records on the execution-events topic (keyed by
 * workflow), then the next step's command (keyed by execution) or the execution's end. Ids are
 * deterministic, so emitting the same transition twice sends the same events.
 */
export function emit(ref: ExecutionRef, t: Transition, now: number): Outgoing[] {
  const out: Outgoing[] = [];
  const lifecycle = (event: Outgoing['event'], workflowId: string) => out.push({ topic: TOPICS.executionEvents, key: workflowId, event });
  const base = { orgId: ref.orgId, executionId: ref.executionId };
  if (t.started) lifecycle(createEvent('execution.started', { ...base, eventId: ids.startedEvent(ref.executionId), data: t.started }), t.started.workflowId);
  for (const r of t.recorded) lifecycle(createEvent('step.recorded', { ...base, eventId: ids.recordedEvent(ref.executionId, r.stepId, r.stepOrder), data: r }), r.workflowId);

  const { next } = t;
  const { state } = next;
  const timing = { completedAt: new Date(now).toISOString(), totalDurationMs: Math.max(0, now - Date.parse(state.startedAt)) };
  switch (next.kind) {
    case 'dispatch':
      out.push({
        topic: commandTopic(next.category),
        key: ref.executionId,
        event: createEvent('step.command', {
          ...base,
          eventId: ids.commandEvent(ref.executionId, next.step.stepId, state.stepOrder),
          data: { step: next.step, stepType: next.step.stepType, nodeType: nodeRegistry.subtypeOf(next.step) ?? 'unknown', state },
        }),
      });
      break;
    case 'complete':
      lifecycle(
        createEvent('execution.completed', { ...base, eventId: ids.completedEvent(ref.executionId), data: { workflowId: state.workflowId, finalOutput: variablesOf(state), ...timing } }),
        state.workflowId,
      );
      break;
    case 'fail':
      lifecycle(
        createEvent('execution.failed', {
          ...base,
          eventId: ids.failedEvent(ref.executionId),
          data: {
            workflowId: state.workflowId,
            error: next.error,
            ...timing,
            ...(next.failedStepId ? { failedStepId: next.failedStepId, resumeState: resumeStateOf(state) } : {}),
          },
        }),
        state.workflowId,
      );
      break;
    default: {
      const never: never = next;
      throw new Error(`unknown next ${String(never)}`);
    }
  }
  return out;
}

function resumeStateOf(state: ExecutionState) {
  return { steps: state.steps, order: state.order, stepOrder: state.stepOrder };
}
