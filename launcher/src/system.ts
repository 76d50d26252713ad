import path from 'node:path';
import { ensureLookupIndexes, freePort, startFerretDb, startKafka, startPostgres, startSchemaRegistry, type KafkaServer, type MongoServer, type PostgresServer } from '@botwot/local-servers';
import { brokerList } from '@botwot/shared/config';
import { LOOKUP_INDEXES } from '@botwot/shared/db';
import { createKafka, ensureTopics, registerEventSchemas } from '@botwot/shared/kafka';
import { createLogger } from '@botwot/shared/observability';
import { DEFAULT_JWKS_PORT, DEFAULT_PORTS, startAllStandIns, startJwks, type AllStandIns, type JwksStandIn } from '@botwot/stand-ins';
import { DEV_JWT_AUDIENCE, DEV_JWT_ISSUER, DEV_JWT_SECRET } from './dev-token.js';
import { SERVICE_NAMES, startService, type RunningService, type ServiceName } from './services.js';

export interface SystemOptions {
  /** the repository root (services are started from services/<name>/dist) */
  repo: string;
  /** the git-ignored folder for downloads, data and logs */
  root: string;
  /** instance name: keeps the data of tests apart from `npm start` */
  name: string;
  /** wipe Kafka's, PostgreSQL's and FerretDB's data first */
  fresh: boolean;
  /** fixed ports for npm start; tests use free ones */
  ports?: { gateway?: number; kafka?: number; kafkaController?: number; postgres?: number; mongo?: number; registry?: number; standIns?: 'default' | 'free' };
  /** start a local schema registry unless SCHEMA_REGISTRY_URL is set */
  schemaRegistry: boolean;
  /** environment that replaces local servers: KAFKA_BROKERS, MONGO_URL, SCHEMA_REGISTRY_URL, BOT_SERVICE_URL, VOICE_SERVICE_URL; MONGO_BACKEND=sqlite|postgresql picks FerretDB's storage */
  env: NodeJS.ProcessEnv;
  /** extra environment for every service (e.g. LOG_LEVEL, breaker settings in tests) */
  serviceEnv?: Record<string, string>;
  /** processes of each service (default 1); replicas 2.. get their own INSTANCE_ID, log and pidfile */
  replicas?: number;
  log: (line: string) => void;
}

export interface RunningSystem {
  gatewayUrl: string;
  kafkaBrokers: string[];
  mongoUrl: string;
  schemaRegistryUrl: string | undefined;
  jwtSecret: string;
  /** the `iss` and `aud` the gateway requires of every token */
  jwtIssuer: string;
  jwtAudience: string;
  standIns: AllStandIns;
  /** the identity-provider stand-in whose JWKS the gateway trusts for RS256 tokens */
  jwks: JwksStandIn;
  services: Map<ServiceName, RunningService>;
  /** replicas 2.. of every service, when asked for */
  replicas: RunningService[];
  /** the environment every service was started with (to start one more replica) */
  serviceEnv: Record<string, string>;
  kafka: KafkaServer | undefined;
  mongo: MongoServer | undefined;
  /** FerretDB's storage when MONGO_BACKEND is postgresql (the default) and MONGO_URL is unset */
  postgres: PostgresServer | undefined;
  /** stops the services, the stand-ins and every local server, in reverse order */
  stop(): Promise<void>;
}

