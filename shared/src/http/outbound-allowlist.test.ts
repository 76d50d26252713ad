import { describe, expect, it } from 'vitest';
import { checkOutboundUrl } from './outbound-allowlist.js';

const strict = { allowHosts: ['api.crm.example', '*.botwot.example'], allowPorts: [443, 8443], allowPrivate: false };
const local = { ...strict, allowPrivate: true };

describe('checkOutboundUrl', () => {
  it.each(['https://api.crm.example/records', 'https://api.crm.example:8443/x', 'https://API.CRM.EXAMPLE/records', 'https://eu.botwot.example/hook', 'https://a.b.botwot.example/hook'])(
    'accepts the allowlisted %s',
    (url) => {
      const r = checkOutboundUrl(url, strict);
      expect(r.ok, JSON.stringify(r)).toBe(true);
    },
  );

  it.each([
    ['https://evil.example/', 'not on the outbound allowlist'],
    ['https://api.crm.example.evil.example/', 'not on the outbound allowlist'],
    ['https://botwot.example/', 'not on the outbound allowlist'],
    ['https://evilbotwot.example/', 'not on the outbound allowlist'],
  ])('refuses %s, which is not on the allowlist', (url, reason) => {
    expect(checkOutboundUrl(url, strict)).toEqual({ ok: false, reason: expect.stringContaining(reason) });
  });

  it.each(['https://api.crm.example:22/', 'http://api.crm.example/', 'https://api.crm.example:6379/'])('refuses the port of %s, which is not allowed', (url) => {
    expect(checkOutboundUrl(url, strict)).toEqual({ ok: false, reason: expect.stringMatching(/^port \d+ is not an allowed outbound port$/) });
  });

  it.each(['https://api.crm.example/api#', 'https://api.crm.example/api?', 'https://api.crm.example/__admin/reset#/x', 'https://api.crm.example/api?x=1', 'https://api.crm.example/#frag'])(
    'refuses %s: a query or fragment could cut off the path appended to it',
    (url) => {
      expect(checkOutboundUrl(url, local)).toEqual({ ok: false, reason: 'a query or fragment is not allowed in a base URL' });
    },
  );

  it.each([
    'http://127.0.0.1/',
    'http://127.255.0.9:8080/',
    'http://0.0.0.0/',
    'http://localhost:3001/',
    'http://LOCALHOST/',
    'http://api.localhost/',
    'http://10.0.0.1/',
    'http://172.16.0.1/',
    'http://192.168.1.1/',
    'http://169.254.169.254/latest/meta-data/',
    'http://100.64.0.1/',
    'http://[::1]/',
    'http://[::]/',
    'http://[fc00::1]/',
    'http://[fe80::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:169.254.169.254]/',
    'http://[64:ff9b::a9fe:a9fe]/',
    'http://[2002:7f00:1::]/',
    'http://localhost./',
    'http://127.0.0.1./',
    'http://2130706433/',
    'http://0x7f000001/',
    'http://0177.0.0.1/',
    'http://192.0.2.1/',
    'http://[2001:db8::1]/',
    'http://224.0.0.1/',
  ])('refuses %s even when allowlisted: not a public address', (url) => {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    const r = checkOutboundUrl(url, { allowHosts: [host, '*.localhost'], allowPorts: [80, 3001, 8080], allowPrivate: false });
    expect(r).toEqual({ ok: false, reason: expect.stringContaining('private, loopback, link-local or reserved') });
  });

  it.each(['http://172.15.0.1/', 'http://172.32.0.1/', 'http://192.169.0.1/', 'http://11.0.0.1/', 'http://[2a00:1450::1]/'])('treats the public %s as public (refused only for not being allowlisted)', (url) => {
    expect(checkOutboundUrl(url, { ...strict, allowPorts: [80] })).toEqual({ ok: false, reason: expect.stringContaining('not on the outbound allowlist') });
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    expect(checkOutboundUrl(url, { allowHosts: [host], allowPorts: [80], allowPrivate: false }).ok).toBe(true);
  });

  it('refuses credentials in the URL and schemes other than http(s)', () => {
    expect(checkOutboundUrl('https://user:pw@api.crm.example/', strict)).toEqual({ ok: false, reason: 'credentials in URL not allowed' });
    expect(checkOutboundUrl('https://user@api.crm.example/', strict)).toEqual({ ok: false, reason: 'credentials in URL not allowed' });
    for (const url of ['file:///etc/passwd', 'ftp://api.crm.example/', 'gopher://api.crm.example/', 'javascript:alert(1)', 'data:text/plain,hi', 'ws://api.crm.example/']) {
      expect(checkOutboundUrl(url, local), url).toEqual({ ok: false, reason: expect.stringMatching(/^scheme .* not allowed$/) });
    }
    expect(checkOutboundUrl('not a url', strict)).toEqual({ ok: false, reason: 'not a URL' });
    expect(checkOutboundUrl('', strict)).toEqual({ ok: false, reason: 'not a URL' });
  });

  it('lets private and loopback literals through, on any port, with allowPrivate (the local stand-ins), and nothing else new', () => {
    for (const url of ['http://127.0.0.1:18003/records', 'http://localhost:15000/qna', 'http://[::1]:80/', 'http://10.1.2.3/', 'http://192.168.0.10:6379/']) {
      expect(checkOutboundUrl(url, local).ok, url).toBe(true);
      expect(checkOutboundUrl(url, strict).ok, url).toBe(false);
    }
    for (const url of ['https://evil.example/', 'http://169.254.169.254/', 'http://[fe80::1]/', 'http://0.0.0.0:80/', 'http://user:pw@127.0.0.1/', 'http://127.0.0.1:18003/__admin/reset#']) {
      expect(checkOutboundUrl(url, local).ok, url).toBe(false);
    }
  });
});
