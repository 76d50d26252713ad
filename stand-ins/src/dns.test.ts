import { Resolver } from 'node:dns/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDns, type DnsStandIn } from './dns.js';

describe('DNS stand-in', () => {
  let dns: DnsStandIn;
  let resolver: Resolver;

  beforeAll(async () => {
    dns = await startDns({ records: { 'one.test': ['127.0.0.1'], 'Two.Test': ['10.0.0.7', '169.254.169.254', 'fd00::7'], 'v6.test': ['::1'] } });
    resolver = new Resolver({ timeout: 1_000, tries: 1 });
    resolver.setServers([dns.server]);
  });
  afterAll(() => dns.close());

  it('answers A and AAAA from its table, every address, names in any case', async () => {
    expect(await resolver.resolve4('one.test')).toEqual(['127.0.0.1']);
    expect(await resolver.resolve4('two.test')).toEqual(['10.0.0.7', '169.254.169.254']);
    expect(await resolver.resolve6('TWO.test')).toEqual(['fd00::7']);
    expect(await resolver.resolve6('v6.test')).toEqual(['::1']);
    expect(dns.queries().map((q) => `${q.type} ${q.name}`)).toEqual(['A one.test', 'A two.test', 'AAAA two.test', 'AAAA v6.test']);
  });

  it('answers NXDOMAIN for names it does not know, and no data for a type a name lacks', async () => {
    await expect(resolver.resolve4('nowhere.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(resolver.resolve6('one.test')).rejects.toMatchObject({ code: 'ENODATA' });
  });
});
