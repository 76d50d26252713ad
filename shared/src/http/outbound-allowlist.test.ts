import { describe, expect, it } from 'vitest';
import { checkOutboundUrl } from './outbound-allowlist.js';

const strict = { allowHosts: ['api.crm.example', '*.botwot.example'], allowPrivate: false };
const local = { ...strict, allowPrivate: true };

describe('checkOutboundUrl', () => {
  it.each([
    'https://api.crm.example/records',
    'http://api.crm.example:8080/x?y=1',
    'https://API.CRM.EXAMPLE/records',
    'https://eu.botwot.example/hook',
    'https://a.b.botwot.example/hook',
  ])('accepts the allowlisted %s', (url) => {
    const r = checkOutboundUrl(url, strict);
    expect(r.ok, JSON.stringify(r)).toBe(true);
  });

  it.each([
    ['https://evil.example/', 'not on the outbound allowlist'],
    ['https://api.crm.example.evil.example/', 'not on the outbound allowlist'],
    ['https://botwot.example/', 'not on the outbound allowlist'],
    ['https://evilbotwot.example/', 'not on the outbound allowlist'],
  ])('refuses %s, which is not on the allowlist', (url, reason) => {
    expect(checkOutboundUrl(url, strict)).toEqual({ ok: false, reason: expect.stringContaining(reason) });
  });

  it.each([
    'http://127.0.0.1/',
    'http://127.255.0.9:8080/',
    'http://0.0.0.0/',
    'http://localhost:3001/',
    'http://LOCALHOST/',
    'http://api.localhost/',
    'http://10.0.0.1/',
    'http://10.255.255.255/',
    'http://172.16.0.1/',
    'http://172.31.255.254/',
    'http://192.168.1.1/',
    'http://169.254.169.254/latest/meta-data/',
    'http://100.64.0.1/',
    'http://[::1]/',
    'http://[::]/',
    'http://[fc00::1]/',
    'http://[fd12:3456::1]/',
    'http://[fe80::1]/',
    'http://[febf::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:10.0.0.1]/',
    'http://[::ffff:169.254.169.254]/',
    'http://[::ffff:7f00:1]/',
    'http://[::127.0.0.1]/',
    'http://[64:ff9b::a9fe:a9fe]/',
    'http://[fec0::1]/',
    'http://localhost./',
    'http://127.0.0.1./',
    'http://2130706433/',
    'http://0x7f000001/',
    'http://0177.0.0.1/',
  ])('refuses the private, loopback or link-local %s even when allowlisted', (url) => {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    const r = checkOutboundUrl(url, { allowHosts: [host, '*.localhost'], allowPrivate: false });
    expect(r).toEqual({ ok: false, reason: expect.stringContaining('private, loopback or link-local') });
  });

  it.each(['http://172.15.0.1/', 'http://172.32.0.1/', 'http://192.169.0.1/', 'http://11.0.0.1/', 'http://[2001:db8::1]/'])(
    'treats the public %s as public (refused only for not being allowlisted)',
    (url) => {
      expect(checkOutboundUrl(url, strict)).toEqual({ ok: false, reason: expect.stringContaining('not on the outbound allowlist') });
      const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
      expect(checkOutboundUrl(url, { allowHosts: [host], allowPrivate: false }).ok).toBe(true);
    },
  );

  it('refuses credentials in the URL and schemes other than http(s)', () => {
    expect(checkOutboundUrl('https://user:pw@api.crm.example/', strict)).toEqual({ ok: false, reason: 'credentials in URL not allowed' });
    expect(checkOutboundUrl('https://user@api.crm.example/', strict)).toEqual({ ok: false, reason: 'credentials in URL not allowed' });
    for (const url of ['file:///etc/passwd', 'ftp://api.crm.example/', 'gopher://api.crm.example/', 'javascript:alert(1)', 'data:text/plain,hi', 'ws://api.crm.example/']) {
      expect(checkOutboundUrl(url, local), url).toEqual({ ok: false, reason: expect.stringMatching(/^scheme .* not allowed$/) });
    }
    expect(checkOutboundUrl('not a url', strict)).toEqual({ ok: false, reason: 'not a URL' });
    expect(checkOutboundUrl('', strict)).toEqual({ ok: false, reason: 'not a URL' });
  });

  it('lets loopback and private hosts through with allowPrivate (the local stand-ins), and nothing else new', () => {
    for (const url of ['http://127.0.0.1:18003/records', 'http://localhost:15000/qna', 'http://[::1]:80/', 'http://10.1.2.3/', 'http://192.168.0.10/']) {
      expect(checkOutboundUrl(url, local).ok, url).toBe(true);
      expect(checkOutboundUrl(url, strict).ok, url).toBe(false);
    }
    expect(checkOutboundUrl('https://evil.example/', local).ok).toBe(false);
    expect(checkOutboundUrl('http://user:pw@127.0.0.1/', local).ok).toBe(false);
  });
});
