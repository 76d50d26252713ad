import { variablesOf, type ResumeState, type StepDefinition, type TriggerType } from '@botwot/shared/events';
import { nodeRegistry, TRIGGER_NODES } from '@botwot/shared/nodes';
import { LIMITS, nextStepAfterSuccess, renderConfig, sideEffectOf, type SideEffect } from '@botwot/shared/workflow';

export interface PlannedStep {
  stepId: string;
  stepType: string;
  nodeType: string;
}

export interface RetryPlan {
  stepsToRun: PlannedStep[];
  sideEffects: (SideEffect & { stepId: string })[];
  /** what the preview could not know, in words */
  notes: string[];
}

export interface PlanInput {
  /** the version the retry runs */
  steps: StepDefinition[];
  mode: 'live' | 'test';
  triggerData: Record<string, unknown>;
  startedAt: Date;
  /** each step's recorded output in the original run (completed steps only) */
  recorded: Map<string, Record<string, unknown>>;
  /** from the start, or resuming at the failed step with the outputs before it */
  from: { kind: 'start' } | { kind: 'failed_step'; stepId: string; resume: ResumeState };
}

/**
 * What a retry would do, worked out from the original run's record: it walks the version from
 * where the retry starts, renders each action's config with the same templating the runners use
 * (trigger data and the outputs recorded so far), and follows each step's route on its recorded
 * output. What it cannot know: an agent or utility may answer differently when asked again, so a
 * branch may go elsewhere and a message may read otherwise; a step the original run has no
 * output for (it failed there, or it is new in the version) is assumed to succeed, and where such
 * a step branches the preview stops.
 */
export function planRetry(input: PlanInput): RetryPlan {
  const byId = new Map(input.steps.map((s) => [s.stepId, s]));
  const state = { triggerData: input.triggerData, steps: {} as Record<string, Record<string, unknown>>, order: [] as string[] };
  const merge = (stepId: string, output: Record<string, unknown>) => {
    state.steps[stepId] = output;
    state.order = [...state.order.filter((id) => id !== stepId), stepId];
  };
  const plan: RetryPlan = { stepsToRun: [], sideEffects: [], notes: [] };
  if (input.mode === 'test') plan.notes.push('a test execution: its retry runs as a test too, and its actions are simulated: nothing is sent');

  let current: string | null;
  if (input.from.kind === 'failed_step') {
    for (const id of input.from.resume.order) merge(id, input.from.resume.steps[id] ?? {});
    current = input.from.stepId;
  } else {
    current = input.steps.find((s) => s.stepType === 'trigger')?.stepId ?? null;
  }

  const seen = new Set<string>();
  while (current !== null) {
    const step = byId.get(current);
    if (!step || seen.has(current)) {
      plan.notes.push(`step ${current} is not in this version: the retry would fail there`);
      break;
    }
    seen.add(current);
    plan.stepsToRun.push({ stepId: step.stepId, stepType: step.stepType, nodeType: nodeRegistry.keyOf(step) ?? 'unknown' });
    const scope = () => ({ vars: variablesOf(state), steps: state.steps });

    if (step.stepType === 'trigger') {
      merge(step.stepId, input.recorded.get(step.stepId) ?? TRIGGER_NODES[step.config.triggerType as TriggerType].shape(input.triggerData, input.startedAt));
    } else if (step.stepType === 'action') {
      const parsed = nodeRegistry.parse(step);
      if (parsed.ok) {
        const rendered = renderConfig(parsed.config, scope(), { maxBytes: LIMITS.stepInputBytes });
        const effect = sideEffectOf(parsed.key, rendered.value, scope().vars);
        if (effect && input.mode === 'live') plan.sideEffects.push({ stepId: step.stepId, ...effect });
        if (rendered.missing.length > 0) plan.notes.push(`step ${step.stepId}: ${rendered.missing.map((m) => `{{${m}}}`).join(', ')} not known from the original run; left as written here`);
      }
    }

    const output = step.stepType === 'trigger' ? state.steps[step.stepId] : input.recorded.get(step.stepId);
    if (output) {
      if (step.stepType !== 'trigger') merge(step.stepId, output);
      current = nextStepAfterSuccess(step, output, scope());
    } else if ((step.routes ?? []).length > 0) {
      plan.notes.push(`step ${step.stepId} branches on an output the original run does not have: what follows it is not known`);
      current = null;
    } else {
      current = step.nextStepId ?? null;
    }
  }
  return plan;
}
