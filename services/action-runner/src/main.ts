import { breakerSettingsFrom } from '@botwot/shared/config';
import { createBreaker, createJsonClient, type JsonClient } from '@botwot/shared/http';
import { startRunner } from '@botwot/shared/runner';
import { createKafkaRuntime } from '@botwot/shared/service';
import nodemailer from 'nodemailer';
import { readConfig } from './config.js';
import { createActionNodes } from './nodes/index.js';

/** Composition root: runs action steps (WhatsApp, email, call, CRM), each downstream behind its own breaker. */
const config = readConfig();
const rt = await createKafkaRuntime('action-runner', config);

const settings = (prefix: string) => breakerSettingsFrom(config, prefix);
const client = (provider: string, prefix: string, baseUrl: string): JsonClient => {
  const s = settings(prefix);
  return createJsonClient({ provider, baseUrl, callTimeoutMs: s.callTimeoutMs, guard: createBreaker(provider, s.breaker, rt) });
};
const crmClients = new Map<string, JsonClient>();
const smtp = settings('SMTP');
const smtpGuard = createBreaker('smtp', smtp.breaker, rt);
const transport = nodemailer.createTransport({
  host: config.SMTP_HOST,
  port: config.SMTP_PORT,
  secure: config.SMTP_SECURE,
  pool: true,
  maxConnections: 5,
  connectionTimeout: smtp.callTimeoutMs,
  socketTimeout: smtp.callTimeoutMs,
  ...(config.SMTP_USER ? { auth: { user: config.SMTP_USER, pass: config.SMTP_PASSWORD ?? '' } } : {}),
});

await startRunner({
  rt,
  category: 'action',
  executors: createActionNodes({
    whatsapp: { client: client('whatsapp', 'WHATSAPP', config.WHATSAPP_API_URL), token: config.WHATSAPP_TOKEN, phoneNumberId: config.WHATSAPP_PHONE_NUMBER_ID },
    email: { transport, guard: smtpGuard, defaultFrom: config.EMAIL_FROM },
    voice: client('voice', 'VOICE', config.VOICE_SERVICE_URL),
    crm: {
      endpoints: config.CRM_ENDPOINTS,
      outbound: { allowHosts: config.OUTBOUND_ALLOW_HOSTS, allowPrivate: config.OUTBOUND_ALLOW_PRIVATE },
      clientFor: (baseUrl) => {
        const host = new URL(baseUrl).host;
        let c = crmClients.get(baseUrl);
        if (!c) {
          c = client(`crm:${host}`, 'CRM', baseUrl);
          crmClients.set(baseUrl, c);
        }
        return c;
      },
    },
  }),
  opsPort: config.OPS_PORT,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  consumer: config,
  onStop: async () => transport.close(),
});
