import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so two bodies that mean the same hash the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * What an Idempotency-Key is bound to: the route (execute, test or retry, which fixes the mode),
 * its target (a workflow or an execution) and the body. The same key with any other request is
 * refused rather than answered with the first one's result.
 */
export function requestFingerprint(request: { route: 'execute' | 'test' | 'retry'; target: string; body: unknown }): string {
  return createHash('sha256').update(canonical(request)).digest('base64url');
}
