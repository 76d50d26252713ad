import { describe, expect, it } from 'vitest';
import { requestFingerprint } from './idempotency.js';

describe('requestFingerprint', () => {
  const base = { route: 'execute' as const, target: 'wf1', body: { a: 1, b: { c: [1, 2], d: 'x' } } };

  it('is the same for the same request, whatever the key order of the body', () => {
    expect(requestFingerprint(base)).toBe(requestFingerprint({ route: 'execute', target: 'wf1', body: { b: { d: 'x', c: [1, 2] }, a: 1 } }));
  });

  it('differs by route (and so by mode), target and body', () => {
    const fp = requestFingerprint(base);
    expect(requestFingerprint({ ...base, route: 'test' })).not.toBe(fp);
    expect(requestFingerprint({ ...base, target: 'wf2' })).not.toBe(fp);
    expect(requestFingerprint({ ...base, body: { a: 2, b: { c: [1, 2], d: 'x' } } })).not.toBe(fp);
    expect(requestFingerprint({ ...base, body: { a: 1, b: { c: [2, 1], d: 'x' } } })).not.toBe(fp);
    expect(requestFingerprint({ ...base, body: { a: '1', b: { c: [1, 2], d: 'x' } } })).not.toBe(fp);
  });
});