/** Brings up the whole system; any step that fails stops what was started before it. */
export async function startSystem(opts: SystemOptions): Promise<RunningSystem> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((e: unknown) => opts.log(`stop failed: ${(e as Error).message}`));
  };
  try {
    const free = opts.ports?.standIns === 'free';
    const t0 = Date.now();
    const step = (what: string) => opts.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${what}`);

    let kafka: KafkaServer | undefined;
    let brokers: string[];
    if (opts.env.KAFKA_BROKERS) {
      brokers = brokerList(opts.env.KAFKA_BROKERS);
      step(`using Kafka at ${brokers.join(',')} (KAFKA_BROKERS)`);
    } else {
      step('starting Kafka (KRaft) ...');
      const kafkaServer = await startKafka({
        root: opts.root,
        name: opts.name,
        fresh: opts.fresh,
        log: opts.log,
        ...(opts.ports?.kafka ? { port: opts.ports.kafka } : free ? { port: await freePort(), controllerPort: await freePort() } : {}),
        ...(opts.ports?.kafkaController ? { controllerPort: opts.ports.kafkaController } : {}),
      });
      kafka = kafkaServer;
      stops.push(() => kafkaServer.stop());
      brokers = kafkaServer.brokers;
      step(`Kafka ready at ${brokers.join(',')}`);
    }

    let mongo: MongoServer | undefined;
    let postgres: PostgresServer | undefined;
    let mongoUrl: string;
    if (opts.env.MONGO_URL) {
      mongoUrl = opts.env.MONGO_URL;
      step('using MongoDB at MONGO_URL');
    } else {
      const backend = mongoBackend(opts.env.MONGO_BACKEND);
      if (backend === 'postgresql') {
        step('starting PostgreSQL ...');
        const postgresServer = await startPostgres({ root: opts.root, name: opts.name, fresh: opts.fresh, log: opts.log, ...(opts.ports?.postgres ? { port: opts.ports.postgres } : free ? { port: await freePort() } : {}) });
        postgres = postgresServer;
        stops.push(() => postgresServer.stop());
        step(`PostgreSQL ready at 127.0.0.1:${postgresServer.port}`);
      }
      step(`starting FerretDB on ${backend === 'postgresql' ? 'PostgreSQL' : 'SQLite (MONGO_BACKEND=sqlite)'} ...`);
      const mongoServer = await startFerretDb({
        root: opts.root,
        name: opts.name,
        fresh: opts.fresh,
        log: opts.log,
        backend: postgres ? { handler: 'postgresql', postgresqlUrl: postgres.url } : { handler: 'sqlite' },
        ...(opts.ports?.mongo ? { port: opts.ports.mongo } : free ? { port: await freePort() } : {}),
      });
      mongo = mongoServer;
      stops.push(() => mongoServer.stop());
      mongoUrl = `${mongoServer.url.replace(/\/$/, '')}/${MONGO_DATABASE}`;
      step(`FerretDB ready at ${mongo.url}`);
      if (postgres) {
        // FerretDB's own indexes cannot serve its equality filters on PostgreSQL: see LOOKUP_INDEXES
        await ensureLookupIndexes({ postgresUrl: postgres.url, mongoUrl: mongo.url, database: MONGO_DATABASE, spec: LOOKUP_INDEXES, log: opts.log });
        step('lookup indexes ready');
      }
    }

    let schemaRegistryUrl = opts.env.SCHEMA_REGISTRY_URL;
    if (!schemaRegistryUrl && opts.schemaRegistry) {
      step('starting the schema registry (Apicurio, ccompat API) ...');
      const registry = await startSchemaRegistry({ root: opts.root, name: opts.name, log: opts.log, port: opts.ports?.registry ?? (free ? await freePort() : 18081) });
      stops.push(() => registry.stop());
      schemaRegistryUrl = registry.url;
      step(`schema registry ready at ${schemaRegistryUrl}`);
      step(`registered the schemas of ${await registerEventSchemas(schemaRegistryUrl)} event types`);
    }

    const standIns = await startAllStandIns(free ? {} : { ports: DEFAULT_PORTS });
    stops.push(() => standIns.close());
    const botcoreUrl = opts.env.BOT_SERVICE_URL ?? standIns.botcore.url;
    const voiceUrl = opts.env.VOICE_SERVICE_URL ?? standIns.voice.url;
    const jwtIssuer = opts.env.JWT_ISSUER ?? DEV_JWT_ISSUER;
    const jwtAudience = opts.env.JWT_AUDIENCE ?? DEV_JWT_AUDIENCE;
    const jwks = await startJwks({ port: free ? 0 : DEFAULT_JWKS_PORT, issuer: jwtIssuer, audience: jwtAudience });
    stops.push(() => jwks.close());
    step(`identity provider ready: JWKS at ${opts.env.JWKS_URL ?? jwks.jwksUrl}`);
    step(`stand-ins ready: botcore ${botcoreUrl}, voice ${voiceUrl}, whatsapp ${standIns.whatsapp.url}, crm ${standIns.crm.url}, smtp ${standIns.smtp.host}:${standIns.smtp.port}`);

    // Topics first, so six services starting at once do not race to create them.
    const logger = createLogger('launcher', 'warn');
    const admin = createKafka({ brokers, clientId: 'botwot-launcher', logger }).admin();
    await admin.connect();
    await ensureTopics(admin, { partitions: 6, replicationFactor: 1, retentionHours: 168 });
    await admin.disconnect();

    const env: Record<string, string> = {
      KAFKA_BROKERS: brokers.join(','),
      MONGO_URL: mongoUrl,
      ...(schemaRegistryUrl ? { SCHEMA_REGISTRY_URL: schemaRegistryUrl } : {}),
      JWT_SECRET: opts.env.JWT_SECRET ?? DEV_JWT_SECRET,
      // RS256 tokens from the identity provider (the stand-in unless JWKS_URL names a real one)
      JWKS_URL: opts.env.JWKS_URL ?? jwks.jwksUrl,
      JWT_ISSUER: jwtIssuer,
      JWT_AUDIENCE: jwtAudience,
      BOT_SERVICE_URL: botcoreUrl,
      VOICE_SERVICE_URL: voiceUrl,
      WHATSAPP_API_URL: `${standIns.whatsapp.url}/v21.0`,
      WHATSAPP_TOKEN: standIns.whatsapp.token,
      SMTP_HOST: standIns.smtp.host,
      SMTP_PORT: String(standIns.smtp.port),
      CRM_ENDPOINTS: JSON.stringify({ default: { url: standIns.crm.url } }),
      // the stand-ins listen on loopback: an explicit local-development allowance
      OUTBOUND_ALLOW_PRIVATE: 'true',
      LOG_LEVEL: 'info',
      ...opts.serviceEnv,
    };
    const services = new Map<ServiceName, RunningService>();
    for (const name of SERVICE_NAMES) {
      step(`starting ${name} ...`);
      const port = name === 'gateway' ? opts.ports?.gateway : undefined;
      const svc = await startService({ repo: opts.repo, root: opts.root, name, stack: opts.name, env, ...(port ? { port } : {}), log: opts.log });
      services.set(name, svc);
      stops.push(() => svc.process.stop());
    }
    const replicas: RunningService[] = [];
    for (let replica = 2; replica <= (opts.replicas ?? 1); replica++) {
      for (const name of SERVICE_NAMES) {
        step(`starting ${name} replica ${replica} ...`);
        const svc = await startService({ repo: opts.repo, root: opts.root, name, stack: opts.name, replica, env, log: opts.log });
        replicas.push(svc);
        stops.push(() => svc.process.stop());
      }
    }
    const gatewayUrl = (services.get('gateway') as RunningService).opsUrl;
    step(`all services ready; gateway at ${gatewayUrl}`);
    return {
      gatewayUrl,
      kafkaBrokers: brokers,
      mongoUrl,
      schemaRegistryUrl,
      jwtSecret: env.JWT_SECRET as string,
      jwtIssuer,
      jwtAudience,
      standIns,
      jwks,
      services,
      replicas,
      serviceEnv: env,
      kafka,
      mongo,
      postgres,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

const MONGO_DATABASE = 'botwot';

/** FerretDB's storage for the local stack: PostgreSQL unless MONGO_BACKEND=sqlite asks for the old default. */
function mongoBackend(value: string | undefined): 'postgresql' | 'sqlite' {
  if (value === undefined || value === '' || value === 'postgresql') return 'postgresql';
  if (value === 'sqlite') return 'sqlite';
  throw new Error(`MONGO_BACKEND must be postgresql or sqlite, not '${value}'`);
}

/** The repository root, from this file's place in launcher/dist or launcher/src. */
export function repoRoot(): string {
  return path.resolve(new URL('.', import.meta.url).pathname, '..', '..');
}
