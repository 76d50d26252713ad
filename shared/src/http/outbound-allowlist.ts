import { isIP } from 'node:net';
import { addressAllowed } from './address-policy.js';

/**
 * Where a URL taken from workflow config (a CRM step's `endpoint`) may point:
 * - http(s) only, no credentials, no query or fragment (a base URL has none, and a trailing `?`
 *   or `#` must not be able to cut off the path the runner appends);
 * - a host on `allowHosts` (exact, or `*.suffix`) on a port in `allowPorts`;
 * - an IP literal only when it is public, or private/loopback with `allowPrivate` (the local
 *   stand-ins: then any port). A name is checked again, every address it resolves to, when the
 *   connection is made (checked-lookup.ts).
 */
export interface OutboundPolicy {
  allowHosts: string[];
  allowPorts: number[];
  allowPrivate: boolean;
}

export function checkOutboundUrl(raw: string, policy: OutboundPolicy): { ok: true; url: URL } | { ok: false; reason: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not a URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: `scheme ${url.protocol} not allowed` };
  if (url.username || url.password) return { ok: false, reason: 'credentials in URL not allowed' };
  if (raw.includes('?') || raw.includes('#')) return { ok: false, reason: 'a query or fragment is not allowed in a base URL' };
  // a trailing dot names the same host (`localhost.`), so it must not slip past the checks below
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  const loopbackName = host === 'localhost' || host.endsWith('.localhost');
  if (isIP(host) || loopbackName) {
    const allowed = loopbackName ? policy.allowPrivate : addressAllowed(host, policy.allowPrivate);
    if (!allowed) return { ok: false, reason: `host ${host} is private, loopback, link-local or reserved` };
    if (policy.allowPrivate && (loopbackName || !addressAllowed(host, false))) return { ok: true, url };
  }
  const listed = policy.allowHosts.some((h) => (h.startsWith('*.') ? host.endsWith(h.slice(1).toLowerCase()) : host === h.toLowerCase()));
  if (!listed) return { ok: false, reason: `host ${host} is not on the outbound allowlist` };
  if (!policy.allowPorts.includes(port)) return { ok: false, reason: `port ${port} is not an allowed outbound port` };
  return { ok: true, url };
}
