import { breakerSettingsFrom } from '@botwot/shared/config';
import { connectMongo, createChannelOwners, createModels, mongoReachable } from '@botwot/shared/db';
import { createBreakerPool, createHttpTransport, createJsonClient, type BreakerPool, type HttpTransport } from '@botwot/shared/http';
import { startRunner } from '@botwot/shared/runner';
import { createKafkaRuntime } from '@botwot/shared/service';
import nodemailer from 'nodemailer';
import { readConfig } from './config.js';
import { createActionNodes } from './nodes/index.js';

/** Composition root: runs action steps (WhatsApp, email, call, CRM), each downstream behind per-org breakers. */
const config = readConfig();
const rt = await createKafkaRuntime('action-runner', config);
const settings = (prefix: string) => breakerSettingsFrom(config, prefix);

await startRunner({
  rt,
  category: 'action',
  open: async () => {
    // which org a sender number or address belongs to, for the recipient checks
    const mongo = await connectMongo(config.MONGO_URL, { appName: 'action-runner', maxPoolSize: config.MONGO_MAX_POOL_SIZE });
    const owners = createChannelOwners(createModels(mongo), { cacheMs: config.CHANNEL_CACHE_MS });

    const pools: Record<'whatsapp' | 'smtp' | 'voice' | 'crm', BreakerPool> = {
      whatsapp: createBreakerPool(settings('WHATSAPP').breaker, rt),
      smtp: createBreakerPool(settings('SMTP').breaker, rt),
      voice: createBreakerPool(settings('VOICE').breaker, rt),
      crm: createBreakerPool(settings('CRM').breaker, rt),
    };
    // Providers the operator configured are trusted as they are; a URL a step gives is checked on every connection.
    const configured = createHttpTransport();
    const stepEndpoints = createHttpTransport({ outbound: { allowPrivate: config.OUTBOUND_ALLOW_PRIVATE, dnsServers: config.OUTBOUND_DNS_SERVERS } });
    const client = (provider: string, prefix: string, baseUrl: string | URL, breakers: BreakerPool, transport: HttpTransport = configured) =>
      createJsonClient({ provider, baseUrl, callTimeoutMs: settings(prefix).callTimeoutMs, breakers, transport });

    const smtp = settings('SMTP');
    const mail = nodemailer.createTransport({
      host: config.SMTP_HOST,
      port: config.SMTP_PORT,
      secure: config.SMTP_SECURE,
      pool: true,
      maxConnections: 5,
      connectionTimeout: smtp.callTimeoutMs,
      socketTimeout: smtp.callTimeoutMs,
      ...(config.SMTP_USER ? { auth: { user: config.SMTP_USER, pass: config.SMTP_PASSWORD ?? '' } } : {}),
    });

    return {
      executors: createActionNodes({
        whatsapp: { client: client('whatsapp', 'WHATSAPP', config.WHATSAPP_API_URL, pools.whatsapp), token: config.WHATSAPP_TOKEN, phoneNumberId: config.WHATSAPP_PHONE_NUMBER_ID },
        email: { transport: mail, breakers: pools.smtp, defaultFrom: config.EMAIL_FROM },
        voice: client('voice', 'VOICE', config.VOICE_SERVICE_URL, pools.voice),
        crm: {
          endpoints: config.CRM_ENDPOINTS,
          outbound: { allowHosts: config.OUTBOUND_ALLOW_HOSTS, allowPorts: config.OUTBOUND_ALLOW_PORTS, allowPrivate: config.OUTBOUND_ALLOW_PRIVATE },
          clientFor: (baseUrl, { stepEndpoint }) => client(`crm:${baseUrl.host}`, 'CRM', baseUrl, pools.crm, stepEndpoint ? stepEndpoints : configured),
        },
        owners,
      }),
      checks: { mongo: () => mongoReachable(mongo) },
      close: async () => {
        mail.close();
        for (const pool of Object.values(pools)) pool.shutdown();
        configured.close();
        stepEndpoints.close();
        await mongo.close();
      },
    };
  },
  opsPort: config.OPS_PORT,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  consumer: config,
});
