import path from 'node:path';
import type { JWK } from 'jose';
import type { TestProject } from 'vitest/node';
import type { ManagedProcess } from '@botwot/infra';
import { repoRoot, startSystem, type RunningSystem } from '@botwot/launcher';
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
}

declare module 'vitest' {
  export interface ProvidedContext {
    system: SystemInfo;
  }
}

let system: RunningSystem | undefined;

/**
 * Starts the whole system once for the integration project: real Kafka, PostgreSQL, FerretDB and schema
 * registry as local processes (fresh data, free ports), the stand-ins, and the six services built
 * from this checkout. Stops all of it afterwards.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const repo = repoRoot();
  const started = Date.now();
  system = await startSystem({
    repo,
    root: path.join(repo, '.local'),
    // separate names let two test runs share a machine without sharing data
    name: process.env.BOTWOT_TEST_STACK ?? 'test',
    fresh: true,
    ports: { standIns: 'free' },
    schemaRegistry: process.env.SCHEMA_REGISTRY !== 'off',
    env: process.env,
    serviceEnv: {
      LOG_LEVEL: 'warn',
      // small breaker windows so tests can open and close them in seconds
      BOTCORE_BREAKER_RESET_MS: '2000',
      BOTCORE_BREAKER_MIN_CALLS: '5',
      RATE_LIMIT_PER_SECOND: '500',
      RATE_LIMIT_BURST: '2000',
    },
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
  });
  return async () => {
    await control.close();
    await system?.stop();
  };
}
