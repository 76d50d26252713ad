/** Starts every stand-in at once (tests, the local launcher, benchmarks). */
import { startBotCore } from './botcore.js';
import { startCrm, type CrmStandIn } from './crm.js';
import type { StandIn } from './http.js';
import { startSmtp, type SmtpStandIn } from './smtp.js';
import { startVoice, type VoiceCall } from './voice.js';
import { startWhatsApp, type WhatsAppStandIn } from './whatsapp.js';

export type StandInName = 'botcore' | 'voice' | 'whatsapp' | 'crm' | 'smtp' | 'smtpAdmin';

/** Ports the CLI uses by default (startAllStandIns defaults to 0 = free ports). */
export const DEFAULT_PORTS: Readonly<Record<StandInName, number>> = Object.freeze({
  botcore: 15000,
  voice: 18001,
  whatsapp: 18002,
  crm: 18003,
  smtp: 12525,
  smtpAdmin: 12526,
});

export interface AllStandInsOptions {
  ports?: Partial<Record<StandInName, number>>;
  host?: string;
  whatsappToken?: string;
  crmToken?: string;
}

export interface AllStandIns {
  botcore: StandIn;
  voice: StandIn & { deliveries(): VoiceCall[] };
  whatsapp: WhatsAppStandIn;
  crm: CrmStandIn;
  smtp: SmtpStandIn;
  /** Environment variables pointing services at these stand-ins. */
  env(): Record<string, string>;
  /** reset() on every stand-in. */
  reset(): void;
  close(): Promise<void>;
}

export async function startAllStandIns(opts: AllStandInsOptions = {}): Promise<AllStandIns> {
  const p = opts.ports ?? {};
  const host = opts.host;
  const h = host === undefined ? {} : { host };
  const started: Array<{ close(): Promise<void> }> = [];
  const track = async <T extends { close(): Promise<void> }>(s: Promise<T>): Promise<T> => {
    const v = await s;
    started.push(v);
    return v;
  };
  try {
    const [botcore, voice, whatsapp, crm, smtp] = await Promise.all([
      track(startBotCore({ port: p.botcore ?? 0, ...h })),
      track(startVoice({ port: p.voice ?? 0, ...h })),
      track(startWhatsApp({ port: p.whatsapp ?? 0, ...h, ...(opts.whatsappToken ? { token: opts.whatsappToken } : {}) })),
      track(startCrm({ port: p.crm ?? 0, ...h, ...(opts.crmToken ? { token: opts.crmToken } : {}) })),
      track(startSmtp({ port: p.smtp ?? 0, adminPort: p.smtpAdmin ?? 0, ...h })),
    ]);
    const all = [botcore, voice, whatsapp, crm, smtp];
    return {
      botcore, voice, whatsapp, crm, smtp,
      env: () => ({
        BOT_SERVICE_URL: botcore.url,
        VOICE_SERVICE_URL: voice.url,
        WHATSAPP_API_URL: whatsapp.url,
        WHATSAPP_TOKEN: whatsapp.token,
        CRM_URL: crm.url,
        ...(opts.crmToken ? { CRM_TOKEN: opts.crmToken } : {}),
        SMTP_HOST: smtp.host,
        SMTP_PORT: String(smtp.port),
        SMTP_ADMIN_URL: smtp.adminUrl,
      }),
      reset: () => {
        for (const s of all) s.reset();
      },
      close: async () => {
        await Promise.all(all.map((s) => s.close()));
      },
    };
  } catch (err) {
    await Promise.allSettled(started.map((s) => s.close()));
    throw err;
  }
}
