import { isIP } from 'node:net';

/**
 * What an IP address is, for deciding whether workflow config may make us call it:
 * `public` is the internet; `private` and `loopback` are ours (RFC 1918, CGNAT, unique-local, 127/8,
 * ::1); `link_local` holds cloud metadata (169.254.169.254); `reserved` is everything else that
 * is not a unicast internet host (unspecified, documentation, benchmarking, multicast, 240/4, ...).
 */
export type AddressClass = 'public' | 'private' | 'loopback' | 'link_local' | 'reserved';

/** Only public addresses, or also private and loopback ones (the local-development allowance). */
export function addressAllowed(address: string, allowPrivate: boolean): boolean {
  const kind = classifyAddress(address);
  return kind === 'public' || (allowPrivate && (kind === 'private' || kind === 'loopback'));
}

export function classifyAddress(address: string): AddressClass {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return classifyV4(bare.split('.').map(Number) as [number, number, number, number]);
  if (family === 6) {
    const g = ipv6Groups(bare);
    return g ? classifyV6(g) : 'reserved';
  }
  return 'reserved';
}

function classifyV4([a, b, c]: [number, number, number, number]): AddressClass {
  if (a === 127) return 'loopback';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)) return 'private';
  if (a === 169 && b === 254) return 'link_local';
  if (a === 0 || a >= 224) return 'reserved'; // this network; multicast, 240/4 and broadcast
  if (a === 192 && b === 0 && (c === 0 || c === 2)) return 'reserved'; // protocol assignments, TEST-NET-1
  if (a === 192 && b === 88 && c === 99) return 'reserved'; // 6to4 relay anycast
  if (a === 198 && (b === 18 || b === 19)) return 'reserved'; // benchmarking
  if ((a === 198 && b === 51 && c === 100) || (a === 203 && b === 0 && c === 113)) return 'reserved'; // TEST-NET-2, -3
  return 'public';
}

function classifyV6(g: number[]): AddressClass {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const v4 = (hi: number, lo: number) => classifyV4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  const upperZero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (upperZero && g5 === 0 && g6 === 0 && g7 === 0) return 'reserved'; // ::
  if (upperZero && g5 === 0 && g6 === 0 && g7 === 1) return 'loopback'; // ::1
  // IPv4 inside IPv6: mapped ::ffff:a.b.c.d, compatible ::a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16
  if (upperZero && (g5 === 0xffff || g5 === 0)) return v4(g6, g7);
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return v4(g6, g7);
  if (g0 === 0x2002) return v4(g1, g2);
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 1) return 'private'; // local-use NAT64
  if ((g0 & 0xfe00) === 0xfc00) return 'private'; // fc00::/7 unique local
  if ((g0 & 0xffc0) === 0xfe80 || (g0 & 0xffc0) === 0xfec0) return 'link_local'; // fe80::/10, deprecated fec0::/10
  if ((g0 & 0xff00) === 0xff00) return 'reserved'; // multicast
  if (g0 === 0x100 && g1 === 0 && g2 === 0 && g3 === 0) return 'reserved'; // discard-only
  if (g0 === 0x2001 && g1 < 0x200) return 'reserved'; // IETF protocol assignments, Teredo
  if (g0 === 0x2001 && g1 === 0xdb8) return 'reserved'; // documentation
  if (g0 === 0 || g0 >= 0x4000) return 'reserved'; // outside global unicast 2000::/3 (the v4 forms are handled above)
  if (g0 < 0x2000) return 'reserved';
  return 'public';
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 counts as two). */
function ipv6Groups(host: string): number[] | null {
  let h = host.toLowerCase();
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
