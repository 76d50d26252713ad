/**
 * Starts every stand-in on fixed ports and waits for SIGINT/SIGTERM.
 *   npx tsx stand-ins/src/cli.ts
 * Env overrides: STANDIN_HOST, BOTCORE_PORT, VOICE_PORT, WHATSAPP_PORT, CRM_PORT, SMTP_PORT,
 * SMTP_ADMIN_PORT, WHATSAPP_TOKEN, CRM_TOKEN.
 */
import { DEFAULT_PORTS, startAllStandIns, type StandInName } from './all.js';

const ENV_PORTS: Record<StandInName, string> = {
  botcore: 'BOTCORE_PORT',
  voice: 'VOICE_PORT',
  whatsapp: 'WHATSAPP_PORT',
  crm: 'CRM_PORT',
  smtp: 'SMTP_PORT',
  smtpAdmin: 'SMTP_ADMIN_PORT',
};

function port(name: StandInName): number {
  const raw = process.env[ENV_PORTS[name]];
  if (raw === undefined || raw === '') return DEFAULT_PORTS[name];
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${ENV_PORTS[name]} must be a port number, got '${raw}'`);
  return n;
}

async function main(): Promise<void> {
  const names = Object.keys(ENV_PORTS) as StandInName[];
  const all = await startAllStandIns({
    ports: Object.fromEntries(names.map((n) => [n, port(n)])),
    ...(process.env.STANDIN_HOST ? { host: process.env.STANDIN_HOST } : {}),
    ...(process.env.WHATSAPP_TOKEN ? { whatsappToken: process.env.WHATSAPP_TOKEN } : {}),
    ...(process.env.CRM_TOKEN ? { crmToken: process.env.CRM_TOKEN } : {}),
  });
  console.log(`botcore   ${all.botcore.url}`);
  console.log(`voice     ${all.voice.url}`);
  console.log(`whatsapp  ${all.whatsapp.url}  (token: ${all.whatsapp.token})`);
  console.log(`crm       ${all.crm.url}${process.env.CRM_TOKEN ? '  (bearer token required)' : ''}`);
  console.log(`smtp      ${all.smtp.url}  (admin ${all.smtp.adminUrl})`);
  console.log('env:');
  for (const [k, v] of Object.entries(all.env())) console.log(`  ${k}=${v}`);
  console.log('stand-ins ready; Ctrl-C to stop');

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping stand-ins`);
    all.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
