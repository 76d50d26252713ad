import { baseEnvSchema, breakerEnvSchema, loadConfig, localDefault, mongoEnvSchema } from '@botwot/shared/config';
import { z } from 'zod';

const crmEndpoints = z.record(z.string(), z.object({ url: z.url(), token: z.string().optional() }));
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const list = (s: string) => s.split(',').map((h) => h.trim()).filter(Boolean);

/** The action-runner's environment; the README's variable table is checked against it. */
export const configSchema = baseEnvSchema
  .extend(mongoEnvSchema.shape)
  .extend(breakerEnvSchema('WHATSAPP').shape)
  .extend(breakerEnvSchema('SMTP').shape)
  .extend(breakerEnvSchema('VOICE').shape)
  .extend(breakerEnvSchema('CRM').shape)
  .extend({
    /** WhatsApp Business Cloud API base, including the Graph API version */
    WHATSAPP_API_URL: localDefault(z.url(), 'http://127.0.0.1:18002/v21.0'),
    /** bearer token of the WhatsApp Business account */
    WHATSAPP_TOKEN: localDefault(z.string().min(1), 'whatsapp-test-token'),
    /** the platform's phone number id: what a step that names no phoneNumberId sends from */
    WHATSAPP_PHONE_NUMBER_ID: localDefault(z.string().regex(/^[0-9]{1,30}$/, 'digits only'), '100000000000001'),
    /** SMTP server for send_email */
    SMTP_HOST: localDefault(z.string().min(1), '127.0.0.1'),
    SMTP_PORT: localDefault(z.coerce.number().int().min(1).max(65535), '12525'),
    /** true = TLS from the first byte (port 465); false = STARTTLS when offered */
    SMTP_SECURE: bool.default(false),
    SMTP_USER: z.string().optional(),
    SMTP_PASSWORD: z.string().optional(),
    /** the platform's sender: what a step that names no `from` sends as */
    EMAIL_FROM: localDefault(z.string().min(3), 'BotWot <no-reply@botwot.local>'),
    /** Voice service base URL (VOICE_SERVICE_URL, the name the product's action plan uses) */
    VOICE_SERVICE_URL: localDefault(z.url(), 'http://127.0.0.1:18001'),
    /** JSON: CRM system name → { url, token? }; update_crm steps name a system (`{}` when there is none) */
    CRM_ENDPOINTS: localDefault(
      z.string().transform((s, ctx) => {
        try {
          return crmEndpoints.parse(JSON.parse(s));
        } catch {
          ctx.addIssue({ code: 'custom', message: 'must be JSON: {"name": {"url": "...", "token": "..."}}' });
          return z.NEVER;
        }
      }),
      '{"default":{"url":"http://127.0.0.1:18003"}}',
    ),
    /** comma-separated hosts (or *.suffix) a step's own CRM `endpoint` may reach */
    OUTBOUND_ALLOW_HOSTS: z.string().default('').transform(list),
    /** comma-separated ports a step's own `endpoint` may use */
    OUTBOUND_ALLOW_PORTS: z
      .string()
      .regex(/^\s*\d{1,5}(?:\s*,\s*\d{1,5})*\s*$/, 'comma-separated port numbers')
      .default('443')
      .transform((s) => list(s).map(Number))
      .refine((ports) => ports.every((p) => p >= 1 && p <= 65535), 'ports are 1–65535'),
    /** let step endpoints reach private and loopback addresses (the local stand-ins); only with BOTWOT_PROFILE=local */
    OUTBOUND_ALLOW_PRIVATE: bool.default(false),
    /** comma-separated DNS servers (host:port) that resolve step endpoints; unset = the system resolver */
    OUTBOUND_DNS_SERVERS: z.string().default('').transform(list),
    /** ms a channel-registry answer is cached (a removed sender may still send this long) */
    CHANNEL_CACHE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  })
  .refine((c) => !c.OUTBOUND_ALLOW_PRIVATE || c.BOTWOT_PROFILE === 'local', { path: ['OUTBOUND_ALLOW_PRIVATE'], message: 'may only be true with BOTWOT_PROFILE=local' });

export type ActionRunnerConfig = z.infer<typeof configSchema>;
export const readConfig = (): ActionRunnerConfig => loadConfig(configSchema);
