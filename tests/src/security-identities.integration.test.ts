import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createEvent, TOPICS } from '@botwot/shared/events';
import { apiAs, ended, eventually, type Api } from './api-client.js';

// Tenants do not share identities, through the real gateway and runners: BotCore memory ids are
// namespaced by org whatever a step says, and a workflow sends only from the WhatsApp numbers and
// email senders its org registered (/channels), checked when it is validated and again when the
// action runs (executions also start from triggers, which the gateway never sees).

const run = randomUUID().slice(0, 8);
const orgA = `org-id-a-${run}`;
const orgB = `org-id-b-${run}`;
const numberOfA = `3${String(Date.now()).slice(-12)}${Math.floor(Math.random() * 100)}`;
const senderOfA = `billing-${run}@a.example`;

type Recorded = { path: string; body: any; headers: Record<string, string> };
const journal = async (base: string, what: 'requests' | 'deliveries'): Promise<any[]> => (await (await fetch(`${base}/__admin/${what}`)).json())[what];

const trigger = (next: string) => ({ stepId: 't', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: next });

describe('security: tenant identities', () => {
  let a: Api;
  let b: Api;

  beforeAll(async () => {
    a = await apiAs(orgA);
    b = await apiAs(orgB);
  });

  it('namespaces BotCore memory by org: the same memoryContext, the defaults, even another org\'s prefix never reach the same memory', async () => {
    const memory = `shared-memory-${run}`;
    const agent = (stepId: string, config: Record<string, unknown>, next?: string) => ({ stepId, stepType: 'agent', config: { agentType: 'conversational', inputText: `${stepId} ${run}`, ...config }, ...(next ? { nextStepId: next } : {}) });
    const stepsOf = (prefix: string) => [
      trigger('m'),
      agent('m', { memoryContext: memory }, 'x'),
      agent('x', { memoryContext: `${orgB}:${memory}` }, 'd'),
      { stepId: 'd', stepType: 'agent', config: { agentType: 'decision', inputText: `d ${prefix} ${run}` }, nextStepId: 'end' },
      { stepId: 'end', stepType: 'action', config: { actionType: 'send_whatsapp', messageTemplate: 'done' } },
    ];
    for (const [api, prefix] of [[a, 'A'], [b, 'B']] as const) {
      const id = (await api.post('/workFlow', { name: 'memory', steps: stepsOf(prefix) })).body.id;
      const done = await api.post(`/workFlow/${id}/execute?wait=30`, { triggerData: { phone_number: '+919800000061' } });
      expect(done.body.execution?.status, JSON.stringify(done.body)).toBe('completed');
    }
    const uuids = (await journal(inject('system').standIns.botcore, 'requests'))
      .filter((r: Recorded) => r.path === '/qna' && String(r.body?.question).endsWith(run))
      .map((r: Recorded) => r.body.uuid as string)
      .sort();
    expect(uuids).toEqual(
      [`${orgA}:${memory}`, `${orgA}:${orgB}:${memory}`, `${orgA}:decorpot-agent-uuid`, `${orgB}:${memory}`, `${orgB}:${orgB}:${memory}`, `${orgB}:decorpot-agent-uuid`].sort(),
    );
  });

  it('manages an org\'s senders through /channels: validated, one org per sender, invisible to other orgs', async () => {
    const registered = await a.post('/channels', { kind: 'whatsapp', value: numberOfA, label: 'A support line' });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    expect(registered.body).toMatchObject({ success: true, created: true, channel: { kind: 'whatsapp', value: numberOfA, label: 'A support line', createdBy: `user-of-${orgA}` } });
    expect((await a.post('/channels', { kind: 'email', value: `Billing <${senderOfA.toUpperCase()}>` })).body.channel).toMatchObject({ kind: 'email', value: senderOfA });
    // again by the same org: 200, nothing new
    expect((await a.post('/channels', { kind: 'whatsapp', value: numberOfA })).status).toBe(200);

    for (const [kind, value] of [['whatsapp', numberOfA], ['email', senderOfA], ['email', `"Spoof" <${senderOfA}>`]]) {
      const taken = await b.post('/channels', { kind, value });
      expect(taken.status, `${kind} ${value}`).toBe(409);
      expect(taken.body.error.code).toBe('CHANNEL_UNAVAILABLE');
    }
    for (const body of [{ kind: 'whatsapp', value: '+1 555 0100' }, { kind: 'whatsapp', value: '{{number}}' }, { kind: 'email', value: 'not an address' }, { kind: 'sms', value: '1' }, { kind: 'email', value: 'a@b.example', orgId: orgA }, {}]) {
      const bad = await b.post('/channels', body);
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect((await a.get('/channels')).body.channels.map((c: any) => `${c.kind}:${c.value}`).sort()).toEqual([`email:${senderOfA}`, `whatsapp:${numberOfA}`]);
    expect((await b.get('/channels')).body.channels).toEqual([]);
    // another org cannot remove it; it looks as absent as an unknown sender
    expect((await b.delete(`/channels/whatsapp/${numberOfA}`)).status).toBe(404);
    expect((await b.delete('/channels/whatsapp/1')).body.error.code).toBe('NOT_FOUND');
    const temporary = `4${numberOfA.slice(1)}`;
    expect((await a.post('/channels', { kind: 'whatsapp', value: temporary })).status).toBe(201);
    expect((await a.delete(`/channels/whatsapp/${temporary}`)).body).toMatchObject({ success: true, removed: { value: temporary } });
    expect((await a.get('/channels')).body.channels).toHaveLength(2);
  });

  it('validation names the step that sends from a sender the org has not registered, and execute refuses it; the owner runs the same workflow', async () => {
    const steps = [
      trigger('wa'),
      { stepId: 'wa', stepType: 'action', config: { actionType: 'send_whatsapp', messageTemplate: `from A's number ${run}`, phoneNumberId: numberOfA }, nextStepId: 'mail' },
      { stepId: 'mail', stepType: 'action', config: { actionType: 'send_email', from: `A Billing <${senderOfA}>`, to: 'x@customer.example', subject: 's', body: 'b' } },
    ];
    const theirs = await b.post('/workFlow', { name: 'sends as A', steps });
    expect(theirs.status).toBe(201);
    expect(theirs.body.validation).toEqual({
      valid: false,
      errors: [
        { stepId: 'wa', message: expect.stringContaining(`WhatsApp phone number id ${numberOfA}, which is not registered to this organisation`) },
        { stepId: 'mail', message: expect.stringContaining(`email sender ${senderOfA}, which is not registered to this organisation`) },
      ],
    });
    expect((await b.post(`/workFlow/${theirs.body.id}/validate`)).body.errors.map((e: any) => e.stepId)).toEqual(['wa', 'mail']);
    for (const path of ['execute', 'test']) {
      const refused = await b.post(`/workFlow/${theirs.body.id}/${path}`, { triggerData: { phone_number: '+919800000062' } });
      expect(refused.status, path).toBe(400);
      expect(refused.body.error).toMatchObject({ code: 'INVALID_WORKFLOW', details: expect.arrayContaining([expect.objectContaining({ stepId: 'wa' })]) });
    }

    const mine = await a.post('/workFlow', { name: 'sends as A', steps });
    expect(mine.body.validation).toEqual({ valid: true, errors: [] });
    const done = await a.post(`/workFlow/${mine.body.id}/execute?wait=30`, { triggerData: { phone_number: '+919800000062' } });
    expect(done.body.execution?.status, JSON.stringify(done.body)).toBe('completed');
    const sent = (await journal(inject('system').standIns.whatsapp, 'deliveries')).filter((d: any) => d.text === `from A's number ${run}`);
    expect(sent.map((d: any) => d.phoneNumberId)).toEqual([numberOfA]);
    const mails = (await journal(inject('system').standIns.smtpAdmin, 'deliveries')).filter((m: any) => m.headers['x-idempotency-key']?.startsWith(`${done.body.executionId}:`));
    expect(mails.map((m: any) => m.from)).toEqual([senderOfA]);
  });

  describe('at run time', () => {
    let producer: Producer;
    beforeAll(async () => {
      producer = new Kafka({ clientId: 'identities-test', brokers: inject('system').kafkaBrokers, logLevel: logLevel.NOTHING }).producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
    });
    afterAll(() => producer?.disconnect());

    it('a trigger-started execution that sends from another org\'s number or address fails with SENDER_NOT_ALLOWED, once, and nothing is sent', async () => {
      const cases = [
        { label: 'whatsapp', action: { actionType: 'send_whatsapp', messageTemplate: `sneaky ${run}`, phoneNumberId: numberOfA }, provider: 'whatsapp' },
        { label: 'email', action: { actionType: 'send_email', from: senderOfA, to: 'victim@customer.example', subject: `sneaky ${run}`, body: 'b' }, provider: 'smtp' },
      ];
      // an org of its own, so these trigger events start nothing else
      const c3 = await apiAs(`org-id-c-${run}`);
      for (const c of cases) {
        const channelId = `chan-${c.label}-${run}`;
        const created = await c3.post('/workFlow', { name: `trigger sends as A (${c.label})`, steps: [{ ...trigger('act'), config: { triggerType: 'whatsapp', channelId } }, { stepId: 'act', stepType: 'action', config: c.action }] });
        expect(created.body.validation.valid).toBe(false);
        const event = createEvent('trigger.received', { orgId: `org-id-c-${run}`, data: { triggerType: 'whatsapp', channelId, data: { phone_number: '+919800000063', message_text: 'hi' } } });
        await producer.send({ topic: TOPICS.triggerEvents, acks: -1, messages: [{ key: event.orgId, value: JSON.stringify(event) }] });
        const execution = await eventually(
          async () => {
            const list = (await c3.get(`/workFlow/${created.body.id}/executions`)).body.executions as any[];
            return list.length > 0 && list[0].status !== 'running' ? list[0] : undefined;
          },
          { what: `the ${c.label} execution started by a trigger to end`, timeoutMs: 60_000 },
        );
        const { logs } = await ended(c3, execution.executionId);
        const act = logs.find((l: any) => l.stepId === 'act');
        expect(act, c.label).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'SENDER_NOT_ALLOWED', kind: 'non_retryable', provider: c.provider } });
      }
      expect((await journal(inject('system').standIns.whatsapp, 'deliveries')).filter((d: any) => d.text === `sneaky ${run}`)).toEqual([]);
      expect((await journal(inject('system').standIns.smtpAdmin, 'deliveries')).filter((m: any) => m.subject === `sneaky ${run}`)).toEqual([]);
    });
  });
});
