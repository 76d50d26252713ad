import nodemailer from 'nodemailer';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSmtp, type SmtpStandIn } from './smtp.js';

let smtp: SmtpStandIn;
beforeAll(async () => {
  smtp = await startSmtp({ port: 0, adminPort: 0 });
});
afterAll(() => smtp.close());
beforeEach(() => smtp.reset());

const transport = (auth = false) =>
  nodemailer.createTransport({
    host: smtp.host, port: smtp.port, secure: false, ignoreTLS: true,
    ...(auth ? { auth: { user: 'botwot', pass: 'anything' } } : {}),
  });

const mail = (subject = 'Your order', text = 'Hello Ada,\nyour order has shipped.') => ({
  from: '"BotWot" <noreply@botwot.test>',
  to: ['ada@example.com', 'ops@example.com'],
  subject,
  text,
  headers: { 'X-Execution-Id': 'exec-42' },
});

describe('SMTP stand-in', () => {
  it('captures a message sent with nodemailer (no auth)', async () => {
    const info = await transport().sendMail(mail());
    expect(info.accepted).toEqual(['ada@example.com', 'ops@example.com']);
    const [m] = smtp.messages();
    expect(m).toMatchObject({
      from: 'noreply@botwot.test',
      to: ['ada@example.com', 'ops@example.com'],
      subject: 'Your order',
      text: 'Hello Ada,\nyour order has shipped.',
      messageId: info.messageId,
      envelope: { mailFrom: 'noreply@botwot.test', rcptTo: ['ada@example.com', 'ops@example.com'] },
    });
    expect(m?.headers['x-execution-id']).toBe('exec-42');
    expect(m?.headers.subject).toBe('Your order');
    expect(smtp.requests()).toEqual([expect.objectContaining({ method: 'DATA', status: 250 })]);
  });

  it('accepts any AUTH credentials and records the user', async () => {
    await transport(true).sendMail(mail('With auth'));
    expect(smtp.messages()[0]).toMatchObject({ subject: 'With auth', user: 'botwot' });
  });

  it('serves deliveries, health and reset on the admin port', async () => {
    await transport().sendMail(mail('Via admin'));
    const health = await (await fetch(`${smtp.adminUrl}/__admin/health`)).json();
    expect(health).toMatchObject({ ok: true, name: 'smtp', knobs: { errorStatus: 451 } });
    const { deliveries } = await (await fetch(`${smtp.adminUrl}/__admin/deliveries`)).json();
    expect(deliveries.map((d: { subject: string }) => d.subject)).toEqual(['Via admin']);
    expect((await fetch(`${smtp.adminUrl}/__admin/reset`, { method: 'POST' })).status).toBe(200);
    expect(smtp.messages()).toEqual([]);
    expect((await fetch(`${smtp.adminUrl}/anything`)).status).toBe(404);
  });

  it('failNext rejects DATA with 451 (temporary) and keeps nothing', async () => {
    smtp.setKnobs({ failNext: 1 });
    await expect(transport().sendMail(mail())).rejects.toMatchObject({ responseCode: 451 });
    expect(smtp.messages()).toEqual([]);
    await transport().sendMail(mail('Second try'));
    expect(smtp.messages().map((m) => m.subject)).toEqual(['Second try']);
    expect(smtp.requests().map((r) => r.status)).toEqual([451, 250]);
  });

  it('errorRate 1 with errorStatus 550 set over the admin port rejects permanently', async () => {
    const res = await fetch(`${smtp.adminUrl}/__admin/knobs`, { method: 'POST', body: JSON.stringify({ errorRate: 1, errorStatus: 550 }) });
    expect(res.status).toBe(200);
    await expect(transport().sendMail(mail())).rejects.toMatchObject({ responseCode: 550 });
    expect(smtp.messages()).toEqual([]);
  });

  it('latencyMs delays the DATA answer', async () => {
    smtp.setKnobs({ latencyMs: 150 });
    const t0 = performance.now();
    await transport().sendMail(mail());
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    expect(smtp.messages()).toHaveLength(1);
  });
});
