import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { apiAs, type Api } from './api-client.js';

// Workflow definitions through the real gateway: create, list, read (by version), replace, archive, validate.
// Every org name is unique per run, so the tests also hold against a stack that was not started fresh.

const run = randomUUID().slice(0, 8);

type Res = { status: number; body: any };

/** Traces of a leaked stack or internal path in an error body. */
const LEAK = /\bat [\w.<>]+ \(|\n\s+at |node_modules|\.[cm]?[jt]s:\d+|"stack"|mongo(?:ose|db)?server|E11000/i;

/** The error contract: `{ success: false, error: { code, message, details? } }`, nothing else, no stack. */
function expectError(res: Res, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toMatchObject({ success: false, error: { code, message: expect.any(String) } });
  expect(Object.keys(res.body).sort()).toEqual(['error', 'success']);
  expect(Object.keys(res.body.error).every((k) => ['code', 'message', 'details'].includes(k))).toBe(true);
  expect(JSON.stringify(res.body)).not.toMatch(LEAK);
}

/** The fields a 400 names as failing. */
const failingFields = (res: Res): string[] => (res.body.error.details as { field: string }[]).map((d) => d.field);

/**
 * Sends one request on a connection of its own: a body the gateway refuses unread must not leave a
 * broken keep-alive socket in the pool the other requests share.
 */
function sendAlone(method: string, url: string, token: string, body: string, via: Agent | false = false): Promise<{ status: number; headers: Record<string, unknown>; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: via, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : undefined }));
    });
    req.setTimeout(5_000, () => req.destroy(new Error('no answer within 5 s')));
    // The server may answer before the whole body is written; the answer still comes.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' ? undefined : reject(error)));
    req.end(body);
  });
}

const trigger = (next?: string) => ({ stepId: 't', stepType: 'trigger', config: { triggerType: 'whatsapp' }, ...(next ? { nextStepId: next } : {}) });
const reply = (stepId = 'w', messageTemplate = 'Thanks for writing: {{message_text}}') => ({ stepId, stepType: 'action', config: { actionType: 'send_whatsapp', messageTemplate } });
const agent = (stepId: string, next?: string, agentType = 'decision') => ({ stepId, stepType: 'agent', config: { agentType }, ...(next ? { nextStepId: next } : {}) });
const validSteps = () => [trigger('a'), agent('a', 'w'), reply()];

