import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { Kafka, logLevel } from 'kafkajs';
import { createEvent, TOPICS } from '@botwot/shared/events';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { apiAs, ended, eventually, type Api } from './api-client.js';

// Executions through the real gateway and the whole pipeline behind it: execute, test-run,
// ?wait, Idempotency-Key, list with filters and pages, details with logs, retry in both modes.

const run = randomUUID().slice(0, 8);
const phone = '+919812345678';

type Res = { status: number; body: any };

const LEAK = /\bat [\w.<>]+ \(|\n\s+at |node_modules|\.[cm]?[jt]s:\d+|"stack"|mongo(?:ose|db)?server|E11000/i;

function expectError(res: Res, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toMatchObject({ success: false, error: { code, message: expect.any(String) } });
  expect(Object.keys(res.body).sort()).toEqual(['error', 'success']);
  expect(JSON.stringify(res.body)).not.toMatch(LEAK);
}
const failingFields = (res: Res): string[] => (res.body.error.details as { field: string }[]).map((d) => d.field);

const trigger = (next: string) => ({ stepId: 'trigger', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: next });
const reply = (messageTemplate: string) => ({ stepId: 'reply', stepType: 'action', config: { actionType: 'send_whatsapp', messageTemplate } });
const mood = (next: string, inputText = '{{message_text}}') => ({ stepId: 'mood', stepType: 'utility', config: { utilityType: 'sentiment', inputText }, nextStepId: next });

/** trigger → mood (sentiment) → reply, listed out of flow order on purpose. */
const threeSteps = (inputText?: string) => [reply('Mood {{sentiment}} ({{sentiment_score}}) for: {{message_text}}'), trigger('mood'), mood('reply', inputText)];
const twoSteps = (template: string) => [trigger('reply'), reply(template)];

/**
 * Sends one request on a connection of its own: a body the gateway refuses unread must not leave a
 * broken keep-alive socket in the pool the other requests share.
 */
function sendAlone(method: string, url: string, token: string, body: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
    });
    req.setTimeout(5_000, () => req.destroy(new Error('no answer within 5 s')));
    // The server may answer before the whole body is written; the answer still comes.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' ? undefined : reject(error)));
    req.end(body);
  });
}

interface System {
  gatewayUrl: string;
  mongoUrl: string;
  kafkaBrokers: string[];
  standIns: { botcore: string; whatsapp: string };
}

async function adminGet(base: string, path: string): Promise<any> {
  const res = await fetch(`${base}/__admin/${path}`);
  expect(res.status).toBe(200);
  return res.json();
}
async function adminPost(base: string, path: string, body?: unknown): Promise<void> {
  const res = await fetch(`${base}/__admin/${path}`, { method: 'POST', ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) });
  expect(res.status, await res.text()).toBe(200);
}
/** WhatsApp messages the stand-in accepted for one execution (the idempotency key carries the executionId). */
async function whatsappDeliveriesFor(system: System, executionId: string): Promise<any[]> {
  const { deliveries } = await adminGet(system.standIns.whatsapp, 'deliveries');
  return (deliveries as any[]).filter((d) => typeof d.idempotencyKey === 'string' && d.idempotencyKey.includes(executionId));
}

