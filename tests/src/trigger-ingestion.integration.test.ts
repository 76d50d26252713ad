import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createEvent, TOPICS, type EventOf } from '@botwot/shared/events';
import { apiAs, eventually, type Api } from './api-client.js';

/**
 * Ingestion producers publish `trigger.received` to Kafka (key = orgId, plain JSON): every active
 * workflow of that org whose trigger matches starts once, and nothing else starts.
 *
 * "Nothing started" is only worth asserting once the orchestrator has provably handled the event:
 * each test then publishes a sentinel event with the same key (same partition, handled after it)
 * and waits until the sentinel's execution has ended.
 */

type TriggerEvent = EventOf<'trigger.received'>;
type Step = { stepId: string; stepType: string; config: Record<string, unknown>; nextStepId?: string };

let producer: Producer;

beforeAll(async () => {
  const kafka = new Kafka({ clientId: 'trigger-ingestion-test', brokers: inject('system').kafkaBrokers, logLevel: logLevel.NOTHING });
  producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
});

afterAll(async () => {
  await producer?.disconnect();
});

const org = (what: string) => `org-ingest-${what}-${randomUUID().slice(0, 8)}`;

function triggerEvent(orgId: string, triggerType: 'whatsapp' | 'email' | 'voice', data: Record<string, unknown>, channelId?: string): TriggerEvent {
  return createEvent('trigger.received', { orgId, data: { triggerType, data, ...(channelId ? { channelId } : {}) } });
}

/** Publishes events as an external producer would: plain JSON, keyed by orgId, in order. */
async function publish(...events: TriggerEvent[]) {
  await producer.send({ topic: TOPICS.triggerEvents, acks: -1, messages: events.map((e) => ({ key: e.orgId, value: JSON.stringify(e) })) });
}

/** trigger → one action, so a started execution ends quickly and leaves a trace at a stand-in. */
function steps(triggerType: 'whatsapp' | 'email' | 'voice', label: string, extra: Record<string, unknown> = {}): Step[] {
  const action: Step =
    triggerType === 'whatsapp'
      ? { stepId: 'act', stepType: 'action', config: { actionType: 'send_whatsapp', recipient: 'trigger', messageTemplate: `${label}: got "{{message_text}}"` } }
      : triggerType === 'email'
        ? { stepId: 'act', stepType: 'action', config: { actionType: 'send_email', to: '{{email_from}}', subject: `${label}: {{email_subject}}`, body: 'Thanks' } }
        : { stepId: 'act', stepType: 'action', config: { actionType: 'initiate_call', phoneNumber: '{{caller_number}}', voiceAgent: label } };
  return [{ stepId: 'trigger', stepType: 'trigger', config: { triggerType, ...extra }, nextStepId: 'act' }, action];
}

async function createWorkflow(api: Api, name: string, s: Step[]): Promise<string> {
  const res = await api.post('/workFlow', { name, steps: s });
  expect(res.status).toBe(201);
  expect(res.body.validation.valid).toBe(true);
  return res.body.id as string;
}

async function executionsOf(api: Api, workflowId: string): Promise<any[]> {
  const res = await api.get(`/workFlow/${workflowId}/executions?limit=100`);
  expect(res.status).toBe(200);
  expect(res.body.executions).toHaveLength(res.body.total);
  return res.body.executions;
}

/** Waits until a workflow has at least `n` executions and all of them have ended. */
async function endedExecutions(api: Api, workflowId: string, n: number): Promise<any[]> {
  return eventually(
    async () => {
      const list = await executionsOf(api, workflowId);
      return list.length >= n && list.every((e) => e.status !== 'running') ? list : undefined;
    },
    { what: `${n} ended execution(s) of workflow ${workflowId}`, timeoutMs: 60_000 },
  );
}

async function logsOf(api: Api, executionId: string): Promise<any[]> {
  const res = await api.get(`/workFlow/execution/${executionId}`);
  expect(res.status).toBe(200);
  return res.body.logs;
}

async function whatsappDeliveries(): Promise<any[]> {
  const res = await fetch(`${inject('system').standIns.whatsapp}/__admin/deliveries`);
  return ((await res.json()) as { deliveries: any[] }).deliveries;
}

