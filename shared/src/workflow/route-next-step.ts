import type { Route, StepDefinition } from '../events/index.js';
import { resolvePath, type TemplateScope } from './template.js';

function holds(route: Route, output: Record<string, unknown>, scope: TemplateScope): boolean {
  const { field, equals, notEquals, exists } = route.when;
  const hit = Object.hasOwn(output, field) ? { found: true, value: output[field] } : resolvePath(scope, field);
  if (exists !== undefined && hit.found !== exists) return false;
  if (equals !== undefined && !(hit.found && looselyEqual(hit.value, equals))) return false;
  if (notEquals !== undefined && hit.found && looselyEqual(hit.value, notEquals)) return false;
  if (route.when.in !== undefined && !(hit.found && route.when.in.some((v) => looselyEqual(hit.value, v)))) return false;
  return true;
}

/** Strings compare without regard to case or surrounding space ("approve" matches "Approve"). */
function looselyEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.trim().toLowerCase() === b.trim().toLowerCase();
  return a === b;
}

/** After a step succeeds: the first route that holds, else nextStepId, else the end (null). */
export function nextStepAfterSuccess(step: StepDefinition, output: Record<string, unknown>, scope: TemplateScope): string | null {
  for (const route of step.routes ?? []) if (holds(route, output, scope)) return route.nextStepId;
  return step.nextStepId ?? null;
}
