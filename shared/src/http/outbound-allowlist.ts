import { isIP } from 'node:net';

/**
 * Decides whether a URL taken from workflow config may be called. Hosts must match the allowlist
 * (exact, or `*.suffix`); loopback, link-local and private addresses are refused unless
 * `allowPrivate` is set (the local stand-ins are such an explicit allowance).
 */
export function checkOutboundUrl(raw: string, policy: { allowHosts: string[]; allowPrivate: boolean }): { ok: true; url: URL } | { ok: false; reason: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not a URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: `scheme ${url.protocol} not allowed` };
  if (url.username || url.password) return { ok: false, reason: 'credentials in URL not allowed' };
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (isPrivateHost(host) && !policy.allowPrivate) return { ok: false, reason: `host ${host} is private, loopback or link-local` };
  const allowed = policy.allowHosts.some((h) => (h.startsWith('*.') ? host.endsWith(h.slice(1)) : host === h.toLowerCase()));
  if (!allowed && !(policy.allowPrivate && isPrivateHost(host))) return { ok: false, reason: `host ${host} is not on the outbound allowlist` };
  return { ok: true, url };
}

function isPrivateHost(host: string): boolean {
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const kind = isIP(host);
  if (kind === 4) {
    const [a = 0, b = 0] = host.split('.').map(Number);
    return a === 10 || a === 127 || a === 0 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
  }
  if (kind === 6) {
    const h = host.toLowerCase();
    if (h === '::1' || h === '::') return true;
    if (h.startsWith('fe8') || h.startsWith('fe9') || h.startsWith('fea') || h.startsWith('feb')) return true;
    if (h.startsWith('fc') || h.startsWith('fd')) return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
    return mapped ? isPrivateHost(mapped[1] as string) : false;
  }
  return false;
}
