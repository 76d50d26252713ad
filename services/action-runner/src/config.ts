import { baseEnvSchema, breakerEnvSchema, loadConfig } from '@botwot/shared/config';
import { z } from 'zod';

const crmEndpoints = z.record(z.string(), z.object({ url: z.url(), token: z.string().optional() }));
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const schema = baseEnvSchema
  .extend(breakerEnvSchema('WHATSAPP').shape)
  .extend(breakerEnvSchema('SMTP').shape)
  .extend(breakerEnvSchema('VOICE').shape)
  .extend(breakerEnvSchema('CRM').shape)
  .extend({
    /** WhatsApp Business Cloud API base, including the Graph API version */
    WHATSAPP_API_URL: z.url().default('http://127.0.0.1:18002/v21.0'),
    /** bearer token of the WhatsApp Business account */
    WHATSAPP_TOKEN: z.string().min(1).default('whatsapp-test-token'),
    /** phone number id messages are sent from, unless a step names its own */
    WHATSAPP_PHONE_NUMBER_ID: z.string().min(1).default('100000000000001'),
    /** SMTP server for send_email */
    SMTP_HOST: z.string().min(1).default('127.0.0.1'),
    SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(12525),
    /** true = TLS from the first byte (port 465); false = STARTTLS when offered */
    SMTP_SECURE: bool.default(false),
    SMTP_USER: z.string().optional(),
    SMTP_PASSWORD: z.string().optional(),
    /** sender of emails whose step names none */
    EMAIL_FROM: z.string().min(3).default('BotWot <no-reply@botwot.local>'),
    /** Voice service base URL (the seed's VOICE_SERVICE_URL) */
    VOICE_SERVICE_URL: z.url().default('http://127.0.0.1:18001'),
    /** JSON: CRM system name → { url, token? }; update_crm steps name a system */
    CRM_ENDPOINTS: z
      .string()
      .default('{"default":{"url":"http://127.0.0.1:18003"}}')
      .transform((s, ctx) => {
        try {
          return crmEndpoints.parse(JSON.parse(s));
        } catch {
          ctx.addIssue({ code: 'custom', message: 'must be JSON: {"name": {"url": "...", "token": "..."}}' });
          return z.NEVER;
        }
      }),
    /** comma-separated hosts (or *.suffix) a step's own CRM `endpoint` may reach */
    OUTBOUND_ALLOW_HOSTS: z.string().default('').transform((s) => s.split(',').map((h) => h.trim()).filter(Boolean)),
    /** allow loopback/private addresses in step URLs: only for local development and tests */
    OUTBOUND_ALLOW_PRIVATE: bool.default(false),
  });

export type ActionRunnerConfig = z.infer<typeof schema>;
export const readConfig = (): ActionRunnerConfig => loadConfig(schema);
