import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningService } from '@botwot/launcher';
import { apiAs, ended, eventually, type Api } from './api-client.js';
import { startGatewayReplica } from './replicas.js';

// An Idempotency-Key is bound to the request it first came with (route, which fixes the mode,
// target and body): a repeat answers the first execution; anything else with the key is a 422 and
// starts nothing. Keys expire after IDEMPOTENCY_KEY_TTL_SECONDS (24 h by default; 2 s on a replica
// here), are then free again, and their rows are deleted.

const run = randomUUID().slice(0, 8);
const phone = '+919800000041';
const steps = [
  { stepId: 't', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'w' },
  { stepId: 'w', stepType: 'action', config: { actionType: 'send_whatsapp', messageTemplate: 'paid {{message_text}}' } },
];

async function whatsappDeliveries(): Promise<{ idempotencyKey?: string; text: string }[]> {
  const res = await fetch(`${inject('system').standIns.whatsapp}/__admin/deliveries`);
  return ((await res.json()) as { deliveries: { idempotencyKey?: string; text: string }[] }).deliveries;
}

const executionsOf = async (api: Api, workflowId: string) => {
  const res = await api.get(`/workFlow/${workflowId}/executions?limit=100`);
  expect(res.status).toBe(200);
  return res.body.executions as { executionId: string; mode: string; status: string }[];
};

