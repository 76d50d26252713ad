import type { DateRange, StatusFilter } from '../api/types.js';

/** Every page of the console, as the address (after `#`) names it. */
export type Route =
  | { page: 'sign-in' }
  | { page: 'workflows'; pageNo: number }
  | { page: 'workflow'; id: string; status: StatusFilter; dateRange: DateRange; pageNo: number }
  | { page: 'execution'; id: string; step?: string }
  | { page: 'dead-letters' }
  | { page: 'not-found'; path: string };

const STATUSES: readonly StatusFilter[] = ['all', 'running', 'completed', 'failed', 'cancelled'];
const RANGES: readonly DateRange[] = ['all', '24h', '7d', '30d'];

function pageNumber(v: string | null): number {
  const n = Number(v);
  return Number.isInteger(n) && n >= 1 && n <= 1_000_000 ? n : 1;
}

function oneOf<T extends string>(v: string | null, allowed: readonly T[], fallback: T): T {
  return allowed.includes(v as T) ? (v as T) : fallback;
}

/** Reads a hash such as `#/workflows/wf_1?status=failed&page=2`; unknown values fall back to defaults. */
export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/';
  const [pathPart = '/', queryPart = ''] = raw.split('?', 2);
  const q = new URLSearchParams(queryPart);
  const segments = pathPart.split('/').filter(Boolean).map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  const [first, second, ...rest] = segments;
  if (rest.length > 0) return { page: 'not-found', path: pathPart };
  if (first === undefined || (first === 'workflows' && second === undefined)) return { page: 'workflows', pageNo: pageNumber(q.get('page')) };
  if (first === 'sign-in' && second === undefined) return { page: 'sign-in' };
  if (first === 'dead-letters' && second === undefined) return { page: 'dead-letters' };
  if (first === 'workflows' && second) {
    return { page: 'workflow', id: second, status: oneOf(q.get('status'), STATUSES, 'all'), dateRange: oneOf(q.get('range'), RANGES, 'all'), pageNo: pageNumber(q.get('page')) };
  }
  if (first === 'executions' && second) {
    const step = q.get('step');
    return step ? { page: 'execution', id: second, step } : { page: 'execution', id: second };
  }
  return { page: 'not-found', path: pathPart };
}

/** The address of a page; defaults are left out so links stay short. */
export function hrefFor(route: Route): string {
  switch (route.page) {
    case 'sign-in':
      return '#/sign-in';
    case 'workflows':
      return route.pageNo > 1 ? `#/workflows?page=${route.pageNo}` : '#/workflows';
    case 'workflow': {
      const q = new URLSearchParams();
      if (route.status !== 'all') q.set('status', route.status);
      if (route.dateRange !== 'all') q.set('range', route.dateRange);
      if (route.pageNo > 1) q.set('page', String(route.pageNo));
      const qs = q.toString();
      return `#/workflows/${encodeURIComponent(route.id)}${qs ? `?${qs}` : ''}`;
    }
    case 'execution':
      return `#/executions/${encodeURIComponent(route.id)}${route.step ? `?step=${encodeURIComponent(route.step)}` : ''}`;
    case 'dead-letters':
      return '#/dead-letters';
    case 'not-found':
      return `#${route.path}`;
    default: {
      const never: never = route;
      return never;
    }
  }
}

/** A workflow's page with the default filters. */
export const workflowHref = (id: string) => hrefFor({ page: 'workflow', id, status: 'all', dateRange: 'all', pageNo: 1 });
export const executionHref = (id: string) => hrefFor({ page: 'execution', id });
