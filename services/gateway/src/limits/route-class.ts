/** The limit classes: every route of the API is in exactly one. */
export const ROUTE_CLASSES = ['read', 'write', 'execute'] as const;
export type RouteClass = (typeof ROUTE_CLASSES)[number];

/** Which limit a request counts against: starts of executions, changes, or reads. */
export function routeClassOf(method: string, path: string): RouteClass {
  if (method === 'GET' || method === 'HEAD') return 'read';
  if (method === 'POST' && /\/(?:execute|test|retry)\/?$/.test(path)) return 'execute';
  if (method === 'POST' && /\/validate\/?$/.test(path)) return 'read';
  return 'write';
}