describe('executions API', () => {
  let system: System;
  let a: Api;
  let b: Api;

  const create = async (name: string, steps: unknown[], api: Api = a): Promise<string> => {
    const res = await api.post('/workFlow', { name, steps });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id;
  };
  /** Executes and waits for the end in the same request. */
  const runToEnd = async (workflowId: string, triggerData: Record<string, unknown>) => {
    const res = await a.post(`/workFlow/${workflowId}/execute?wait=45`, { triggerData });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { executionId: string; status: string; execution: any; logs: any[] };
  };

  beforeAll(async () => {
    system = inject('system');
    a = await apiAs(`org-ex-a-${run}`);
    b = await apiAs(`org-ex-b-${run}`);
  });

  describe('POST /workFlow/:id/execute and GET /workFlow/execution/:id', () => {
    it('answers 202 { success, executionId, status: running }; the execution records version, trigger data and logs in step order', async () => {
      const id = await create('three steps', threeSteps());
      const triggerData = { phone_number: phone, message_text: 'I love this, great service', message_id: 'wamid.in-ex-1' };
      const started = await a.post(`/workFlow/${id}/execute`, { triggerData });
      expect(started.status).toBe(202);
      expect(started.body).toMatchObject({ success: true, executionId: expect.stringMatching(/^[0-9a-f-]{36}$/), status: 'running', mode: 'live', version: 1 });

      // The first run of a suite may wait for consumer groups to settle.
      const { execution, logs } = await ended(a, started.body.executionId, 60_000);
      const details = await a.get(`/workFlow/execution/${started.body.executionId}`);
      expect(details.status).toBe(200);
      expect(details.body.success).toBe(true);
      expect(execution).toMatchObject({
        executionId: started.body.executionId,
        workflowId: id,
        version: 1,
        orgId: `org-ex-a-${run}`,
        userId: `user-of-org-ex-a-${run}`,
        mode: 'live',
        status: 'completed',
        triggerData,
        finalOutput: expect.objectContaining({ sentiment: 'positive', message_sent: true }),
        totalDuration: expect.any(Number),
      });
      expect(Date.parse(execution.completedAt)).toBeGreaterThanOrEqual(Date.parse(execution.startedAt));

      // Logs follow the flow (trigger → mood → reply), not the order the steps were listed in.
      expect(logs.map((l) => [l.stepOrder, l.stepId, l.stepType, l.status])).toEqual([
        [0, 'trigger', 'trigger', 'completed'],
        [1, 'mood', 'utility', 'completed'],
        [2, 'reply', 'action', 'completed'],
      ]);
      expect(logs[1].output).toEqual({ sentiment: 'positive', sentiment_score: expect.any(Number) });
      expect(logs[2].input.messageTemplate).toBe(`Mood positive (${logs[1].output.sentiment_score}) for: I love this, great service`);
      expect(await whatsappDeliveriesFor(system, started.body.executionId)).toHaveLength(1);
    });

    it('?wait=10 answers 200 with the ended execution and its logs', async () => {
      const id = await create('wait for it', threeSteps());
      const res = await a.post(`/workFlow/${id}/execute?wait=10`, { triggerData: { phone_number: phone, message_text: 'thanks' } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ success: true, executionId: expect.any(String), status: 'completed', mode: 'live', version: 1, execution: { status: 'completed', workflowId: id } });
      expect(res.body.execution.executionId).toBe(res.body.executionId);
      expect(res.body.logs.map((l: any) => l.stepId)).toEqual(['trigger', 'mood', 'reply']);
      expect(res.body.logs.map((l: any) => l.stepOrder)).toEqual([0, 1, 2]);
    });

    it('?wait shorter than the run answers 202; a running execution is listed as running and cannot be retried (409)', async () => {
      // The BotCore stand-in holds an answer for as long as a [delay:ms] marker in the question says.
      const id = await create('slow', [
        trigger('think'),
        { stepId: 'think', stepType: 'agent', config: { agentType: 'conversational', inputText: 'slowly [delay:8000] {{message_text}}' }, nextStepId: 'reply' },
        reply('{{agent_response}}'),
      ]);
      const started = await a.post(`/workFlow/${id}/execute?wait=0.2`, { triggerData: { phone_number: phone, message_text: 'hello' } });
      expect(started.status).toBe(202);
      expect(started.body).toMatchObject({ success: true, status: 'running' });
      const executionId = started.body.executionId as string;

      const running = await eventually(
        async () => {
          const res = await a.get(`/workFlow/execution/${executionId}`);
          return res.status === 200 ? res.body : undefined;
        },
        { what: 'the execution to be recorded' },
      );
      expect(running.execution.status).toBe('running');
      const listed = await a.get(`/workFlow/${id}/executions?status=running`);
      expect(listed.body.executions.map((e: any) => e.executionId)).toEqual([executionId]);
      expect((await a.get(`/workFlow/${id}/executions?status=completed`)).body.total).toBe(0);

      expectError(await a.post(`/workFlow/execution/${executionId}/retry`, { from: 'start' }), 409, 'EXECUTION_RUNNING');
      expectError(await a.post(`/workFlow/execution/${executionId}/retry`, { from: 'failed_step' }), 409, 'EXECUTION_RUNNING');

      expect((await ended(a, executionId)).execution.status).toBe('completed');
      const after = await a.get(`/workFlow/${id}/executions?status=running`);
      expect(after.body.total).toBe(0);
    });

    it.each([
      ['-1', 'wait'],
      ['soon', 'wait'],
      ['100000', 'wait'],
    ])('answers 400 for ?wait=%s', async (value, field) => {
      const id = await create('bad wait', twoSteps('hi'));
      const res = await a.post(`/workFlow/${id}/execute?wait=${value}`, { triggerData: { phone_number: phone } });
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(failingFields(res)).toEqual([field]);
    });

    it('the same Idempotency-Key returns the same executionId and runs one execution; another key runs another', async () => {
      const id = await create('idempotent', twoSteps('once: {{message_text}}'));
      const key = `order-${randomUUID()}`;
      const body = { triggerData: { phone_number: phone, message_text: 'pay' } };
      const [first, second] = await Promise.all([
        a.post(`/workFlow/${id}/execute`, body, { 'idempotency-key': key }),
        a.post(`/workFlow/${id}/execute`, body, { 'idempotency-key': key }),
      ]);
      const third = await a.post(`/workFlow/${id}/execute`, body, { 'idempotency-key': key });
      for (const res of [first, second, third]) expect(res.status).toBe(202);
      const executionId = first.body.executionId as string;
      expect(second.body.executionId).toBe(executionId);
      expect(third.body.executionId).toBe(executionId);
      expect(third.body.replayed).toBe(true);
      expect([first.body.replayed, second.body.replayed].filter(Boolean)).toHaveLength(1);

      const other = await a.post(`/workFlow/${id}/execute`, body, { 'idempotency-key': `${key}-2` });
      expect(other.status).toBe(202);
      expect(other.body.executionId).not.toBe(executionId);

      await ended(a, executionId);
      await ended(a, other.body.executionId);
      const list = await a.get(`/workFlow/${id}/executions`);
      expect(list.body.total).toBe(2);
      expect(list.body.executions.map((e: any) => e.executionId).sort()).toEqual([executionId, other.body.executionId].sort());
      expect((await a.get(`/workFlow/execution/${executionId}`)).body.logs).toHaveLength(2);
      expect(await whatsappDeliveriesFor(system, executionId)).toHaveLength(1);
    });

    it('answers 400 for an Idempotency-Key that is not printable ASCII without spaces, or too long', async () => {
      const id = await create('bad keys', twoSteps('hi'));
      for (const key of ['two words', 'k'.repeat(201)]) {
        const res = await a.post(`/workFlow/${id}/execute`, { triggerData: {} }, { 'idempotency-key': key });
        expectError(res, 400, 'VALIDATION_FAILED');
        expect(failingFields(res)).toEqual(['Idempotency-Key']);
      }
    });

    it('answers 400 naming triggerData for bodies without an object triggerData, 413 for an oversized body, and starts nothing', async () => {
      const id = await create('picky', twoSteps('hi'));
      for (const body of [{}, { triggerData: 'hello' }, { triggerData: ['a'] }, { triggerData: null }, { triggerData: 42 }, { trigger_data: {} }]) {
        for (const path of ['execute', 'test']) {
          const res = await a.post(`/workFlow/${id}/${path}`, body);
          expectError(res, 400, 'VALIDATION_FAILED');
          expect(failingFields(res)).toEqual(['triggerData']);
        }
      }
      // No JSON body at all: nothing to read triggerData from.
      const none = await a.raw('POST', `/workFlow/${id}/execute`);
      expectError(none, 400, 'VALIDATION_FAILED');
      const malformed = await fetch(`${system.gatewayUrl}/workFlow/${id}/execute`, {
        method: 'POST',
        headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/json' },
        body: '{"triggerData": {',
      });
      expect(malformed.status).toBe(400);
      expect(JSON.stringify(await malformed.json())).not.toMatch(LEAK);

      const huge = JSON.stringify({ triggerData: { message_text: 'x'.repeat(300 * 1024) } });
      for (const path of ['execute', 'test']) {
        expectError(await sendAlone('POST', `${system.gatewayUrl}/workFlow/${id}/${path}`, a.token, huge), 413, 'PAYLOAD_TOO_LARGE');
      }

      const list = await a.get(`/workFlow/${id}/executions?status=all`);
      expect(list.body.total).toBe(0);
    });

    it('answers 400 INVALID_WORKFLOW with the validation errors in details for an invalid workflow', async () => {
      const id = await create('invalid', [trigger('think'), { stepId: 'think', stepType: 'agent', config: { agentType: 'decision' } }]);
      for (const path of ['execute', 'test']) {
        const res = await a.post(`/workFlow/${id}/${path}`, { triggerData: { phone_number: phone } });
        expectError(res, 400, 'INVALID_WORKFLOW');
        expect(res.body.error.details).toEqual([{ stepId: 'think', message: 'Step think has no outgoing connection' }]);
      }
      expect((await a.get(`/workFlow/${id}/executions`)).body.total).toBe(0);
    });

    it('answers 409 WORKFLOW_ARCHIVED to execute, test and retry of an archived workflow; its history stays readable', async () => {
      const id = await create('retired', twoSteps('bye'));
      const before = await runToEnd(id, { phone_number: phone });
      expect((await a.delete(`/workFlow/${id}`)).status).toBe(200);
      expectError(await a.post(`/workFlow/${id}/execute`, { triggerData: { phone_number: phone } }), 409, 'WORKFLOW_ARCHIVED');
      expectError(await a.post(`/workFlow/${id}/test`, { triggerData: { phone_number: phone } }), 409, 'WORKFLOW_ARCHIVED');
      expectError(await a.post(`/workFlow/execution/${before.executionId}/retry`, { from: 'start' }), 409, 'WORKFLOW_ARCHIVED');
      const history = await a.get(`/workFlow/${id}/executions`);
      expect(history.status).toBe(200);
      expect(history.body.executions.map((e: any) => e.executionId)).toEqual([before.executionId]);
      expect((await a.get(`/workFlow/execution/${before.executionId}`)).body.execution.status).toBe('completed');
    });

    it('answers 404 for unknown workflow and execution ids', async () => {
      for (const missing of ['0123456789abcdef01234567', 'no-such-thing', '%24ne', 'x'.repeat(101)]) {
        expectError(await a.post(`/workFlow/${missing}/execute`, { triggerData: {} }), 404, 'NOT_FOUND');
        expectError(await a.post(`/workFlow/${missing}/test`, { triggerData: {} }), 404, 'NOT_FOUND');
        expectError(await a.get(`/workFlow/${missing}/executions`), 404, 'NOT_FOUND');
        expectError(await a.get(`/workFlow/execution/${missing}`), 404, 'NOT_FOUND');
        expectError(await a.post(`/workFlow/execution/${missing}/retry`, {}), 404, 'NOT_FOUND');
      }
    });

    it("answers 404 to another org for the workflow's execute, test and executions, and for the execution's details and retry", async () => {
      const id = await create('org a only', twoSteps('mine'));
      const mine = await runToEnd(id, { phone_number: phone });
      expectError(await b.post(`/workFlow/${id}/execute`, { triggerData: { phone_number: phone } }), 404, 'NOT_FOUND');
      expectError(await b.post(`/workFlow/${id}/test`, { triggerData: { phone_number: phone } }), 404, 'NOT_FOUND');
      expectError(await b.get(`/workFlow/${id}/executions`), 404, 'NOT_FOUND');
      expectError(await b.get(`/workFlow/execution/${mine.executionId}`), 404, 'NOT_FOUND');
      expectError(await b.post(`/workFlow/execution/${mine.executionId}/retry`, { from: 'start' }), 404, 'NOT_FOUND');
      expect((await a.get(`/workFlow/${id}/executions`)).body.total).toBe(1);
    });
  });

  describe('POST /workFlow/:id/test', () => {
    it('runs every step with side-effecting actions simulated: nothing is sent, the output says what would be', async () => {
      const id = await create('dry run', threeSteps());
      const started = await a.post(`/workFlow/${id}/test`, { triggerData: { phone_number: phone, message_text: 'awesome' } });
      expect(started.status).toBe(202);
      expect(started.body).toMatchObject({ success: true, executionId: expect.any(String), status: 'running', mode: 'test', version: 1 });
      const { execution, logs } = await ended(a, started.body.executionId);
      expect(execution).toMatchObject({ status: 'completed', mode: 'test' });
      expect(logs.map((l) => l.stepId)).toEqual(['trigger', 'mood', 'reply']);
      expect(logs[2].output).toMatchObject({
        message_sent: false,
        simulated: true,
        would_send: { channel: 'whatsapp', to: phone, text: `Mood positive (${logs[1].output.sentiment_score}) for: awesome` },
      });
      expect(await whatsappDeliveriesFor(system, started.body.executionId)).toHaveLength(0);

      const waited = await a.post(`/workFlow/${id}/test?wait=30`, { triggerData: { phone_number: phone, message_text: 'awesome' } });
      expect(waited.status).toBe(200);
      expect(waited.body).toMatchObject({ success: true, status: 'completed', mode: 'test', execution: { mode: 'test' } });
    });
  });

  describe('versions', () => {
    it('an execution records the version it ran; a PUT does not change executions that already ran', async () => {
      const id = await create('versioned run', twoSteps('v1: {{message_text}}'));
      const first = await runToEnd(id, { phone_number: phone, message_text: 'hi' });
      expect(first).toMatchObject({ status: 'completed', execution: { version: 1 } });
      expect((await a.put(`/workFlow/${id}`, { steps: twoSteps('v2: {{message_text}}') })).body.version).toBe(2);

      const started = await a.post(`/workFlow/${id}/execute`, { triggerData: { phone_number: phone, message_text: 'hi' } });
      expect(started.body.version).toBe(2);
      const second = await ended(a, started.body.executionId);
      expect(second.execution.version).toBe(2);
      expect(second.logs[1].input.messageTemplate).toBe('v2: hi');

      const again = await a.get(`/workFlow/execution/${first.executionId}`);
      expect(again.body.execution.version).toBe(1);
      expect(again.body.logs[1].input.messageTemplate).toBe('v1: hi');
    });
  });

  describe('GET /workFlow/:id/executions', () => {
    let workflowId: string;
    const ids = { completed: [] as string[], failed: [] as string[], old10d: '', old40d: '' };

    beforeAll(async () => {
      workflowId = await create('for listing', twoSteps('hello {{message_text}}'));
      // Two executions from before the date ranges start, recorded first (executions are numbered
      // in the order they start): their lifecycle events go through the log-sink like any other.
      const day = 86_400_000;
      const kafka = new Kafka({ clientId: 'listing-test', brokers: system.kafkaBrokers, logLevel: logLevel.NOTHING });
      const producer = kafka.producer();
      await producer.connect();
      const orgId = `org-ex-a-${run}`;
      const old = (daysAgo: number, status: 'completed' | 'failed') => {
        const executionId = `old-${daysAgo}d-${randomUUID()}`;
        const startedAt = new Date(Date.now() - daysAgo * day);
        const completedAt = new Date(startedAt.getTime() + 1000).toISOString();
        const base = { orgId, executionId };
        const events = [
          createEvent('execution.started', { ...base, data: { workflowId, version: 1, userId: `user-of-org-ex-a-${run}`, mode: 'live', triggerData: { phone_number: phone }, startedAt: startedAt.toISOString(), deadlineAt: completedAt } }),
          status === 'completed'
            ? createEvent('execution.completed', { ...base, data: { workflowId, finalOutput: {}, completedAt, totalDurationMs: 1000 } })
            : createEvent('execution.failed', { ...base, data: { workflowId, error: { code: 'X', message: 'old failure', kind: 'non_retryable' }, completedAt, totalDurationMs: 1000 } }),
        ];
        return { executionId, messages: events.map((e) => ({ key: workflowId, value: JSON.stringify(e) })) };
      };
      const fortyDays = old(40, 'failed');
      const tenDays = old(10, 'completed');
      await producer.send({ topic: TOPICS.executionEvents, messages: [...fortyDays.messages, ...tenDays.messages] });
      await producer.disconnect();
      ids.old10d = tenDays.executionId;
      ids.old40d = fortyDays.executionId;
      await ended(a, ids.old10d);
      // send_whatsapp fails (non-retryably) when the trigger brings no phone number.
      for (const triggerData of [{ phone_number: phone, message_text: 'one' }, { message_text: 'no phone' }, { phone_number: phone, message_text: 'two' }]) {
        const done = await runToEnd(workflowId, triggerData);
        (done.status === 'completed' ? ids.completed : ids.failed).push(done.executionId);
      }
      expect(ids.completed).toHaveLength(2);
      expect(ids.failed).toHaveLength(1);
    });

    const list = async (query: string) => {
      const res = await a.get(`/workFlow/${workflowId}/executions${query}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body as { success: boolean; executions: any[]; total: number; page: number; limit: number; pages: number };
    };
    const idsOf = (body: { executions: any[] }) => body.executions.map((e) => e.executionId);

    it('answers { success, executions, total, page, limit, pages }, newest first, without internal state', async () => {
      const all = await list('');
      expect(all).toMatchObject({ success: true, total: 5, page: 1, limit: 20, pages: 1 });
      const started = all.executions.map((e) => Date.parse(e.startedAt));
      expect(started).toEqual([...started].sort((x, y) => y - x));
      expect(idsOf(all).slice(-2)).toEqual([ids.old10d, ids.old40d]);
      for (const e of all.executions) {
        expect(e).toMatchObject({ executionId: expect.any(String), workflowId, status: expect.stringMatching(/^(completed|failed)$/) });
        expect(e).not.toHaveProperty('resumeState');
      }
    });

    it('filters by status: completed, failed, running, all', async () => {
      expect(idsOf(await list('?status=completed')).sort()).toEqual([...ids.completed, ids.old10d].sort());
      expect(idsOf(await list('?status=failed')).sort()).toEqual([...ids.failed, ids.old40d].sort());
      expect(await list('?status=running')).toMatchObject({ executions: [], total: 0, pages: 0 });
      expect((await list('?status=all')).total).toBe(5);
    });

    it('filters by date range: 24h, 7d, 30d, combined with status', async () => {
      const recent = [...ids.completed, ...ids.failed].sort();
      expect(idsOf(await list('?dateRange=24h')).sort()).toEqual(recent);
      expect(idsOf(await list('?dateRange=7d')).sort()).toEqual(recent);
      expect(idsOf(await list('?dateRange=30d')).sort()).toEqual([...recent, ids.old10d].sort());
      expect(idsOf(await list('?dateRange=24h&status=completed')).sort()).toEqual([...ids.completed].sort());
      expect(idsOf(await list('?dateRange=30d&status=failed'))).toEqual(ids.failed);
    });

    it('pages: limit=1 walks through every execution once; a page beyond the end is empty with the right totals', async () => {
      const seen: string[] = [];
      for (let page = 1; page <= 5; page++) {
        const body = await list(`?limit=1&page=${page}`);
        expect(body).toMatchObject({ total: 5, page, limit: 1, pages: 5 });
        expect(body.executions).toHaveLength(1);
        seen.push(body.executions[0].executionId);
      }
      expect(new Set(seen).size).toBe(5);
      expect(seen).toEqual(idsOf(await list('?limit=100')));
      expect(await list('?limit=1&page=6')).toMatchObject({ executions: [], total: 5, page: 6, limit: 1, pages: 5 });
      expect(await list('?limit=2&page=3')).toMatchObject({ total: 5, pages: 3, executions: [expect.anything()] });
      expect(await list('?limit=2&page=99')).toMatchObject({ executions: [], total: 5, page: 99, pages: 3 });
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=many', 'limit'],
      ['page=0', 'page'],
      ['page=1.5', 'page'],
      ['status=bogus', 'status'],
      ['status=COMPLETED', 'status'],
      ['dateRange=1y', 'dateRange'],
    ])('answers 400 naming the parameter for ?%s', async (query, field) => {
      const res = await a.get(`/workFlow/${workflowId}/executions?${query}`);
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(failingFields(res)).toEqual([field]);
    });
  });

  describe('POST /workFlow/execution/:id/retry', () => {
    it('from "start" (the default): a new execution runs every step again with the same trigger data', async () => {
      const id = await create('retry from start', threeSteps());
      const triggerData = { phone_number: phone, message_text: 'great', message_id: 'wamid.retry-start' };
      const original = await runToEnd(id, triggerData);
      expect(original.status).toBe('completed');

      const retried = await a.post(`/workFlow/execution/${original.executionId}/retry`, {});
      expect(retried.status).toBe(202);
      expect(retried.body).toEqual({ success: true, executionId: expect.any(String), status: 'running', retryOf: original.executionId, from: 'start', version: 1 });
      expect(retried.body.executionId).not.toBe(original.executionId);

      const { execution, logs } = await ended(a, retried.body.executionId);
      expect(execution).toMatchObject({ status: 'completed', triggerData, workflowId: id, version: 1, retryOf: { executionId: original.executionId, from: 'start' } });
      expect(logs.map((l) => [l.stepOrder, l.stepId, l.status])).toEqual([
        [0, 'trigger', 'completed'],
        [1, 'mood', 'completed'],
        [2, 'reply', 'completed'],
      ]);
      expect(await whatsappDeliveriesFor(system, retried.body.executionId)).toHaveLength(1);
      // The original is untouched.
      expect((await a.get(`/workFlow/execution/${original.executionId}`)).body.execution).toMatchObject({ status: 'completed' });

      expectError(await a.post(`/workFlow/execution/${original.executionId}/retry`, { from: 'failed_step' }), 409, 'NO_FAILED_STEP');
    });

    it('from "failed_step": only the failed step and what follows run, reusing the earlier steps\' outputs', async () => {
      const marker = `marker-${randomUUID()}`;
      const id = await create('retry from failed step', threeSteps(`{{message_text}} ${marker}`));
      const triggerData = { phone_number: phone, message_text: 'I love it' };
      const sentimentCalls = async () => {
        const { requests } = await adminGet(system.standIns.botcore, 'requests');
        return (requests as any[]).filter((r) => r.path === '/sentiment-analysis' && JSON.stringify(r.body).includes(marker)).length;
      };

      let failed: Awaited<ReturnType<typeof runToEnd>>;
      // WhatsApp refuses every message with a 400: send_whatsapp fails without retrying.
      await adminPost(system.standIns.whatsapp, 'knobs', { errorRate: 1, errorStatus: 400 });
      try {
        failed = await runToEnd(id, triggerData);
      } finally {
        await adminPost(system.standIns.whatsapp, 'reset');
      }
      expect(failed.status).toBe('failed');
      expect(failed.execution).toMatchObject({ status: 'failed', failedStepId: 'reply', errorMessage: expect.stringContaining('400') });
      expect(failed.logs.map((l) => [l.stepOrder, l.stepId, l.status])).toEqual([
        [0, 'trigger', 'completed'],
        [1, 'mood', 'completed'],
        [2, 'reply', 'failed'],
      ]);
      expect(failed.logs[2].errorMessage).toEqual(expect.any(String));
      expect(JSON.stringify(failed)).not.toMatch(/\n\s+at /);
      expect(await sentimentCalls()).toBe(1);
      expect(await whatsappDeliveriesFor(system, failed.executionId)).toHaveLength(0);

      const retried = await a.post(`/workFlow/execution/${failed.executionId}/retry`, { from: 'failed_step' });
      expect(retried.status).toBe(202);
      expect(retried.body).toMatchObject({ success: true, status: 'running', retryOf: failed.executionId, from: 'failed_step', version: 1 });
      const { execution, logs } = await ended(a, retried.body.executionId);
      expect(execution).toMatchObject({ status: 'completed', triggerData, retryOf: { executionId: failed.executionId, from: 'failed_step' } });
      expect(logs.map((l) => [l.stepId, l.status])).toEqual([['reply', 'completed']]);
      expect(logs[0].input.messageTemplate).toBe(`Mood positive (${failed.logs[1].output.sentiment_score}) for: I love it`);
      expect(execution.finalOutput).toMatchObject({ sentiment: 'positive', message_sent: true });
      // The sentiment step did not run again; the message went out once, for the retry.
      expect(await sentimentCalls()).toBe(1);
      expect(await whatsappDeliveriesFor(system, retried.body.executionId)).toHaveLength(1);
    });

    it('version "original" reruns the version the execution ran; "latest" runs the newest', async () => {
      const id = await create('retry versions', twoSteps('v1 says {{message_text}}'));
      const original = await runToEnd(id, { phone_number: phone, message_text: 'hi' });
      await a.put(`/workFlow/${id}`, { steps: twoSteps('v2 says {{message_text}}') });

      const sameVersion = await a.post(`/workFlow/execution/${original.executionId}/retry`, { from: 'start', version: 'original' });
      expect(sameVersion.body).toMatchObject({ status: 'running', version: 1 });
      const latest = await a.post(`/workFlow/execution/${original.executionId}/retry`, { from: 'start', version: 'latest' });
      expect(latest.body).toMatchObject({ status: 'running', version: 2 });

      const v1 = await ended(a, sameVersion.body.executionId);
      expect(v1.execution.version).toBe(1);
      expect(v1.logs[1].input.messageTemplate).toBe('v1 says hi');
      const v2 = await ended(a, latest.body.executionId);
      expect(v2.execution.version).toBe(2);
      expect(v2.logs[1].input.messageTemplate).toBe('v2 says hi');
    });

    it('answers 400 naming the field for a bad from or version', async () => {
      const id = await create('retry bad body', twoSteps('hi'));
      const original = await runToEnd(id, { phone_number: phone });
      for (const [body, field] of [
        [{ from: 'middle' }, 'from'],
        [{ version: 'v9' }, 'version'],
        [{ from: 1 }, 'from'],
      ] as const) {
        const res = await a.post(`/workFlow/execution/${original.executionId}/retry`, body);
        expectError(res, 400, 'VALIDATION_FAILED');
        expect(failingFields(res)).toEqual([field]);
      }
      expect((await a.get(`/workFlow/${id}/executions`)).body.total).toBe(1);
    });
  });
});