describe('security: idempotency keys bind to the request', () => {
  let api: Api;
  let workflowId: string;
  let otherWorkflowId: string;

  beforeAll(async () => {
    api = await apiAs(`org-idem-${run}`);
    workflowId = (await api.post('/workFlow', { name: 'idempotent payments', steps })).body.id;
    otherWorkflowId = (await api.post('/workFlow', { name: 'another workflow', steps })).body.id;
    expect([workflowId, otherWorkflowId].every(Boolean)).toBe(true);
  });

  it('a key first used for a test run is refused for a live run: 422 IDEMPOTENCY_KEY_REUSED, and no live message is sent (issue 9, item 3)', async () => {
    const key = `k1-${run}`;
    const tested = await api.post(`/workFlow/${workflowId}/test`, { triggerData: { phone_number: phone, message_text: 'first' } }, { 'idempotency-key': key });
    expect(tested.status).toBe(202);
    expect(tested.body).toMatchObject({ mode: 'test' });
    const live = await api.post(`/workFlow/${workflowId}/execute`, { triggerData: { phone_number: phone, message_text: 'second' } }, { 'idempotency-key': key });
    expect(live.status, JSON.stringify(live.body)).toBe(422);
    expect(live.body).toEqual({ success: false, error: { code: 'IDEMPOTENCY_KEY_REUSED', message: expect.stringContaining('different request') } });

    const { execution } = await ended(api, tested.body.executionId);
    expect(execution).toMatchObject({ mode: 'test', status: 'completed' });
    expect((await executionsOf(api, workflowId)).filter((e) => e.mode === 'live')).toEqual([]);
    expect((await whatsappDeliveries()).filter((d) => d.idempotencyKey?.startsWith(`${tested.body.executionId}:`))).toEqual([]);
  });

  it('the same request again answers the first execution; a different body, mode or workflow with the key is a 422', async () => {
    const key = `k2-${run}`;
    const body = { triggerData: { phone_number: phone, message_text: 'pay 10', meta: { a: 1, b: 2 } } };
    const first = await api.post(`/workFlow/${workflowId}/execute`, body, { 'idempotency-key': key });
    expect(first.status).toBe(202);
    // the same body with its keys in another order is the same request
    const again = await api.post(`/workFlow/${workflowId}/execute`, { triggerData: { meta: { b: 2, a: 1 }, message_text: 'pay 10', phone_number: phone } }, { 'idempotency-key': key });
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ executionId: first.body.executionId, mode: 'live', version: 1, replayed: true });

    const refusals: [string, string, unknown][] = [
      ['another body', `/workFlow/${workflowId}/execute`, { triggerData: { phone_number: phone, message_text: 'pay 1000' } }],
      ['another mode', `/workFlow/${workflowId}/test`, body],
      ['another workflow', `/workFlow/${otherWorkflowId}/execute`, body],
      ['a retry', `/workFlow/execution/${first.body.executionId}/retry`, { from: 'start' }],
    ];
    await ended(api, first.body.executionId);
    for (const [what, path, payload] of refusals) {
      const res = await api.post(path, payload, { 'idempotency-key': key });
      expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(422);
      expect(res.body.error.code, what).toBe('IDEMPOTENCY_KEY_REUSED');
    }
    // one execution of each workflow ran for this key: the first
    expect((await executionsOf(api, otherWorkflowId)).length).toBe(0);
    expect((await whatsappDeliveries()).filter((d) => d.text === 'paid pay 10' || d.text === 'paid pay 1000').map((d) => d.text)).toEqual(['paid pay 10']);
    // with ?wait the replay answers the first execution's result
    const waited = await api.post(`/workFlow/${workflowId}/execute?wait=10`, body, { 'idempotency-key': key });
    expect(waited.status).toBe(200);
    expect(waited.body).toMatchObject({ executionId: first.body.executionId, status: 'completed', replayed: true });
  });

  it('a retry with a key is bound the same way', async () => {
    const done = await api.post(`/workFlow/${workflowId}/execute?wait=20`, { triggerData: { phone_number: phone, message_text: 'retry me' } });
    expect(done.status).toBe(200);
    const key = `k3-${run}`;
    const first = await api.post(`/workFlow/execution/${done.body.executionId}/retry`, { from: 'start' }, { 'idempotency-key': key });
    const again = await api.post(`/workFlow/execution/${done.body.executionId}/retry`, { from: 'start' }, { 'idempotency-key': key });
    expect([first.status, again.status]).toEqual([202, 202]);
    expect(again.body).toMatchObject({ executionId: first.body.executionId, replayed: true });
    const other = await api.post(`/workFlow/execution/${done.body.executionId}/retry`, { from: 'start', version: 'latest' }, { 'idempotency-key': key });
    expect(other.status).toBe(422);
  });

  describe('expiry', () => {
    let replica: RunningService;
    let mongo: MongoClient;

    beforeAll(async () => {
      replica = await startGatewayReplica('idempotency', { IDEMPOTENCY_KEY_TTL_SECONDS: '2' });
      mongo = await MongoClient.connect(inject('system').mongoUrl);
    });
    afterAll(async () => {
      await replica?.process.stop();
      await mongo?.close();
    });

    it('after IDEMPOTENCY_KEY_TTL_SECONDS the key starts a new execution, even for another request, and the expired row is deleted', async () => {
      const orgId = `org-idem-ttl-${run}`;
      const short = await apiAs(orgId, 'u', { baseUrl: replica.opsUrl });
      const id = (await short.post('/workFlow', { name: 'short keys', steps })).body.id as string;
      const key = `ttl-${run}`;
      const first = await short.post(`/workFlow/${id}/execute`, { triggerData: { phone_number: phone, message_text: 'one' } }, { 'idempotency-key': key });
      expect(first.status).toBe(202);
      const rows = mongo.db().collection<{ _id: string }>('execution_requests');
      expect(await rows.findOne({ _id: `${orgId}:${key}` })).toMatchObject({ executionId: first.body.executionId, bucket: expect.any(Number) });
      // within the lifetime a different request is refused
      const early = await short.post(`/workFlow/${id}/execute`, { triggerData: { phone_number: phone, message_text: 'two' } }, { 'idempotency-key': key });
      expect([202, 422]).toContain(early.status); // 202 only if the 2 s had already passed
      if (early.status === 202) expect(early.body.executionId).not.toBe(first.body.executionId);

      // the expired row is removed by the cleanup (a delete of its bucket), without anyone reading it
      await eventually(async () => ((await rows.findOne({ _id: `${orgId}:${key}`, executionId: first.body.executionId })) === null ? true : undefined), {
        what: 'the expired key row to be deleted',
        timeoutMs: 20_000,
      });
      const later = await short.post(`/workFlow/${id}/execute`, { triggerData: { phone_number: phone, message_text: 'three' } }, { 'idempotency-key': key });
      expect(later.status, JSON.stringify(later.body)).toBe(202);
      expect(later.body.executionId).not.toBe(first.body.executionId);
      expect(later.body.replayed).toBeUndefined();
    });

    it('an expired key that is still stored is treated as free when it is read', async () => {
      const orgId = `org-idem-read-${run}`;
      const short = await apiAs(orgId, 'u', { baseUrl: replica.opsUrl });
      const id = (await short.post('/workFlow', { name: 'short keys', steps })).body.id as string;
      const key = `read-${run}`;
      const first = await short.post(`/workFlow/${id}/test`, { triggerData: { phone_number: phone } }, { 'idempotency-key': key });
      expect(first.status).toBe(202);
      // age the stored row past the lifetime, as if the cleanup had not run yet
      const rows = mongo.db().collection<{ _id: string; createdAt: Date }>('execution_requests');
      await rows.updateOne({ _id: `${orgId}:${key}` }, { $set: { createdAt: new Date(Date.now() - 60_000), bucket: 0 } });
      const next = await short.post(`/workFlow/${id}/execute`, { triggerData: { phone_number: phone, message_text: 'another' } }, { 'idempotency-key': key });
      expect(next.status, JSON.stringify(next.body)).toBe(202);
      expect(next.body.executionId).not.toBe(first.body.executionId);
      expect(await rows.findOne({ _id: `${orgId}:${key}` })).toMatchObject({ executionId: next.body.executionId });
    });
  });
});
