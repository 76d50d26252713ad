import dns from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { addressAllowed, classifyAddress } from './address-policy.js';

/** A connection refused because the name resolved to an address outside the outbound policy. */
export class OutboundAddressRefused extends Error {
  readonly code = 'OUTBOUND_ADDRESS_REFUSED';
  constructor(readonly host: string, readonly address: string) {
    super(`${host} resolves to ${address} (${classifyAddress(address)}), which outbound calls may not reach`);
    this.name = 'OutboundAddressRefused';
  }
}

type Resolved = { address: string; family: number };

/**
 * A `lookup` for sockets (an http Agent's) that resolves the name once, refuses the connection if
 * any address it resolves to is not allowed, and connects only to the addresses it checked, so
 * a name cannot pass a check and then resolve elsewhere (DNS rebinding). `dnsServers` (`host:port`)
 * replaces the system resolver.
 */
export function createCheckedLookup(opts: { allowPrivate: boolean; dnsServers?: string[] | undefined }): LookupFunction {
  const resolver = opts.dnsServers?.length ? new dns.promises.Resolver({ timeout: 2_000, tries: 2 }) : undefined;
  resolver?.setServers(opts.dnsServers as string[]);

  const resolveAll = async (hostname: string): Promise<Resolved[]> => {
    if (hostname === 'localhost' || hostname.endsWith('.localhost')) return [{ address: '127.0.0.1', family: 4 }];
    if (!resolver) return dns.promises.lookup(hostname, { all: true, verbatim: true });
    const [v4, v6] = await Promise.allSettled([resolver.resolve4(hostname), resolver.resolve6(hostname)]);
    const found = [
      ...(v4.status === 'fulfilled' ? v4.value.map((address) => ({ address, family: 4 })) : []),
      ...(v6.status === 'fulfilled' ? v6.value.map((address) => ({ address, family: 6 })) : []),
    ];
    if (found.length === 0) throw v4.status === 'rejected' ? v4.reason : new Error(`${hostname} has no addresses`);
    return found;
  };

  return (hostname, options, callback) => {
    const done = callback as (error: Error | null, address?: string | Resolved[], family?: number) => void;
    if (isIP(hostname)) {
      if (!addressAllowed(hostname, opts.allowPrivate)) return done(new OutboundAddressRefused(hostname, hostname));
      const family = isIP(hostname);
      return options.all ? done(null, [{ address: hostname, family }]) : done(null, hostname, family);
    }
    resolveAll(hostname).then(
      (all) => {
        const refused = all.find((a) => !addressAllowed(a.address, opts.allowPrivate));
        if (refused) return done(new OutboundAddressRefused(hostname, refused.address));
        const usable = options.family === 4 || options.family === 6 ? all.filter((a) => a.family === options.family) : all;
        const first = usable[0];
        if (!first) return done(Object.assign(new Error(`${hostname} has no IPv${String(options.family)} address`), { code: 'ENOTFOUND' }));
        return options.all ? done(null, usable) : done(null, first.address, first.family);
      },
      (error: unknown) => done(error as Error),
    );
  };
}
