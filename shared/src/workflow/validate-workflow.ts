import type { StepDefinition } from '../events/index.js';
import { nodeRegistry, type NodeRegistry } from '../nodes/registry.js';

export interface ValidationIssue {
  stepId?: string;
  message: string;
}

function targetsOf(step: StepDefinition): string[] {
  const out: string[] = [];
  if (step.nextStepId) out.push(step.nextStepId);
  for (const r of step.routes ?? []) out.push(r.nextStepId);
  if (step.onFailureStepId) out.push(step.onFailureStepId);
  return out;
}

/**
 * Five structural checks (steps exist, a trigger exists, every step configured, every non-action
 * step connected) plus: exactly one trigger, known node types with valid config, unique ids,
 * no dangling targets, nothing unreachable from the trigger, no cycles.
 */
export function validateWorkflow(steps: StepDefinition[], registry: NodeRegistry = nodeRegistry): { valid: boolean; errors: ValidationIssue[] } {
  const errors: ValidationIssue[] = [];
  if (steps.length === 0) return { valid: false, errors: [{ message: 'Workflow has no steps' }] };

  const byId = new Map<string, StepDefinition>();
  for (const step of steps) {
    if (byId.has(step.stepId)) errors.push({ stepId: step.stepId, message: `Step id ${step.stepId} is used more than once` });
    byId.set(step.stepId, step);
  }

  const triggers = steps.filter((s) => s.stepType === 'trigger');
  if (triggers.length === 0) errors.push({ message: 'Workflow must have at least one trigger' });
  if (triggers.length > 1) errors.push({ message: `Workflow has ${triggers.length} triggers; an execution starts at exactly one` });

  for (const step of steps) {
    if (!step.config || Object.keys(step.config).length === 0) {
      errors.push({ stepId: step.stepId, message: `Step ${step.stepId} is not configured` });
    } else {
      const parsed = registry.parse(step);
      if (!parsed.ok) for (const p of parsed.problems) errors.push({ stepId: step.stepId, message: `Step ${step.stepId}: ${p}` });
    }
    const connected = !!step.nextStepId || (step.routes?.length ?? 0) > 0;
    if (step.stepType !== 'action' && !connected) {
      errors.push({ stepId: step.stepId, message: `Step ${step.stepId} has no outgoing connection` });
    }
    for (const target of targetsOf(step)) {
      if (!byId.has(target)) errors.push({ stepId: step.stepId, message: `Step ${step.stepId} points to missing step ${target}` });
      else if (byId.get(target)?.stepType === 'trigger') errors.push({ stepId: step.stepId, message: `Step ${step.stepId} points back to trigger ${target}` });
    }
  }

  const start = triggers[0];
  if (start) {
    const seen = new Set<string>();
    const queue = [start.stepId];
    while (queue.length > 0) {
      const id = queue.shift() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      const step = byId.get(id);
      if (step) queue.push(...targetsOf(step));
    }
    for (const step of steps) {
      if (!seen.has(step.stepId)) errors.push({ stepId: step.stepId, message: `Step ${step.stepId} is unreachable from the trigger` });
    }
    const cycle = findCycle(start.stepId, byId);
    if (cycle) errors.push({ stepId: cycle[0], message: `Steps form a cycle: ${cycle.join(' → ')}` });
  }
  return { valid: errors.length === 0, errors };
}

function findCycle(start: string, byId: Map<string, StepDefinition>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | null => {
    if (state.get(id) === 'done') return null;
    if (state.get(id) === 'open') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'open');
    path.push(id);
    const step = byId.get(id);
    for (const next of step ? targetsOf(step) : []) {
      const found = visit(next);
      if (found) return found;
    }
    path.pop();
    state.set(id, 'done');
    return null;
  };
  return visit(start);
}
