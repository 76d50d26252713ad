import type { RouteCondition, Step } from '../api/types.js';

/** How one step leads to another: a branch, the plain next step, or where a failure goes. */
export type EdgeKind = 'route' | 'next' | 'failure';

export interface StepEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  /** what the arrow is labelled with: the branch's condition, "otherwise", "on failure" */
  label: string;
}

function value(v: string | number | boolean): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** A branch's condition as people write it: `decision = Approve`, `risk_level in high, critical`. */
export function conditionLabel(when: RouteCondition): string {
  if (when.equals !== undefined) return `${when.field} = ${value(when.equals)}`;
  if (when.notEquals !== undefined) return `${when.field} ≠ ${value(when.notEquals)}`;
  if (when.in !== undefined) return `${when.field} in ${when.in.map(value).join(', ')}`;
  if (when.exists !== undefined) return when.exists ? `${when.field} exists` : `no ${when.field}`;
  return when.field;
}

/** Every arrow of a workflow, in the order the engine considers them: routes, then next, then failure. */
export function edgesOf(steps: Step[]): StepEdge[] {
  const edges: StepEdge[] = [];
  for (const s of steps) {
    for (const r of s.routes ?? []) edges.push({ from: s.stepId, to: r.nextStepId, kind: 'route', label: conditionLabel(r.when) });
    if (s.nextStepId) edges.push({ from: s.stepId, to: s.nextStepId, kind: 'next', label: s.routes?.length ? 'otherwise' : '' });
    if (s.onFailureStepId) edges.push({ from: s.stepId, to: s.onFailureStepId, kind: 'failure', label: 'on failure' });
  }
  return edges;
}
