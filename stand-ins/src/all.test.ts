import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import { describe, expect, it } from 'vitest';
import { startAllStandIns } from './all.js';

describe('startAllStandIns', () => {
  it('starts every stand-in on free ports, exposes env and closes them', async () => {
    const all = await startAllStandIns({ whatsappToken: 'wa-tok', crmToken: 'crm-tok' });
    try {
      for (const s of [all.botcore, all.voice, all.whatsapp, all.crm]) {
        expect((await fetch(`${s.url}/__admin/health`)).status).toBe(200);
      }
      expect((await fetch(`${all.smtp.adminUrl}/__admin/health`)).status).toBe(200);
      const env = all.env();
      expect(env).toMatchObject({ BOT_SERVICE_URL: all.botcore.url, WHATSAPP_TOKEN: 'wa-tok', CRM_TOKEN: 'crm-tok', SMTP_PORT: String(all.smtp.port) });
      const wa = await fetch(`${all.whatsapp.url}/v21.0/1/messages`, {
        method: 'POST', headers: { authorization: 'Bearer wa-tok' },
        body: JSON.stringify({ messaging_product: 'whatsapp', to: '15550001', type: 'text', text: { body: 'hi' } }),
      });
      expect(wa.status).toBe(200);
      expect((await fetch(`${all.crm.url}/records`, { method: 'POST', body: '{"fields":{}}' })).status).toBe(401);
      all.reset();
      expect(all.whatsapp.deliveries()).toEqual([]);
    } finally {
      await all.close();
    }
    await expect(fetch(`${all.botcore.url}/__admin/health`)).rejects.toThrow();
  });
});

describe('cli', () => {
  it('starts everything, prints URLs and stops on SIGTERM', async () => {
    const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
    const ports = { BOTCORE_PORT: '0', VOICE_PORT: '0', WHATSAPP_PORT: '0', CRM_PORT: '0', SMTP_PORT: '0', SMTP_ADMIN_PORT: '0' };
    // node itself with the tsx loader: the tsx wrapper process relays signals and, under load, may die of SIGTERM first
    const child = spawn(process.execPath, ['--import', 'tsx', cli], { env: { ...process.env, ...ports }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`cli did not start: ${out}`)), 15_000);
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('stand-ins ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', (code) => reject(new Error(`cli exited ${code}: ${out}`)));
    });
    const botcore = /botcore\s+(http:\/\/\S+)/.exec(out)?.[1];
    const smtpPort = Number(/SMTP_PORT=(\d+)/.exec(out)?.[1]);
    expect(botcore).toBeDefined();
    const res = await fetch(`${botcore}/qna`, { method: 'POST', body: JSON.stringify({ question: 'ping', uuid: 'u' }) });
    expect((await res.json()).answer).toBe('Answer to: ping');
    const info = await nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, ignoreTLS: true })
      .sendMail({ from: 'a@b.test', to: 'c@d.test', subject: 's', text: 't' });
    expect(info.accepted).toEqual(['c@d.test']);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 30_000);
});
