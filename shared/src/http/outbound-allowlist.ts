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
  // a trailing dot names the same host (`localhost.`), so it must not slip past the checks below
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
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
    const g = ipv6Groups(host);
    if (!g) return true; // unparseable: refuse rather than guess
    const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
    const upperZero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
    if (upperZero && g5 === 0 && g6 === 0 && g7 <= 1) return true; // :: and ::1
    if ((g0 & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local
    if ((g0 & 0xffc0) === 0xfe80 || (g0 & 0xffc0) === 0xfec0) return true; // fe80::/10 link-local, fec0::/10 site-local
    // IPv4 inside IPv6: mapped (::ffff:a.b.c.d, which URL normalises to ::ffff:7f00:1), compatible (::a.b.c.d), NAT64 (64:ff9b::/96)
    const embedsV4 = (upperZero && (g5 === 0xffff || g5 === 0)) || (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0);
    if (embedsV4) return isPrivateHost(`${g6 >> 8}.${g6 & 0xff}.${g7 >> 8}.${g7 & 0xff}`);
  }
  return false;
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 counts as two). */
function ipv6Groups(host: string): number[] | null {
  let h = host.toLowerCase().replace(/%.*$/, '');
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(h);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    h = `${h.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = h.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string | undefined) => (part ? part.split(':').map((x) => parseInt(x, 16)) : []);
  const head = parse(halves[0]);
  const tail = parse(halves[1]);
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const groups = [...head, ...Array<number>(Math.max(0, fill)).fill(0), ...tail];
  return groups.length === 8 && groups.every((x) => Number.isInteger(x) && x >= 0 && x <= 0xffff) ? groups : null;
}
