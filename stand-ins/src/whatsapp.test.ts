import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_WHATSAPP_TOKEN, startWhatsApp, type WhatsAppStandIn } from './whatsapp.js';

const TOKEN = 'secret-wa-token';
let wa: WhatsAppStandIn;
beforeAll(async () => {
  wa = await startWhatsApp({ port: 0, token: TOKEN });
});
afterAll(() => wa.close());
beforeEach(() => wa.reset());

const message = (to = '+1 555 000 1234', body = 'Hello from BotWot') => ({
  messaging_product: 'whatsapp', to, type: 'text', text: { body },
});

async function send(body: unknown, headers: Record<string, string> = {}, path = '/v21.0/1234567890/messages') {
  const res = await fetch(wa.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as any, headers: res.headers };
}

describe('WhatsApp Cloud API stand-in', () => {
  it('sends a text message and answers in the Cloud API shape', async () => {
    const r = await send(message());
    expect(r.status).toBe(200);
    expect(r.json).toEqual({
      messaging_product: 'whatsapp',
      contacts: [{ input: '+1 555 000 1234', wa_id: '15550001234' }],
      messages: [{ id: expect.stringMatching(/^wamid\.[A-Za-z0-9]+$/) }],
    });
    expect(wa.deliveries()).toEqual([
      expect.objectContaining({
        messageId: r.json.messages[0].id, phoneNumberId: '1234567890', apiVersion: 'v21.0',
        to: '+1 555 000 1234', waId: '15550001234', type: 'text', text: 'Hello from BotWot',
      }),
    ]);
  });

  it('accepts the path without a version and gives distinct ids per message', async () => {
    const a = await send(message(), {}, '/1234567890/messages');
    const b = await send(message(), {}, '/1234567890/messages');
    expect(a.status).toBe(200);
    expect(a.json.messages[0].id).not.toBe(b.json.messages[0].id);
    expect(wa.deliveries()).toHaveLength(2);
    expect(wa.deliveries()[0]?.apiVersion).toBeUndefined();
  });

  it('401 in Graph error shape without or with a wrong token', async () => {
    const none = await fetch(`${wa.url}/v21.0/1/messages`, { method: 'POST', body: JSON.stringify(message()) });
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ error: { message: expect.any(String), type: 'OAuthException', code: 104, fbtrace_id: expect.any(String) } });
    const wrong = await send(message(), { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error).toMatchObject({ type: 'OAuthException', code: 190 });
    expect(wa.deliveries()).toEqual([]);
  });

  it('uses the default token when none is configured', async () => {
    const other = await startWhatsApp();
    try {
      expect(other.token).toBe(DEFAULT_WHATSAPP_TOKEN);
      const res = await fetch(`${other.url}/v21.0/1/messages`, {
        method: 'POST', headers: { authorization: `Bearer ${DEFAULT_WHATSAPP_TOKEN}` }, body: JSON.stringify(message()),
      });
      expect(res.status).toBe(200);
    } finally {
      await other.close();
    }
  });

  it('400 (#100) on invalid bodies', async () => {
    for (const bad of [
      { ...message(), messaging_product: 'sms' },
      { messaging_product: 'whatsapp', type: 'text', text: { body: 'x' } },
      { ...message(), text: {} },
      { ...message(), type: 'image' },
      { ...message(), to: 'not-a-number' },
    ]) {
      const r = await send(bad);
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(r.json.error).toMatchObject({ type: 'OAuthException', code: 100 });
    }
    const malformed = await fetch(`${wa.url}/v21.0/1/messages`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: '{oops' });
    expect(malformed.status).toBe(400);
    expect(wa.deliveries()).toEqual([]);
  });

  it('dedupes on Idempotency-Key: same id, one delivery', async () => {
    const a = await send(message(), { 'idempotency-key': 'exec-1:step-2:1' });
    const b = await send(message(), { 'idempotency-key': 'exec-1:step-2:1' });
    expect(b.status).toBe(200);
    expect(b.json).toEqual(a.json);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect(wa.deliveries()).toHaveLength(1);
    expect(wa.deliveries()[0]?.idempotencyKey).toBe('exec-1:step-2:1');
    const c = await send(message(), { 'idempotency-key': 'exec-1:step-2:2' });
    expect(c.json.messages[0].id).not.toBe(a.json.messages[0].id);
    expect(wa.deliveries()).toHaveLength(2);
    expect(wa.requests()).toHaveLength(3);
  });

  it('422 when an Idempotency-Key is reused with a different body', async () => {
    await send(message(), { 'idempotency-key': 'k' });
    const r = await send(message('+15550009999'), { 'idempotency-key': 'k' });
    expect(r.status).toBe(422);
    expect(wa.deliveries()).toHaveLength(1);
  });

  it("faultPhase 'after': delivered but answered 503; the retry with the same key is deduped", async () => {
    wa.setKnobs({ failNext: 1, faultPhase: 'after' });
    const lost = await send(message(), { 'idempotency-key': 'k-after' });
    expect(lost.status).toBe(503);
    expect(wa.deliveries()).toHaveLength(1);
    const retry = await send(message(), { 'idempotency-key': 'k-after' });
    expect(retry.status).toBe(200);
    expect(retry.json.messages[0].id).toBe(wa.deliveries()[0]?.messageId);
    expect(wa.deliveries()).toHaveLength(1);
  });

  it("faultPhase 'before' (default): a failed request delivers nothing and does not burn the key", async () => {
    wa.setKnobs({ failNext: 1 });
    expect((await send(message(), { 'idempotency-key': 'k-before' })).status).toBe(503);
    expect(wa.deliveries()).toHaveLength(0);
    expect((await send(message(), { 'idempotency-key': 'k-before' })).status).toBe(200);
    expect(wa.deliveries()).toHaveLength(1);
  });

  it('lists deliveries over GET /__admin/deliveries; reset clears them', async () => {
    await send(message('+15550001111', 'one'));
    const listed = await (await fetch(`${wa.url}/__admin/deliveries`)).json();
    expect(listed.deliveries.map((d: { text: string }) => d.text)).toEqual(['one']);
    await fetch(`${wa.url}/__admin/reset`, { method: 'POST' });
    expect(wa.deliveries()).toEqual([]);
  });
});