describe('trigger events from Kafka start workflows', () => {
  it('start every active workflow of the org with that trigger type, once each — not other orgs, other types or archived ones', async () => {
    const orgId = org('match');
    const otherOrgId = org('other');
    const api = await apiAs(orgId);
    const other = await apiAs(otherOrgId);
    const first = await createWorkflow(api, 'whatsapp one', steps('whatsapp', 'first'));
    const second = await createWorkflow(api, 'whatsapp two', steps('whatsapp', 'second'));
    const emailFlow = await createWorkflow(api, 'email', steps('email', 'mail'));
    const archived = await createWorkflow(api, 'archived whatsapp', steps('whatsapp', 'archived'));
    const archiving = await api.delete(`/workFlow/${archived}`);
    expect(archiving.status).toBe(200);
    expect(archiving.body.status).toBe('archived');
    const otherOrgs = await createWorkflow(other, 'whatsapp of another org', steps('whatsapp', 'other'));

    const data = { phone_number: '+919812340001', message_text: `Hello from Kafka ${randomUUID()}`, message_id: 'wamid.ingest-1', message_timestamp: '2025-03-04T05:06:07.000Z' };
    const event = triggerEvent(orgId, 'whatsapp', data);
    await publish(event);

    for (const [workflowId, label] of [[first, 'first'], [second, 'second']] as const) {
      const [execution, ...more] = await endedExecutions(api, workflowId, 1);
      expect(more).toHaveLength(0);
      expect(execution).toMatchObject({ status: 'completed', mode: 'live', version: 1, orgId, userId: `user-of-${orgId}`, triggerData: data });
      expect(execution.executionId).toMatch(/^trg-[0-9a-f]{32}$/);
      const logs = await logsOf(api, execution.executionId);
      expect(logs.map((l) => [l.stepId, l.status])).toEqual([['trigger', 'completed'], ['act', 'completed']]);
      expect(logs[0].output).toEqual({ phone_number: data.phone_number, message_text: data.message_text, message_id: data.message_id, message_timestamp: data.message_timestamp });
      expect(logs[1].input.messageTemplate).toBe(`${label}: got "${data.message_text}"`);
      const sent = (await whatsappDeliveries()).filter((d) => String(d.idempotencyKey).startsWith(`${execution.executionId}:`));
      expect(sent.map((d) => [d.to, d.text])).toEqual([[data.phone_number, `${label}: got "${data.message_text}"`]]);
    }

    // sentinel: an email event of the same org, handled after the whatsapp one
    const mail = { email_from: 'ingest@example.com', email_subject: `Sentinel ${randomUUID()}`, email_body: 'b' };
    await publish(triggerEvent(orgId, 'email', mail));
    const [emailRun, ...moreEmail] = await endedExecutions(api, emailFlow, 1);
    expect(moreEmail).toHaveLength(0);
    expect(emailRun).toMatchObject({ status: 'completed', triggerData: mail });

    expect(await executionsOf(api, first)).toHaveLength(1);
    expect(await executionsOf(api, second)).toHaveLength(1);
    expect(await executionsOf(api, archived)).toHaveLength(0);
    expect(await executionsOf(other, otherOrgs)).toHaveLength(0);
    // the other org cannot even see this org's workflows
    expect((await other.get(`/workFlow/${first}/executions`)).status).toBe(404);
  });

  it('the same event published twice (together, and again later) starts nothing new', async () => {
    const orgId = org('dupe');
    const api = await apiAs(orgId);
    const workflowId = await createWorkflow(api, 'dedupe', steps('whatsapp', 'dedupe'));
    const event = triggerEvent(orgId, 'whatsapp', { phone_number: '+919812340002', message_text: `once ${randomUUID()}` });

    await publish(event, event);
    const [execution, ...more] = await endedExecutions(api, workflowId, 1);
    expect(more).toHaveLength(0);
    expect(execution.status).toBe('completed');

    await publish(event);
    const sentinel = triggerEvent(orgId, 'whatsapp', { phone_number: '+919812340002', message_text: `sentinel ${randomUUID()}` });
    await publish(sentinel);
    const runs = await endedExecutions(api, workflowId, 2);
    expect(runs).toHaveLength(2);
    expect(runs.map((r) => r.triggerData.message_text).sort()).toEqual([event.data.data.message_text, sentinel.data.data.message_text].sort());
    expect(runs.find((r) => r.triggerData.message_text === event.data.data.message_text)?.executionId).toBe(execution.executionId);

    // one step log per step and one message per run: the duplicate did not run anything again
    expect((await logsOf(api, execution.executionId)).map((l) => l.stepId)).toEqual(['trigger', 'act']);
    const sent = (await whatsappDeliveries()).filter((d) => runs.some((r) => String(d.idempotencyKey).startsWith(`${r.executionId}:`)));
    expect(sent.map((d) => d.text).sort()).toEqual(runs.map((r) => `dedupe: got "${r.triggerData.message_text}"`).sort());
  });

  it("a workflow whose trigger names a channel starts only from that channel's events", async () => {
    const orgId = org('channel');
    const api = await apiAs(orgId);
    const anyChannel = await createWorkflow(api, 'any channel', steps('whatsapp', 'any'));
    const lineTwo = await createWorkflow(api, 'line two only', steps('whatsapp', 'line2', { channelId: 'line-2' }));

    const fromLineOne = triggerEvent(orgId, 'whatsapp', { phone_number: '+919812340003', message_text: 'via line 1' }, 'line-1');
    const fromLineTwo = triggerEvent(orgId, 'whatsapp', { phone_number: '+919812340003', message_text: 'via line 2' }, 'line-2');
    await publish(fromLineOne, fromLineTwo);

    const all = await endedExecutions(api, anyChannel, 2);
    expect(all.map((e) => e.triggerData.message_text).sort()).toEqual(['via line 1', 'via line 2']);
    const filtered = await endedExecutions(api, lineTwo, 1);
    expect(filtered.map((e) => e.triggerData.message_text)).toEqual(['via line 2']);
  });

  it('a trigger event runs the latest version: an edit can change what runs and which trigger matches', async () => {
    const orgId = org('versions');
    const api = await apiAs(orgId);
    const edited = await createWorkflow(api, 'edited', steps('whatsapp', 'v1'));
    const switched = await createWorkflow(api, 'switched to email', steps('whatsapp', 'was-whatsapp'));
    expect((await api.put(`/workFlow/${edited}`, { steps: steps('whatsapp', 'v2') })).body.version).toBe(2);
    expect((await api.put(`/workFlow/${switched}`, { steps: steps('email', 'now-email') })).body.version).toBe(2);

    const data = { phone_number: '+919812340004', message_text: `which version ${randomUUID()}` };
    const mail = { email_from: 'versions@example.com', email_subject: 'sentinel', email_body: 'b' };
    await publish(triggerEvent(orgId, 'whatsapp', data), triggerEvent(orgId, 'email', mail));

    const [run] = await endedExecutions(api, edited, 1);
    expect(run).toMatchObject({ status: 'completed', version: 2, triggerData: data });
    expect((await logsOf(api, run.executionId))[1].input.messageTemplate).toBe(`v2: got "${data.message_text}"`);
    const switchedRuns = await endedExecutions(api, switched, 1);
    expect(switchedRuns.map((r) => [r.version, r.triggerData])).toEqual([[2, mail]]);
    expect(await executionsOf(api, edited)).toHaveLength(1);
  });

  it('a workflow never valid (a cycle) starts nothing from a trigger event', async () => {
    const orgId = org('invalid');
    const api = await apiAs(orgId);
    const cyclic = await api.post('/workFlow', {
      name: 'cycle',
      steps: [
        { stepId: 'trigger', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'a' },
        { stepId: 'a', stepType: 'action', config: { actionType: 'send_whatsapp', recipient: 'trigger', messageTemplate: 'loop a' }, nextStepId: 'b' },
        { stepId: 'b', stepType: 'action', config: { actionType: 'send_whatsapp', recipient: 'trigger', messageTemplate: 'loop b' }, nextStepId: 'a' },
      ],
    });
    expect(cyclic.status).toBe(201);
    expect(cyclic.body.validation.valid).toBe(false);
    const valid = await createWorkflow(api, 'valid sentinel', steps('email', 'sentinel'));

    await publish(
      triggerEvent(orgId, 'whatsapp', { phone_number: '+919812340005', message_text: 'start the loop?' }),
      triggerEvent(orgId, 'email', { email_from: 'invalid@example.com', email_subject: 'sentinel', email_body: 'b' }),
    );
    await endedExecutions(api, valid, 1);

    // never valid, so never live: trigger events start nothing for it (the sentinel proves the event was handled)
    expect(await executionsOf(api, cyclic.body.id)).toEqual([]);
    expect((await whatsappDeliveries()).filter((d) => d.to === '+919812340005')).toEqual([]);
  });
});
