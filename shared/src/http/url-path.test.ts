import { describe, expect, it } from 'vitest';
import { appendPath } from './url-path.js';

describe('appendPath', () => {
  it('appends each segment, encoded, below the base path', () => {
    expect(appendPath('https://crm.example/api/', ['records']).href).toBe('https://crm.example/api/records');
    expect(appendPath('https://crm.example/api', ['records', 'a b/c?d#e']).href).toBe('https://crm.example/api/records/a%20b%2Fc%3Fd%23e');
    expect(appendPath('http://127.0.0.1:18002/v21.0', ['100000000000001', 'messages']).href).toBe('http://127.0.0.1:18002/v21.0/100000000000001/messages');
  });

  it('never climbs out of the base path or changes the host', () => {
    for (const s of ['..', '.', '%2e%2e', '%2E.', '']) expect(() => appendPath('https://crm.example/api', ['records', s]), s).toThrow(TypeError);
    expect(appendPath('https://crm.example/api', ['..%2f..', 'x']).pathname).toBe('/api/..%252f../x');
    expect(appendPath('https://crm.example/api', ['@evil.example']).host).toBe('crm.example');
    expect(appendPath('https://crm.example/api', ['//evil.example']).host).toBe('crm.example');
  });

  it('refuses a base with a query or fragment, even an empty one', () => {
    for (const base of ['https://crm.example/__admin/reset#', 'https://crm.example/x?', 'https://crm.example/x?a=1', 'https://crm.example/x#y']) {
      expect(() => appendPath(base, ['records']), base).toThrow('a base URL has no query or fragment');
    }
  });
});