describe('workflow definitions API', () => {
  let a: Api;
  let b: Api;
  beforeAll(async () => {
    a = await apiAs(`org-wf-a-${run}`);
    b = await apiAs(`org-wf-b-${run}`);
  });

  describe('POST /workFlow', () => {
    it('creates version 1 and answers 201 with the workflow, its steps and a validation report', async () => {
      const created = await a.post('/workFlow', { name: '  Support bot  ', description: 'answers questions', steps: validSteps() });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        success: true,
        id: expect.stringMatching(/^[A-Za-z0-9_-]+$/),
        name: 'Support bot',
        description: 'answers questions',
        status: 'active',
        version: 1,
        triggerType: 'whatsapp',
        steps: validSteps(),
        validation: { valid: true, errors: [] },
      });
      expect(Date.parse(created.body.createdAt)).not.toBeNaN();
      expect(Date.parse(created.body.updatedAt)).not.toBeNaN();

      const read = await a.get(`/workFlow/${created.body.id}`);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ success: true, id: created.body.id, name: 'Support bot', status: 'active', version: 1, latestVersion: 1 });
      expect(read.body.steps).toEqual(validSteps());
    });

    it('keeps a draft that does not validate yet (201) and says what is wrong with it', async () => {
      const created = await a.post('/workFlow', { name: 'draft', steps: [trigger('a'), agent('a')] });
      expect(created.status).toBe(201);
      expect(created.body.validation.valid).toBe(false);
      expect(created.body.validation.errors).toContainEqual({ stepId: 'a', message: 'Step a has no outgoing connection' });
    });

    const badBodies: [string, unknown, string[]][] = [
      ['an empty object', {}, ['name', 'steps']],
      ['a blank name', { name: '   ', steps: [] }, ['name']],
      ['a name over 200 characters', { name: 'n'.repeat(201), steps: [] }, ['name']],
      ['steps that are not a list', { name: 'x', steps: 'trigger then reply' }, ['steps']],
      ['more than 200 steps', { name: 'x', steps: Array.from({ length: 201 }, (_, i) => reply(`s${i}`)) }, ['steps']],
      ['a step without stepId', { name: 'x', steps: [{ stepType: 'trigger', config: { triggerType: 'whatsapp' } }] }, ['steps.0.stepId']],
      ['a stepId with spaces', { name: 'x', steps: [trigger('a'), agent('a b')] }, ['steps.1.stepId']],
      ['a config that is not an object', { name: 'x', steps: [{ stepId: 't', stepType: 'trigger', config: 'whatsapp' }] }, ['steps.0.config']],
      ['a route without a field', { name: 'x', steps: [{ ...agent('a'), routes: [{ when: {}, nextStepId: 'w' }] }] }, ['steps.0.routes.0.when.field']],
      ['a timeout below 100 ms', { name: 'x', steps: [{ ...reply(), timeoutMs: 5 }] }, ['steps.0.timeoutMs']],
      ['a list instead of an object', [validSteps()], ['(body)']],
    ];
    it.each(badBodies)('answers 400 naming the failing fields for %s', async (_what, body, fields) => {
      const res = await a.post('/workFlow', body);
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(failingFields(res)).toEqual(expect.arrayContaining(fields));
      for (const d of res.body.error.details) expect(d.message).toEqual(expect.any(String));
    });

    it('answers 400 to malformed JSON and 413 to a body over the limit, creating nothing', async () => {
      const before = (await a.get('/workFlow?limit=1')).body.total;
      const malformed = await a.raw('POST', '/workFlow', undefined, { 'content-type': 'application/json' });
      expect(malformed.status).toBe(400);
      const broken = await fetch(`${inject('system').gatewayUrl}/workFlow`, {
        method: 'POST',
        headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/json' },
        body: '{"name": "x", "steps": [',
      });
      const brokenBody = await broken.json();
      expect(broken.status).toBe(400);
      expect(brokenBody).toMatchObject({ success: false, error: { code: expect.any(String), message: expect.any(String) } });
      expect(JSON.stringify(brokenBody)).not.toMatch(LEAK);

      const huge = JSON.stringify({ name: 'huge', description: 'x'.repeat(300 * 1024), steps: validSteps() });
      expectError(await sendAlone('POST', `${inject('system').gatewayUrl}/workFlow`, a.token, huge), 413, 'PAYLOAD_TOO_LARGE');
      expect((await a.get('/workFlow?limit=1')).body.total).toBe(before);
    });

    it('after refusing an oversized body unread, the next requests of a keep-alive client still work', async () => {
      const gatewayUrl = inject('system').gatewayUrl;
      const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const huge = JSON.stringify({ name: 'huge', description: 'x'.repeat(300 * 1024), steps: validSteps() });
        expect((await sendAlone('POST', `${gatewayUrl}/workFlow`, a.token, huge, keepAlive)).status).toBe(413);
        const next: (number | string)[] = [];
        for (let i = 0; i < 3; i++) {
          next.push(await sendAlone('POST', `${gatewayUrl}/workFlow`, a.token, JSON.stringify({}), keepAlive).then((r) => r.status, (e: Error) => e.message));
        }
        expect(next).toEqual([400, 400, 400]);
      } finally {
        keepAlive.destroy();
      }
    });
  });

  describe('GET /workFlow', () => {
    it("lists only the caller's org, pages through it and filters by status", async () => {
      const c = await apiAs(`org-wf-list-${run}`);
      const ids: string[] = [];
      for (const name of ['one', 'two', 'three']) ids.push((await c.post('/workFlow', { name, steps: validSteps() })).body.id);

      const first = await c.get('/workFlow?limit=2&page=1');
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ success: true, total: 3, page: 1, limit: 2, pages: 2 });
      expect(first.body.workflows).toHaveLength(2);
      expect(first.body.workflows[0]).toMatchObject({ id: expect.any(String), name: expect.any(String), status: 'active', version: 1, triggerType: 'whatsapp' });
      const second = await c.get('/workFlow?limit=2&page=2');
      expect(second.body).toMatchObject({ total: 3, page: 2, pages: 2 });
      expect(second.body.workflows).toHaveLength(1);
      expect([...first.body.workflows, ...second.body.workflows].map((w: { id: string }) => w.id).sort()).toEqual([...ids].sort());
      const beyond = await c.get('/workFlow?limit=2&page=3');
      expect(beyond.status).toBe(200);
      expect(beyond.body).toMatchObject({ workflows: [], total: 3, page: 3, pages: 2 });

      expect((await c.delete(`/workFlow/${ids[0]}`)).status).toBe(200);
      const archived = await c.get('/workFlow?status=archived');
      expect(archived.body.workflows.map((w: { id: string }) => w.id)).toEqual([ids[0]]);
      expect(archived.body.total).toBe(1);
      const active = await c.get('/workFlow?status=active');
      expect(active.body.workflows.map((w: { id: string }) => w.id).sort()).toEqual([ids[1], ids[2]].sort());

      const other = await b.get('/workFlow?limit=100');
      expect(other.status).toBe(200);
      for (const id of ids) expect(other.body.workflows.some((w: { id: string }) => w.id === id)).toBe(false);
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=ten', 'limit'],
      ['page=0', 'page'],
      ['page=-2', 'page'],
      ['page=1.5', 'page'],
      ['status=bogus', 'status'],
    ])('answers 400 naming the parameter for ?%s', async (query, field) => {
      const res = await a.get(`/workFlow?${query}`);
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(failingFields(res)).toEqual([field]);
    });
  });

  describe('GET, PUT and DELETE /workFlow/:id', () => {
    it('PUT replaces the steps as version 2; GET ?version=1 still returns the old steps', async () => {
      const created = await a.post('/workFlow', { name: 'versioned', steps: [trigger('w'), reply('w', 'v1 {{message_text}}')] });
      const id = created.body.id as string;
      const v2Steps = [trigger('a'), agent('a', 'w', 'conversational'), reply('w', 'v2 {{agent_response}}')];

      const put = await a.put(`/workFlow/${id}`, { name: 'versioned, now with an agent', steps: v2Steps });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ success: true, id, version: 2, name: 'versioned, now with an agent', steps: v2Steps, validation: { valid: true, errors: [] } });

      const latest = await a.get(`/workFlow/${id}`);
      expect(latest.body).toMatchObject({ version: 2, latestVersion: 2, name: 'versioned, now with an agent' });
      expect(latest.body.steps).toEqual(v2Steps);
      const v1 = await a.get(`/workFlow/${id}?version=1`);
      expect(v1.status).toBe(200);
      expect(v1.body).toMatchObject({ version: 1, latestVersion: 2 });
      expect(v1.body.steps).toEqual([trigger('w'), reply('w', 'v1 {{message_text}}')]);
      expect((await a.get(`/workFlow/${id}?version=2`)).body.steps).toEqual(v2Steps);

      // A third PUT without a name keeps the name and goes to version 3.
      const v3 = await a.put(`/workFlow/${id}`, { steps: [trigger('w'), reply('w', 'v3')] });
      expect(v3.body).toMatchObject({ version: 3, name: 'versioned, now with an agent' });

      expectError(await a.get(`/workFlow/${id}?version=4`), 404, 'NOT_FOUND');
      for (const bad of ['0', '-1', 'two', '1.5']) {
        const res = await a.get(`/workFlow/${id}?version=${bad}`);
        expectError(res, 400, 'VALIDATION_FAILED');
        expect(failingFields(res)).toEqual(['version']);
      }
    });

    it('PUT answers 400 naming the failing fields and leaves the workflow as it was', async () => {
      const id = (await a.post('/workFlow', { name: 'stable', steps: validSteps() })).body.id as string;
      const noSteps = await a.put(`/workFlow/${id}`, { name: 'renamed' });
      expectError(noSteps, 400, 'VALIDATION_FAILED');
      expect(failingFields(noSteps)).toEqual(['steps']);
      const badStep = await a.put(`/workFlow/${id}`, { steps: [{ stepId: '', stepType: 'trigger' }] });
      expectError(badStep, 400, 'VALIDATION_FAILED');
      expect(failingFields(badStep)).toContain('steps.0.stepId');
      const blankName = await a.put(`/workFlow/${id}`, { name: ' ', steps: validSteps() });
      expect(failingFields(blankName)).toEqual(['name']);
      expect((await a.get(`/workFlow/${id}`)).body).toMatchObject({ name: 'stable', version: 1, latestVersion: 1 });
    });

    it('concurrent PUTs each get their own version or a 409, never a mix of both bodies, a 404 or a 500', async () => {
      const id = (await a.post('/workFlow', { name: 'contended', steps: validSteps() })).body.id as string;
      // Disjoint step ids, so nothing but the version logic keeps the two bodies apart.
      const bodies = ['x', 'y', 'z'].map((p) => ({
        steps: [
          { stepId: `${p}-t`, stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: `${p}-w` },
          { stepId: `${p}-w`, stepType: 'action', config: { actionType: 'send_whatsapp', messageTemplate: `from ${p}` } },
        ],
      }));
      const answers = await Promise.all(bodies.map((body) => a.put(`/workFlow/${id}`, body)));
      const problems: string[] = [];
      for (const res of answers) if (![200, 409].includes(res.status)) problems.push(`answered ${res.status} ${JSON.stringify(res.body)}`);
      const won = answers.filter((r) => r.status === 200).length;
      if (won === 0) problems.push('no PUT won');
      const latest = await a.get(`/workFlow/${id}`);
      if (latest.body.latestVersion !== 1 + won) problems.push(`latestVersion ${latest.body.latestVersion} after ${won} successful PUTs`);
      for (let version = 2; version <= latest.body.latestVersion; version++) {
        const steps: { stepId: string }[] = (await a.get(`/workFlow/${id}?version=${version}`)).body.steps;
        if (!bodies.some((b) => JSON.stringify(b.steps) === JSON.stringify(steps))) problems.push(`version ${version} holds steps ${steps.map((s) => s.stepId).join(',')}`);
      }
      expect(problems).toEqual([]);
    });

    it('DELETE archives: 200 with status archived, and the workflow stays readable', async () => {
      const id = (await a.post('/workFlow', { name: 'to archive', steps: validSteps() })).body.id as string;
      const del = await a.delete(`/workFlow/${id}`);
      expect(del.status).toBe(200);
      expect(del.body).toMatchObject({ success: true, id, status: 'archived', version: 1 });
      const read = await a.get(`/workFlow/${id}`);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ status: 'archived', version: 1 });
      expect(read.body.steps).toEqual(validSteps());
      // Archiving again is harmless.
      expect((await a.delete(`/workFlow/${id}`)).body).toMatchObject({ success: true, status: 'archived' });
    });

    it("answers 404 for unknown ids, malformed ids and another org's workflow, and changes nothing", async () => {
      const id = (await a.post('/workFlow', { name: 'private', steps: validSteps() })).body.id as string;
      for (const missing of ['0123456789abcdef01234567', 'no-such-workflow', '%24where', 'a.b', 'x'.repeat(101)]) {
        expectError(await a.get(`/workFlow/${missing}`), 404, 'NOT_FOUND');
        expectError(await a.put(`/workFlow/${missing}`, { steps: validSteps() }), 404, 'NOT_FOUND');
        expectError(await a.delete(`/workFlow/${missing}`), 404, 'NOT_FOUND');
        expectError(await a.post(`/workFlow/${missing}/validate`), 404, 'NOT_FOUND');
      }
      expectError(await b.get(`/workFlow/${id}`), 404, 'NOT_FOUND');
      expectError(await b.get(`/workFlow/${id}?version=1`), 404, 'NOT_FOUND');
      expectError(await b.put(`/workFlow/${id}`, { name: 'hijacked', steps: [trigger('w'), reply('w', 'pwned')] }), 404, 'NOT_FOUND');
      expectError(await b.delete(`/workFlow/${id}`), 404, 'NOT_FOUND');
      expectError(await b.post(`/workFlow/${id}/validate`), 404, 'NOT_FOUND');
      const after = await a.get(`/workFlow/${id}`);
      expect(after.body).toMatchObject({ name: 'private', status: 'active', version: 1, latestVersion: 1 });
      expect(after.body.steps).toEqual(validSteps());
    });
  });

  describe('POST /workFlow/:id/validate', () => {
    it('answers { success, valid: true, errors: [] } for a connected workflow of known, configured nodes', async () => {
      const id = (await a.post('/workFlow', { name: 'fine', steps: validSteps() })).body.id as string;
      const res = await a.post(`/workFlow/${id}/validate`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ success: true, valid: true, errors: [] });
    });

    it('validates the latest version', async () => {
      const id = (await a.post('/workFlow', { name: 'fine, then broken', steps: validSteps() })).body.id as string;
      await a.put(`/workFlow/${id}`, { steps: [trigger('a'), agent('a')] });
      const res = await a.post(`/workFlow/${id}/validate`);
      expect(res.body).toMatchObject({ valid: false, errors: [{ stepId: 'a', message: 'Step a has no outgoing connection' }] });
    });

    type Case = [string, unknown[], { stepId?: string; message: string | RegExp }[]];
    const cases: Case[] = [
      ['no steps', [], [{ message: 'Workflow has no steps' }]],
      ['no trigger', [agent('a', 'w'), reply()], [{ message: 'Workflow must have at least one trigger' }]],
      ['an unconfigured step', [trigger('a'), { stepId: 'a', stepType: 'agent', config: {}, nextStepId: 'w' }, reply()], [{ stepId: 'a', message: 'Step a is not configured' }]],
      ['a non-action step without an outgoing connection', [trigger('a'), agent('a')], [{ stepId: 'a', message: 'Step a has no outgoing connection' }]],
      ['an unreachable step', [trigger('w'), reply(), agent('orphan', 'w')], [{ stepId: 'orphan', message: 'Step orphan is unreachable from the trigger' }]],
      [
        'a cycle',
        [trigger('a'), agent('a', 'b'), { stepId: 'b', stepType: 'utility', config: { utilityType: 'sentiment', inputText: '{{message_text}}' }, nextStepId: 'a' }],
        [{ stepId: 'a', message: /^Steps form a cycle: a → b → a$/ }],
      ],
      ['a dangling nextStepId', [trigger('a'), agent('a', 'nowhere')], [{ stepId: 'a', message: 'Step a points to missing step nowhere' }]],
      [
        'a dangling route target',
        [trigger('a'), { ...agent('a', 'w'), routes: [{ when: { field: 'decision', equals: 'Approve' }, nextStepId: 'ghost' }] }, reply()],
        [{ stepId: 'a', message: 'Step a points to missing step ghost' }],
      ],
      ['an unknown stepType', [trigger('x'), { stepId: 'x', stepType: 'robot', config: { beep: true }, nextStepId: 'w' }, reply()], [{ stepId: 'x', message: /unknown stepType "robot"/ }]],
      ['an unknown agentType', [trigger('a'), agent('a', 'w', 'psychic'), reply()], [{ stepId: 'a', message: 'Step a: unknown agentType "psychic" for a agent step' }]],
      ['an unknown actionType', [trigger('w'), { stepId: 'w', stepType: 'action', config: { actionType: 'send_pigeon' } }], [{ stepId: 'w', message: /unknown actionType "send_pigeon"/ }]],
      [
        'a node config missing a required field',
        [trigger('w'), { stepId: 'w', stepType: 'action', config: { actionType: 'send_whatsapp', recipient: 'custom', messageTemplate: 'hi' } }],
        [{ stepId: 'w', message: 'Step w: config.customRecipient: customRecipient is required when recipient is "custom"' }],
      ],
      ['two triggers', [trigger('w'), { ...trigger('w'), stepId: 't2' }, reply()], [{ message: /2 triggers/ }]],
      ['a route back to the trigger', [trigger('a'), agent('a', 't')], [{ stepId: 'a', message: 'Step a points back to trigger t' }]],
    ];
    it.each(cases)('reports %s, naming the step', async (_what, steps, expected) => {
      const created = await a.post('/workFlow', { name: `invalid: ${_what}`, steps });
      expect(created.status).toBe(201);
      const res = await a.post(`/workFlow/${created.body.id}/validate`);
      expect(res.status).toBe(200);
      expect(res.body.valid).toBe(false);
      for (const e of expected) {
        expect(res.body.errors).toContainEqual({ ...(e.stepId ? { stepId: e.stepId } : {}), message: typeof e.message === 'string' ? e.message : expect.stringMatching(e.message) });
      }
      // The report at creation is the same one.
      expect(created.body.validation).toEqual({ valid: false, errors: res.body.errors });
    });

    it('refuses a duplicated stepId with a 400 naming it, or keeps it as a draft that does not validate, never a 500', async () => {
      for (const [what, send] of [
        ['POST', () => a.post('/workFlow', { name: 'twins', steps: [trigger('w'), reply(), reply()] })],
        ['PUT', async () => a.put(`/workFlow/${(await a.post('/workFlow', { name: 'twins later', steps: validSteps() })).body.id}`, { steps: [trigger('w'), reply(), reply()] })],
      ] as const) {
        const res = await send();
        expect([200, 201, 400], `${what}: ${res.status} ${JSON.stringify(res.body)}`).toContain(res.status);
        if (res.status === 400) expect(JSON.stringify(res.body.error.details)).toMatch(/steps\.2\.stepId|w/);
        else expect(res.body.validation.errors).toContainEqual({ stepId: 'w', message: 'Step id w is used more than once' });
      }
    });
  });
});
