import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiAs, ended, eventually, type Api } from './api-client.js';

/**
 * POST /workFlow/execution/:id/cancel through the real pipeline: the execution ends as
 * `cancelled`, no further step starts, a step already running may finish and its log row says so.
 */

const system = inject('system');
const run = randomUUID().slice(0, 8);
let api: Api;
let other: Api;

async function knobs(base: string, values: Record<string, unknown>) {
  const res = await fetch(`${base}/__admin/knobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(values) });
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  api = await apiAs(`org-cancel-${run}`);
  other = await apiAs(`org-cancel-other-${run}`);
});
afterAll(async () => {
  await knobs(system.standIns.botcore, { latencyMs: 0 });
});

const steps = [
  { stepId: 't', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'slow' },
  { stepId: 'slow', stepType: 'agent', config: { agentType: 'conversational', inputText: '{{message_text}}' }, nextStepId: 'reply' },
  { stepId: 'reply', stepType: 'action', config: { actionType: 'send_whatsapp', messageTemplate: '{{agent_response}}' } },
];

describe('cancel', () => {
  it('ends a running execution as cancelled; the running step finishes, noted; nothing after it starts', async () => {
    const created = await api.post('/workFlow', { name: 'slow agent', steps });
    expect(created.status).toBe(201);
    await knobs(system.standIns.botcore, { latencyMs: 3_000 });
    const started = await api.post(`/workFlow/${created.body.id}/execute`, { triggerData: { phone_number: '+919800000002', message_text: 'take your time' } });
    expect(started.status).toBe(202);
    const executionId = started.body.executionId as string;
    // wait until the agent step is running (the trigger's row is written)
    await eventually(async () => ((await api.get(`/workFlow/execution/${executionId}`)).body.logs?.length === 1 ? true : undefined), { what: 'the trigger row' });

    const cancelled = await api.post(`/workFlow/execution/${executionId}/cancel`, { reason: 'customer asked' });
    expect(cancelled.status).toBe(202);
    expect(cancelled.body).toMatchObject({ success: true, executionId, status: 'cancelling' });

    const done = await ended(api, executionId);
    expect(done.execution).toMatchObject({ status: 'cancelled', cancelReason: 'customer asked' });
    // the agent step was running: it finishes, and its row says the execution was cancelled
    const slow = await eventually(async () => (await api.get(`/workFlow/execution/${executionId}`)).body.logs.find((l: { stepId: string }) => l.stepId === 'slow'), { what: 'the running step to finish', timeoutMs: 20_000 });
    expect(slow.note).toContain('cancelled');
    // and nothing after it started: no reply row, no WhatsApp message
    await new Promise((r) => setTimeout(r, 1_000));
    const after = await api.get(`/workFlow/execution/${executionId}`);
    expect(after.body.logs.map((l: { stepId: string }) => l.stepId)).toEqual(['t', 'slow']);
    expect(after.body.execution.status).toBe('cancelled');
    const list = await api.get(`/workFlow/${created.body.id}/executions?status=cancelled`);
    expect(list.body.executions.map((e: { executionId: string }) => e.executionId)).toEqual([executionId]);
  });

  it('answers 409 for an ended execution, 404 for another org, 400 for a bad body', async () => {
    await knobs(system.standIns.botcore, { latencyMs: 0 });
    const created = await api.post('/workFlow', { name: 'quick', steps });
    const res = await api.post(`/workFlow/${created.body.id}/execute?wait=20`, { triggerData: { phone_number: '+919800000003', message_text: 'hi' } });
    expect(res.status).toBe(200);
    const ended409 = await api.post(`/workFlow/execution/${res.body.executionId}/cancel`, {});
    expect(ended409.status).toBe(409);
    expect(ended409.body.error.code).toBe('EXECUTION_ENDED');
    expect((await other.post(`/workFlow/execution/${res.body.executionId}/cancel`, {})).status).toBe(404);
    const bad = await api.post(`/workFlow/execution/${res.body.executionId}/cancel`, { reason: 'x'.repeat(600) });
    expect(bad.status).toBe(400);
  });
});
