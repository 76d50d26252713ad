import type { ExecutionState } from './catalog.js';

/**
 * The flat variables `{{name}}` reads: the trigger data, then every output in the order it was
 * merged, a later field winning over an earlier one of the same name.
 */
export function variablesOf(state: Pick<ExecutionState, 'triggerData' | 'steps' | 'order'>): Record<string, unknown> {
  const vars: Record<string, unknown> = { ...state.triggerData };
  for (const stepId of state.order) Object.assign(vars, state.steps[stepId]);
  return vars;
}
