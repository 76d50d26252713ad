import { describe, expect, it } from 'vitest';
import { explainFailure } from './failure.js';

describe('explainFailure', () => {
  it('names the breaker and the limit that refused a step', () => {
    expect(explainFailure({ code: 'BREAKER_OPEN', message: 'x', provider: 'botcore' })).toMatchObject({ kind: 'breaker', title: 'Circuit breaker open: botcore' });
    expect(explainFailure({ code: 'RATE_LIMITED', message: 'x', provider: 'whatsapp' })).toMatchObject({ kind: 'limit', title: 'Rate limited by whatsapp' });
    expect(explainFailure({ code: 'STATE_TOO_LARGE', message: 'x' }).kind).toBe('limit');
  });

  it('reads timeouts, provider statuses and anything else', () => {
    expect(explainFailure({ code: 'STEP_TIMEOUT', message: 'x' }).kind).toBe('timeout');
    expect(explainFailure({ code: 'UPSTREAM_503', message: 'x', provider: 'crm', kind: 'retryable' })).toMatchObject({ kind: 'provider', title: 'crm answered 503' });
    expect(explainFailure({ code: 'TEMPLATE_BAD', message: 'x', kind: 'non_retryable' })).toMatchObject({ kind: 'error', title: 'TEMPLATE_BAD', detail: 'Not retryable as is.' });
  });
});
