import path from 'node:path';
import type { JWK } from 'jose';
import type { TestProject } from 'vitest/node';
import { freePort, type ManagedProcess } from '@botwot/local-servers';
import { repoRoot, startSystem, type RunningSystem } from '@botwot/launcher';
import { startDns, type DnsStandIn } from '@botwot/stand-ins';
import { startProcessControl } from './process-control.js';

/** What every integration test may reach: the running system's addresses and secrets. */
export interface SystemInfo {
  gatewayUrl: string;
  mongoUrl: string;
  kafkaBrokers: string[];
  schemaRegistryUrl: string | undefined;
  jwtSecret: string;
  /** the identity-provider stand-in: the gateway trusts its JWKS (RS256) and requires this iss/aud of every token */
  identityProvider: { jwksUrl: string; privateJwk: JWK; kid: string; issuer: string; audience: string };
  standIns: { botcore: string; voice: string; whatsapp: string; crm: string; smtpAdmin: string };
  opsUrls: Record<string, string>;
  /** kill/signal/restart the system's processes: see process-control.ts */
  controlUrl: string;
  /** FerretDB's PostgreSQL database ("postgres://..."), when the stack stores into PostgreSQL */
  postgresUrl: string | undefined;
  /** the environment every service was started with (to start another replica of one) */
  serviceEnv: Record<string, string>;
  /**
   * What step endpoints may reach in the test stack: `*.outbound.test` names, resolved by a DNS
   * stand-in, on port 443 or `partnerPort` (free for a test to listen on, on 127.0.0.1).
   */
  outbound: { partnerPort: number; dnsServer: string; names: typeof OUTBOUND_NAMES };
}

/** Names the DNS stand-in answers for step endpoints: loopback (allowed locally), link-local, and both at once. */
export const OUTBOUND_NAMES = {
  partner: 'partner.outbound.test',
  metadata: 'metadata.outbound.test',
  mixed: 'mixed.outbound.test',
} as const;

declare module 'vitest' {
  export interface ProvidedContext {
    system: SystemInfo;
  }
}

let system: RunningSystem | undefined;
let dns: DnsStandIn | undefined;

/**
 * Starts the whole system once for the integration project: real Kafka, PostgreSQL, FerretDB and schema
 * registry as local processes (fresh data, free ports), the stand-ins, and the six services built
 * from this checkout. Stops all of it afterwards.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const repo = repoRoot();
  const started = Date.now();
  dns = await startDns({
    records: { [OUTBOUND_NAMES.partner]: ['127.0.0.1'], [OUTBOUND_NAMES.metadata]: ['169.254.169.254'], [OUTBOUND_NAMES.mixed]: ['127.0.0.1', '169.254.169.254'] },
  });
  const partnerPort = await freePort();
  const serviceEnv = {
    LOG_LEVEL: 'warn',
    // small breaker windows so tests can open and close them in seconds
    BOTCORE_BREAKER_RESET_MS: '2000',
    BOTCORE_BREAKER_MIN_CALLS: '5',
    // CRM breakers (per org) open after 3 failures and stay open a minute, so a loaded machine cannot outrun them
    CRM_BREAKER_MIN_CALLS: '3',
    CRM_BREAKER_RESET_MS: '60000',
    // limits far above what the tests do; security tests start their own replicas with low ones
    RATE_LIMIT_PER_SECOND: '500',
    RATE_LIMIT_BURST: '2000',
    RATE_LIMIT_READ_PER_SECOND: '5000',
    RATE_LIMIT_READ_BURST: '20000',
    RATE_LIMIT_WRITE_PER_SECOND: '1000',
    RATE_LIMIT_WRITE_BURST: '5000',
    WAIT_LIMIT_PER_ORG: '1000',
    // low, so the streams test can reach it (each test uses orgs of its own)
    STREAM_LIMIT_PER_ORG: '4',
    OUTBOUND_ALLOW_HOSTS: '*.outbound.test',
    OUTBOUND_ALLOW_PORTS: `443,${partnerPort}`,
    OUTBOUND_DNS_SERVERS: dns.server,
  };
  system = await startSystem({
    repo,
    root: path.join(repo, '.local'),
    // separate names let two test runs share a machine without sharing data
    name: process.env.BOTWOT_TEST_STACK ?? 'test',
    fresh: true,
    ports: { standIns: 'free' },
    schemaRegistry: process.env.SCHEMA_REGISTRY !== 'off',
    env: process.env,
    serviceEnv,
    log: (line) => process.stdout.write(`[system] ${line}\n`),
  });
  process.stdout.write(`[system] up in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  const s = system;
  const processes = new Map<string, ManagedProcess>([...s.services].map(([name, svc]) => [name, svc.process]));
  if (s.kafka) processes.set('kafka', s.kafka);
  if (s.mongo) processes.set('mongo', s.mongo);
  if (s.postgres) processes.set('postgres', s.postgres);
  const control = await startProcessControl(processes);
  project.provide('system', {
    gatewayUrl: s.gatewayUrl,
    mongoUrl: s.mongoUrl,
    kafkaBrokers: s.kafkaBrokers,
    schemaRegistryUrl: s.schemaRegistryUrl,
    jwtSecret: s.jwtSecret,
    identityProvider: { jwksUrl: s.jwks.jwksUrl, privateJwk: s.jwks.privateJwk, kid: s.jwks.kid, issuer: s.jwtIssuer, audience: s.jwtAudience },
    standIns: { botcore: s.standIns.botcore.url, voice: s.standIns.voice.url, whatsapp: s.standIns.whatsapp.url, crm: s.standIns.crm.url, smtpAdmin: s.standIns.smtp.adminUrl },
    opsUrls: Object.fromEntries([...s.services].map(([name, svc]) => [name, svc.opsUrl])),
    controlUrl: control.url,
    postgresUrl: s.postgres?.url,
    serviceEnv: s.serviceEnv,
    outbound: { partnerPort, dnsServer: dns.server, names: OUTBOUND_NAMES },
  });
  return async () => {
    await control.close();
    await system?.stop();
    await dns?.close();
  };
}
