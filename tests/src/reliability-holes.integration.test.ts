import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createEvent, TOPICS } from '@botwot/shared/events';
import { apiAs, ended, eventually, type Api } from './api-client.js';

/**
 * Holes found while trying the engine as a user: each test here failed before its fix.
 */

const system = inject('system');
const run = randomUUID().slice(0, 8);
const phone = '+919800000001';
let api: Api;
let mongo: MongoClient;
const kafka = new Kafka({ clientId: 'holes-test', brokers: system.kafkaBrokers, logLevel: logLevel.NOTHING });
const producer = kafka.producer();

beforeAll(async () => {
  api = await apiAs(`org-holes-${run}`);
  mongo = new MongoClient(system.mongoUrl);
  await producer.connect();
});
afterAll(async () => {
  await producer.disconnect();
  await mongo.close();
});

async function knobs(base: string, values: Record<string, unknown>) {
  const res = await fetch(`${base}/__admin/knobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(values) });
  expect(res.status).toBe(200);
}

async function create(name: string, steps: unknown[]): Promise<string> {
  const res = await api.post('/workFlow', { name, steps });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

const whatsappReply = (stepId = 'reply') => ({ stepId, stepType: 'action', config: { actionType: 'send_whatsapp', messageTemplate: 'hi {{message_text}}' } });

describe('smaller holes', () => {
  it('an email step stops at its deadline: a 1 s step does not wait for a 5 s SMTP answer', async () => {
    const id = await create('slow smtp', [
      { stepId: 't', stepType: 'trigger', config: { triggerType: 'email' }, nextStepId: 'mail' },
      { stepId: 'mail', stepType: 'action', timeoutMs: 1_000, retry: { maxAttempts: 1 }, config: { actionType: 'send_email', to: 'asha@example.com', subject: 's', body: 'b' } },
    ]);
    await knobs(system.standIns.smtpAdmin, { latencyMs: 5_000 });
    try {
      const res = await api.post(`/workFlow/${id}/execute`, { triggerData: { email_from: 'asha@example.com' } });
      expect(res.status).toBe(202);
      const done = await ended(api, res.body.executionId, 30_000);
      const mail = done.logs.find((l) => l.stepId === 'mail');
      expect(done.execution.status).toBe('failed');
      expect(mail.error.code).toBe('STEP_TIMEOUT');
      expect(mail.duration).toBeLessThan(4_000);
    } finally {
      await knobs(system.standIns.smtpAdmin, { latencyMs: 0 });
    }
  });

  it('a retry from the start gets the original trigger data, also when it was stored as JSON text', async () => {
    const orgId = `org-holes-${run}`;
    const id = await create('odd keys', [{ stepId: 't', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'reply' }, whatsappReply()]);
    // Keys the database cannot hold as they are ($, dots) can only arrive through a trigger event.
    const data = { phone_number: phone, message_text: 'odd', 'a.b': { $c: 1 } };
    await producer.send({ topic: TOPICS.triggerEvents, messages: [{ key: orgId, value: JSON.stringify(createEvent('trigger.received', { orgId, data: { triggerType: 'whatsapp', data } })) }] });
    const first = await eventually(
      async () => {
        const res = await api.get(`/workFlow/${id}/executions`);
        return res.body.executions?.find((e: { status: string }) => e.status !== 'running');
      },
      { what: 'the triggered execution to end' },
    );
    expect(first.triggerData).toEqual(data);
    const retried = await api.post(`/workFlow/execution/${first.executionId}/retry`, { from: 'start' });
    expect(retried.status).toBe(202);
    const again = await ended(api, retried.body.executionId);
    expect(again.execution.triggerData).toEqual(data);
    expect(again.logs[0].input).toEqual(data);
  });

  it('a PUT that died after writing its steps does not make later PUTs fail', async () => {
    const id = await create('half-saved', [{ stepId: 't', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'reply' }, whatsappReply()]);
    // what an edit that died half-way leaves: version 2's steps, with the workflow still at version 1
    await mongo.db().collection('workflowsteps').insertOne({ workflowId: id, orgId: `org-holes-${run}`, version: 2, position: 0, stepId: 't', stepType: 'trigger', config: { triggerType: 'whatsapp' } } as never);
    const res = await api.put(`/workFlow/${id}`, { steps: [{ stepId: 't', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'r2' }, whatsappReply('r2')] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.version).toBe(2);
    const got = await api.get(`/workFlow/${id}`);
    expect(got.body.steps.map((s: { stepId: string }) => s.stepId).sort()).toEqual(['r2', 't']);
  });

  it('saving an invalid draft does not make trigger events run it: they run the latest valid version', async () => {
    const orgId = `org-holes-draft-${run}`;
    const owner = await apiAs(orgId);
    const created = await owner.post('/workFlow', { name: 'draft', steps: [{ stepId: 't', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'reply' }, whatsappReply()] });
    const id = created.body.id as string;
    const draft = await owner.put(`/workFlow/${id}`, { steps: [{ stepId: 't', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'reply' }, { stepId: 'reply', stepType: 'action', config: { actionType: 'send_whatsapp' } }] });
    expect(draft.status).toBe(200);
    expect(draft.body.validation.valid).toBe(false);
    await producer.send({ topic: TOPICS.triggerEvents, messages: [{ key: orgId, value: JSON.stringify(createEvent('trigger.received', { orgId, data: { triggerType: 'whatsapp', data: { phone_number: phone, message_text: 'x' } } })) }] });
    const done = await eventually(
      async () => {
        const res = await owner.get(`/workFlow/${id}/executions`);
        return res.body.executions?.find((e: { status: string }) => e.status !== 'running');
      },
      { what: 'the triggered execution to end' },
    );
    expect(done).toMatchObject({ status: 'completed', version: 1 });
  });
});
