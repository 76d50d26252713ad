import { describe, expect, it } from 'vitest';
import { hrefFor, parseRoute, type Route } from './routes.js';

describe('parseRoute / hrefFor', () => {
  it('round-trips every page', () => {
    const routes: Route[] = [
      { page: 'sign-in' },
      { page: 'workflows', pageNo: 1 },
      { page: 'workflows', pageNo: 3 },
      { page: 'workflow', id: 'wf_1', status: 'all', dateRange: 'all', pageNo: 1 },
      { page: 'workflow', id: 'wf 2/x', status: 'failed', dateRange: '24h', pageNo: 4 },
      { page: 'execution', id: 'ex_1' },
      { page: 'execution', id: 'ex_1', step: 'decide' },
      { page: 'dead-letters' },
    ];
    for (const r of routes) expect(parseRoute(hrefFor(r))).toEqual(r);
  });

  it('treats the empty hash as the workflows list and falls back on bad values', () => {
    expect(parseRoute('')).toEqual({ page: 'workflows', pageNo: 1 });
    expect(parseRoute('#/')).toEqual({ page: 'workflows', pageNo: 1 });
    expect(parseRoute('#/workflows/w?status=nope&range=1y&page=-3')).toEqual({ page: 'workflow', id: 'w', status: 'all', dateRange: 'all', pageNo: 1 });
    expect(parseRoute('#/executions/%E0%A4%A')).toEqual({ page: 'execution', id: '%E0%A4%A' });
  });

  it('says what it does not know', () => {
    expect(parseRoute('#/nowhere')).toEqual({ page: 'not-found', path: '/nowhere' });
    expect(parseRoute('#/workflows/a/b')).toEqual({ page: 'not-found', path: '/workflows/a/b' });
  });
});
