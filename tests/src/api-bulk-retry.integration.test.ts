import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiAs, ended, eventually, type Api } from './api-client.js';

/**
 * POST /workFlow/:id/executions/retry on the real stack: the dry run lists the side effects a
 * retry would send, then the real retry sends exactly those at the stand-ins (WhatsApp, SMTP,
 * Voice, CRM), from the start and from the failed step; plus the refusals.
 */

const system = inject('system');
const run = randomUUID().slice(0, 8);
let api: Api;
let other: Api;

async function admin(base: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${base}/__admin/${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return res.json();
}
const flat = (text: string) => text.replace(/\s+/g, ' ').trim();

/** What the stand-ins received for one execution, as side effects `{ stepId, channel, to, summary }`. */
async function sentFor(executionId: string) {
  const key = (k: unknown) => typeof k === 'string' && k.startsWith(`${executionId}:`);
  const stepOf = (k: string) => k.slice(executionId.length + 1);
  const whatsapp = ((await admin(system.standIns.whatsapp, 'deliveries')).deliveries as any[]).filter((d) => key(d.idempotencyKey));
  const mails = ((await admin(system.standIns.smtpAdmin, 'deliveries')).deliveries as any[]).filter((m) => key(m.headers['x-idempotency-key']));
  const calls = ((await admin(system.standIns.voice, 'deliveries')).deliveries as any[]).filter((c) => key(c.idempotencyKey));
  const crm = ((await admin(system.standIns.crm, 'deliveries')).deliveries as any[]).filter((w) => key(w.idempotencyKey));
  return [
    ...whatsapp.map((d) => ({ stepId: stepOf(d.idempotencyKey), channel: 'whatsapp', to: d.to, summary: flat(d.text) })),
    ...mails.map((m) => ({ stepId: stepOf(m.headers['x-idempotency-key']), channel: 'email', to: m.to.join(', '), summary: flat(`${m.subject}: ${m.text}`) })),
    ...calls.map((c) => ({ stepId: stepOf(c.idempotencyKey), channel: 'call', to: c.toNumber, summary: `call with voice agent ${c.agentId}` })),
    ...crm.map((w) => ({ stepId: stepOf(w.idempotencyKey), channel: 'crm', to: 'default', summary: flat(`create ${w.object} ${JSON.stringify(w.fields)}`) })),
  ].sort((a, b) => a.stepId.localeCompare(b.stepId));
}

const steps = [
  { stepId: 't', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'decide' },
  {
    stepId: 'decide',
    stepType: 'agent',
    config: { agentType: 'decision', inputText: 'Should we approve: {{message_text}}' },
    routes: [{ when: { field: 'decision', equals: 'Reject' }, nextStepId: 'mail' }],
    nextStepId: 'notify',
  },
  { stepId: 'notify', stepType: 'action', config: { actionType: 'send_whatsapp', messageTemplate: 'Hello {{phone_number}}: {{decision}} ({{agent_response}})' }, nextStepId: 'mail' },
  { stepId: 'mail', stepType: 'action', config: { actionType: 'send_email', to: 'risk@example.com', subject: 'Case {{message_text}}', body: '{{steps.decide.agent_response}}' }, nextStepId: 'crm' },
  { stepId: 'crm', stepType: 'action', config: { actionType: 'update_crm', crmSystem: 'default', action: 'create', fields: { phone: '{{phone_number}}', decision: '{{decision}}' } }, nextStepId: 'call' },
  { stepId: 'call', stepType: 'action', config: { actionType: 'initiate_call', phoneNumber: '{{phone_number}}', voiceAgent: 'agent-7' } },
];

beforeAll(async () => {
  api = await apiAs(`org-bulk-${run}`);
  other = await apiAs(`org-bulk-other-${run}`);
});
afterAll(async () => {
  await admin(system.standIns.whatsapp, 'knobs', { errorRate: 0 });
});

describe('bulk retry', () => {
  it('the dry run lists what a retry from the start sends again; the real retry then sends exactly that', async () => {
    const created = await api.post('/workFlow', { name: 'four channels', steps });
    expect(created.status).toBe(201);
    const originals: string[] = [];
    for (const [phone, text] of [['+919800000201', 'a small loan'], ['+919800000202', 'a large loan']] as const) {
      const res = await api.post(`/workFlow/${created.body.id}/execute?wait=60`, { triggerData: { phone_number: phone, message_text: text } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.status).toBe('completed');
      originals.push(res.body.executionId);
    }

    const body = { filter: { executionIds: originals }, from: 'start', version: 'original' };
    const preview = await api.post(`/workFlow/${created.body.id}/executions/retry`, { ...body, dryRun: true });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body).toMatchObject({ success: true, dryRun: true, total: 2 });
    expect(preview.body.executions.map((e: any) => e.executionId).sort()).toEqual([...originals].sort());
    for (const e of preview.body.executions) {
      expect(e.newExecutionId).toBeUndefined();
      expect(e.stepsToRun.map((s: any) => s.stepId)).toEqual(['t', 'decide', 'notify', 'mail', 'crm', 'call']);
      expect(e.sideEffects.map((s: any) => s.channel)).toEqual(['whatsapp', 'email', 'crm', 'call']);
    }
    // a dry run starts nothing
    const list = await api.get(`/workFlow/${created.body.id}/executions`);
    expect(list.body.total).toBe(2);

    const real = await api.post(`/workFlow/${created.body.id}/executions/retry`, body);
    expect(real.status, JSON.stringify(real.body)).toBe(200);
    expect(real.body.dryRun).toBe(false);
    for (const e of real.body.executions) {
      const done = await ended(api, e.newExecutionId, 60_000);
      expect(done.execution).toMatchObject({ status: 'completed', retryOf: { executionId: e.executionId, from: 'start' } });
      const predicted = preview.body.executions.find((p: any) => p.executionId === e.executionId);
      const sent = await eventually(async () => {
        const s = await sentFor(e.newExecutionId);
        return s.length === 4 ? s : undefined;
      }, { what: 'the four side effects at the stand-ins' });
      expect(sent).toEqual([...predicted.sideEffects].sort((a: any, b: any) => a.stepId.localeCompare(b.stepId)));
    }
  });

  it('from the failed step: only the steps from the failure on, and their side effects, as then sent', async () => {
    const created = await api.post('/workFlow', { name: 'fails at notify', steps });
    await admin(system.standIns.whatsapp, 'knobs', { errorRate: 1, errorStatus: 400 });
    const failed = await api.post(`/workFlow/${created.body.id}/execute?wait=60`, { triggerData: { phone_number: '+919800000203', message_text: 'any loan' } });
    expect(failed.body.execution).toMatchObject({ status: 'failed', failedStepId: 'notify' });
    await admin(system.standIns.whatsapp, 'knobs', { errorRate: 0 });

    const body = { filter: { status: 'failed', dateRange: '24h' }, from: 'failed_step', version: 'original' };
    const preview = await api.post(`/workFlow/${created.body.id}/executions/retry`, { ...body, dryRun: true });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body.total).toBe(1);
    const [item] = preview.body.executions;
    expect(item.stepsToRun.map((s: any) => s.stepId)).toEqual(['notify', 'mail', 'crm', 'call']);
    expect(item.sideEffects.map((s: any) => s.stepId)).toEqual(['notify', 'mail', 'crm', 'call']);

    const real = await api.post(`/workFlow/${created.body.id}/executions/retry`, body);
    const newId = real.body.executions[0].newExecutionId as string;
    expect((await ended(api, newId, 60_000)).execution.status).toBe('completed');
    const sent = await eventually(async () => {
      const s = await sentFor(newId);
      return s.length === 4 ? s : undefined;
    }, { what: 'the side effects of the resumed run' });
    expect(sent).toEqual([...item.sideEffects].sort((a: any, b: any) => a.stepId.localeCompare(b.stepId)));
  });

  it('says why an execution is not retried, 404 for another org, 400 for a bad body', async () => {
    const created = await api.post('/workFlow', { name: 'refusals', steps });
    const done = await api.post(`/workFlow/${created.body.id}/execute?wait=60`, { triggerData: { phone_number: '+919800000204', message_text: 'fine' } });
    const res = await api.post(`/workFlow/${created.body.id}/executions/retry`, { filter: { executionIds: [done.body.executionId, 'no-such-execution'] }, from: 'failed_step', dryRun: true });
    expect(res.status).toBe(200);
    expect(res.body.executions[0].error.code).toBe('NO_FAILED_STEP');
    expect(res.body.notFound).toEqual(['no-such-execution']);
    expect((await other.post(`/workFlow/${created.body.id}/executions/retry`, { filter: { status: 'completed' }, dryRun: true })).status).toBe(404);
    const foreign = await other.post(`/workFlow/${created.body.id}/executions/retry`, { filter: { executionIds: [done.body.executionId] } });
    expect(foreign.status).toBe(404);
    const empty = await api.post(`/workFlow/${created.body.id}/executions/retry`, { filter: {} });
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe('VALIDATION_FAILED');
    const tooMany = await api.post(`/workFlow/${created.body.id}/executions/retry`, { filter: { executionIds: Array.from({ length: 101 }, (_, i) => `e${i}`) } });
    expect(tooMany.status).toBe(400);
  });
});
