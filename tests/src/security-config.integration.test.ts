import { spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '@botwot/launcher';
import { describe, expect, it } from 'vitest';

// Outside the local profile nothing falls back to a local server or stand-in: each built service,
// started with what production forgot to set, stops at once (exit 78) naming every variable.

const SERVICES = {
  gateway: ['KAFKA_BROKERS', 'MONGO_URL', 'JWT_SECRET'],
  orchestrator: ['KAFKA_BROKERS', 'MONGO_URL'],
  'log-sink': ['KAFKA_BROKERS', 'MONGO_URL'],
  'agent-runner': ['KAFKA_BROKERS', 'BOT_SERVICE_URL'],
  'utility-runner': ['KAFKA_BROKERS', 'BOT_SERVICE_URL'],
  'action-runner': ['KAFKA_BROKERS', 'MONGO_URL', 'WHATSAPP_API_URL', 'WHATSAPP_TOKEN', 'WHATSAPP_PHONE_NUMBER_ID', 'SMTP_HOST', 'SMTP_PORT', 'EMAIL_FROM', 'VOICE_SERVICE_URL', 'CRM_ENDPOINTS'],
} as const;

/** Runs a service's dist/main.js with exactly `env` (plus PATH) until it exits, or 15 s pass. */
function start(service: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repoRoot(), 'services', service, 'dist', 'main.js')], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('security: production configuration', () => {
  it.each(Object.entries(SERVICES))('%s stops naming every missing variable instead of using local defaults', async (service, missing) => {
    const { code, stderr } = await start(service, {});
    expect(code, stderr).toBe(78);
    expect(stderr).toContain('invalid configuration');
    for (const name of missing) expect(stderr, name).toMatch(new RegExp(`^\\s+${name}: `, 'm'));
  });

  it('the local allowance for private outbound addresses is refused outside the local profile', async () => {
    const env = {
      KAFKA_BROKERS: '127.0.0.1:1',
      MONGO_URL: 'mongodb://127.0.0.1:1/x',
      WHATSAPP_API_URL: 'https://graph.example/v21.0',
      WHATSAPP_TOKEN: 't',
      WHATSAPP_PHONE_NUMBER_ID: '1',
      SMTP_HOST: 'smtp.example',
      SMTP_PORT: '587',
      EMAIL_FROM: 'no-reply@example.com',
      VOICE_SERVICE_URL: 'https://voice.example',
      CRM_ENDPOINTS: '{}',
      OUTBOUND_ALLOW_PRIVATE: 'true',
    };
    const { code, stderr } = await start('action-runner', env);
    expect(code, stderr).toBe(78);
    expect(stderr.trim().split('\n').slice(1)).toEqual(['  OUTBOUND_ALLOW_PRIVATE: may only be true with BOTWOT_PROFILE=local']);
  });
});
