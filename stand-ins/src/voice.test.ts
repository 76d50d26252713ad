import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startVoice } from './voice.js';

let voice: Awaited<ReturnType<typeof startVoice>>;
beforeAll(async () => {
  voice = await startVoice();
});
afterAll(() => voice.close());
beforeEach(() => voice.reset());

async function call(body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${voice.url}/twilio/outbound-call`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as any };
}

describe('Voice stand-in', () => {
  it('initiates a call and returns { success, callId }', async () => {
    const r = await call({ toNumber: '+15550001234', agentId: 'agent-7' });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ success: true, callId: expect.stringMatching(/^CA[0-9a-f]{32}$/) });
    expect(voice.deliveries()).toEqual([expect.objectContaining({ callId: r.json.callId, toNumber: '+15550001234', agentId: 'agent-7' })]);
  });

  it('is deterministic across resets', async () => {
    const a = (await call({ toNumber: '+15550001234', agentId: 'a' })).json.callId;
    voice.reset();
    expect((await call({ toNumber: '+15550001234', agentId: 'a' })).json.callId).toBe(a);
  });

  it('400 when fields are missing or the number is invalid', async () => {
    const missing = await call({ toNumber: '+15550001234' });
    expect(missing.status).toBe(400);
    expect(missing.json.error.message).toContain('agentId');
    expect((await call({ agentId: 'a' })).status).toBe(400);
    expect((await call({ toNumber: 'call me maybe', agentId: 'a' })).status).toBe(400);
    expect(voice.deliveries()).toEqual([]);
  });

  it('dedupes on Idempotency-Key', async () => {
    const a = await call({ toNumber: '+15550001234', agentId: 'a' }, { 'idempotency-key': 'x' });
    const b = await call({ toNumber: '+15550001234', agentId: 'a' }, { 'idempotency-key': 'x' });
    expect(b.json.callId).toBe(a.json.callId);
    expect(voice.deliveries()).toHaveLength(1);
  });

  it('honours knobs: errorRate 1 → 503, nothing recorded', async () => {
    voice.setKnobs({ errorRate: 1 });
    expect((await call({ toNumber: '+15550001234', agentId: 'a' })).status).toBe(503);
    expect(voice.deliveries()).toEqual([]);
    expect(voice.requests()[0]?.status).toBe(503);
  });
});
