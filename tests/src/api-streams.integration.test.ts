import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiAs, ended, eventually, type Api } from './api-client.js';
import { startGatewayReplica } from './replicas.js';
import { openStream, type OpenStream, type SseEvent } from './sse-client.js';

/**
 * GET /workFlow/execution/:id/stream and GET /workFlow/:id/executions/stream on the real stack:
 * what `curl -N` shows while an execution runs, resuming with Last-Event-ID, another gateway
 * replica serving the stream, the per-org bound and the refusals.
 */

const system = inject('system');
const run = randomUUID().slice(0, 8);
let api: Api;
let other: Api;
const open: OpenStream[] = [];

async function knobs(base: string, values: Record<string, unknown>) {
  const res = await fetch(`${base}/__admin/knobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(values) });
  expect(res.status).toBe(200);
}
const stream = async (path: string, token: string, lastEventId?: string, base = system.gatewayUrl) => {
  const s = await openStream(`${base}${path}`, { token, ...(lastEventId !== undefined ? { lastEventId } : {}) });
  open.push(s);
  return s;
};
const parsed = (events: SseEvent[], name: string) => events.filter((e) => e.event === name).map((e) => JSON.parse(e.data));

const steps = [
  { stepId: 't', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'agent' },
  { stepId: 'agent', stepType: 'agent', config: { agentType: 'conversational', inputText: '{{message_text}}' }, nextStepId: 'mood' },
  { stepId: 'mood', stepType: 'utility', config: { utilityType: 'sentiment', inputText: '{{message_text}}' }, nextStepId: 'reply' },
  { stepId: 'reply', stepType: 'action', config: { actionType: 'send_whatsapp', messageTemplate: 'Thanks ({{sentiment}})' } },
];

beforeAll(async () => {
  api = await apiAs(`org-stream-${run}`);
  other = await apiAs(`org-stream-other-${run}`);
  // the first execution of a fresh stack waits for consumer groups to settle: not what these tests are about
  const warm = await api.post('/workFlow', { name: 'warm-up', steps });
  expect((await api.post(`/workFlow/${warm.body.id}/execute?wait=60`, { triggerData: { phone_number: '+919800000100', message_text: 'warm' } })).status).toBe(200);
});
afterAll(async () => {
  for (const s of open) s.close();
  await knobs(system.standIns.botcore, { latencyMs: 0 });
});

describe('execution stream', () => {
  it('shows the snapshot, each step while the execution runs, then the end, each as GET shows it', async () => {
    const created = await api.post('/workFlow', { name: 'streamed', steps });
    expect(created.status).toBe(201);
    // each BotCore call takes a while, so there is time to see a step before the next one is done
    await knobs(system.standIns.botcore, { latencyMs: 1_500 });
    const started = await api.post(`/workFlow/${created.body.id}/execute`, { triggerData: { phone_number: '+919800000101', message_text: 'I love it' } });
    expect(started.status).toBe(202);
    const executionId = started.body.executionId as string;

    const s = await stream(`/workFlow/execution/${executionId}/stream`, api.token);
    expect(s.status).toBe(200);
    expect(s.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(s.headers.get('x-request-id')).toBeTruthy();

    // the agent's row arrives while the sentiment step still runs: the execution is running then
    await s.until((events) => parsed(events, 'step').some((row) => row.stepId === 'agent'), 'the agent step');
    const meanwhile = await api.get(`/workFlow/execution/${executionId}`);
    expect(meanwhile.body.execution.status).toBe('running');

    await s.closed(); // the server closes after `end`
    const events = s.events;
    expect(events[0]?.event).toBe('execution');
    expect(JSON.parse(events[0]?.data ?? '{}')).toMatchObject({ executionId, status: 'running' });
    expect(events.slice(-2).map((e) => e.event)).toEqual(['execution', 'end']);

    const final = await ended(api, executionId);
    const stepsSeen = parsed(events, 'step');
    expect(stepsSeen).toEqual(final.logs);
    expect(stepsSeen.map((r) => r.stepOrder)).toEqual([0, 1, 2, 3]);
    expect(events.filter((e) => e.event === 'step').map((e) => e.id)).toEqual(['0', '1', '2', '3']);
    expect(parsed(events, 'end')[0]).toEqual(final.execution);
    expect(parsed(events, 'execution').at(-1)).toEqual(final.execution);
  });

  it('resumes after Last-Event-ID: the snapshot, then only later steps, then the end', async () => {
    await knobs(system.standIns.botcore, { latencyMs: 0 });
    const created = await api.post('/workFlow', { name: 'resumed', steps });
    const done = await api.post(`/workFlow/${created.body.id}/execute?wait=30`, { triggerData: { phone_number: '+919800000102', message_text: 'ok' } });
    expect(done.status).toBe(200);
    const s = await stream(`/workFlow/execution/${done.body.executionId}/stream`, api.token, '1');
    await s.closed();
    expect(s.events.map((e) => e.event)).toEqual(['execution', 'step', 'step', 'execution', 'end']);
    expect(parsed(s.events, 'step').map((r) => r.stepOrder)).toEqual([2, 3]);
    expect(parsed(s.events, 'execution')[0]).toEqual(done.body.execution);
  });

  it('is served by any gateway replica: one that did not take the request streams the execution', async () => {
    const replica = await startGatewayReplica('streams', {});
    try {
      await knobs(system.standIns.botcore, { latencyMs: 500 });
      const created = await api.post('/workFlow', { name: 'other replica', steps });
      const started = await api.post(`/workFlow/${created.body.id}/execute`, { triggerData: { phone_number: '+919800000103', message_text: 'hello' } });
      const s = await stream(`/workFlow/execution/${started.body.executionId}/stream`, api.token, undefined, replica.opsUrl);
      expect(s.status).toBe(200);
      await s.closed();
      const final = await ended(api, started.body.executionId);
      expect(parsed(s.events, 'step')).toEqual(final.logs);
      expect(parsed(s.events, 'end')[0]).toEqual(final.execution);
    } finally {
      await replica.process.stop();
    }
  });

  it("answers 404 for another org's execution and an unknown one, 400 for a bad Last-Event-ID", async () => {
    await knobs(system.standIns.botcore, { latencyMs: 0 });
    const created = await api.post('/workFlow', { name: 'private', steps });
    const done = await api.post(`/workFlow/${created.body.id}/execute?wait=30`, { triggerData: { phone_number: '+919800000104', message_text: 'mine' } });
    const foreign = await stream(`/workFlow/execution/${done.body.executionId}/stream`, other.token);
    expect(foreign.status).toBe(404);
    expect((await foreign.json()).error.code).toBe('NOT_FOUND');
    expect((await stream(`/workFlow/execution/${randomUUID()}/stream`, api.token)).status).toBe(404);
    const bad = await stream(`/workFlow/execution/${done.body.executionId}/stream`, api.token, 'three');
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'Last-Event-ID' }] });
  });
});

describe('workflow stream', () => {
  it('sends an execution summary when one starts and again when it ends, as the list shows it', async () => {
    await knobs(system.standIns.botcore, { latencyMs: 300 });
    const created = await api.post('/workFlow', { name: 'live list', steps });
    const s = await stream(`/workFlow/${created.body.id}/executions/stream`, api.token);
    expect(s.status).toBe(200);
    const started = await api.post(`/workFlow/${created.body.id}/execute`, { triggerData: { phone_number: '+919800000105', message_text: 'list me' } });
    const executionId = started.body.executionId as string;
    await s.until((events) => parsed(events, 'execution').some((e) => e.executionId === executionId && e.status !== 'running'), 'the ended summary');
    const mine = parsed(s.events, 'execution').filter((e) => e.executionId === executionId);
    expect(mine.map((e) => e.status)).toEqual(['running', 'completed']);
    const list = await api.get(`/workFlow/${created.body.id}/executions`);
    expect(mine[1]).toEqual(list.body.executions[0]);
    expect(mine[0]).toEqual({ ...list.body.executions[0], status: 'running', finalOutput: undefined, completedAt: undefined, totalDuration: undefined });
    s.close();
  });

  it('answers 404 for another org, and 429 with Retry-After past the per-org bound of open streams', async () => {
    const created = await api.post('/workFlow', { name: 'bounded', steps });
    expect((await stream(`/workFlow/${created.body.id}/executions/stream`, other.token)).status).toBe(404);
    const limit = Number(system.serviceEnv.STREAM_LIMIT_PER_ORG);
    const crowd = await apiAs(`org-stream-crowd-${run}`);
    const held: OpenStream[] = [];
    for (let i = 0; i < limit; i++) held.push(await stream(`/workFlow/${(await crowd.post('/workFlow', { name: `w${i}`, steps })).body.id}/executions/stream`, crowd.token));
    expect(held.map((h) => h.status)).toEqual(held.map(() => 200));
    const overflow = await stream(`/workFlow/${(await crowd.post('/workFlow', { name: 'one more', steps })).body.id}/executions/stream`, crowd.token);
    expect(overflow.status).toBe(429);
    expect(overflow.headers.get('retry-after')).toBe('5');
    expect((await overflow.json()).error.code).toBe('STREAM_LIMITED');
    held[0]?.close();
    // the slot comes back once the server has seen the client leave
    const again = await (async () => {
      for (let i = 0; i < 50; i++) {
        const s = await stream(`/workFlow/${(await crowd.post('/workFlow', { name: `again${i}`, steps })).body.id}/executions/stream`, crowd.token);
        if (s.status === 200) return s;
        await new Promise((r) => setTimeout(r, 100));
      }
      return undefined;
    })();
    expect(again?.status).toBe(200);
    for (const h of held) h.close();
  });
});

describe('the lifecycle feed of a replica with no stream open', () => {
  it('pauses once its last stream has closed; the next stream wakes it and sees what happens', async () => {
    const replica = await startGatewayReplica('feed-idle', { LIVE_FEED_IDLE_MS: '300' });
    const paused = async () => {
      const text = await (await fetch(`${replica.opsUrl}/metrics`)).text();
      return /^botwot_live_feed_paused(\{[^}]*\})? 1$/m.test(text) ? true : undefined;
    };
    try {
      await eventually(paused, { what: 'the idle feed paused', timeoutMs: 15_000 });
      const created = await api.post('/workFlow', { name: 'woken feed', steps });
      const s = await stream(`/workFlow/${created.body.id}/executions/stream`, api.token, undefined, replica.opsUrl);
      expect(s.status).toBe(200);
      const started = await api.post(`/workFlow/${created.body.id}/execute`, { triggerData: { phone_number: '+919800000107', message_text: 'wake up' } });
      const executionId = started.body.executionId as string;
      await s.until((events) => parsed(events, 'execution').some((e) => e.executionId === executionId && e.status !== 'running'), 'the ended summary');
      expect(parsed(s.events, 'execution').filter((e) => e.executionId === executionId).map((e) => e.status)).toEqual(['running', 'completed']);
      expect(await paused()).toBeUndefined();
      s.close();
      await eventually(paused, { what: 'the feed paused again once the stream closed', timeoutMs: 15_000 });
    } finally {
      await replica.process.stop();
    }
  });
});
