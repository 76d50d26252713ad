import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiAs, ended, type Api } from './api-client.js';

// Outbound calls a step steers (a CRM step's `endpoint`), through the real gateway and
// action-runner. The test stack allows `*.outbound.test` on port 443 and on `partnerPort`, resolves
// those names with a DNS stand-in, and runs in the local profile (private and loopback addresses
// allowed, for the stand-ins). A "partner CRM" listens on partnerPort here and records what reaches it.

const run = randomUUID().slice(0, 8);

describe('security: outbound calls', () => {
  let api: Api;
  let partner: http.Server;
  let partnerHits: string[];
  let names: ReturnType<typeof inject<'system'>>['outbound']['names'];
  let port: number;
  let crm: string;

  const crmKnobs = async () => ((await (await fetch(`${crm}/__admin/knobs`)).json()) as { knobs: Record<string, unknown> }).knobs;

  /** trigger → update_crm at `endpoint`; one try, so a refusal shows as it is */
  const runCrm = async (endpoint: string) => {
    const created = await api.post('/workFlow', {
      name: `crm at ${endpoint}`,
      steps: [
        { stepId: 't', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'crm' },
        { stepId: 'crm', stepType: 'action', config: { actionType: 'update_crm', crmSystem: 'partner', action: 'create', endpoint, fields: { phone: '{{phone_number}}' } }, retry: { maxAttempts: 1 } },
      ],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const started = await api.post(`/workFlow/${created.body.id}/execute`, { triggerData: { phone_number: '+919800000051' } });
    return { created, started, done: started.status === 202 ? await ended(api, started.body.executionId, 60_000) : undefined };
  };

  const failedWith = (done: Awaited<ReturnType<typeof runCrm>>['done']) => {
    expect(done?.execution.status).toBe('failed');
    return done?.logs.find((l: any) => l.stepId === 'crm')?.error as { code: string; kind: string; message: string };
  };

  beforeAll(async () => {
    const system = inject('system');
    api = await apiAs(`org-outbound-${run}`);
    names = system.outbound.names;
    port = system.outbound.partnerPort;
    crm = system.standIns.crm;
    partnerHits = [];
    partner = http.createServer((req, res) => {
      partnerHits.push(`${req.method} ${req.headers.host} ${req.url}`);
      req.resume();
      if (req.url?.startsWith('/redirect')) res.writeHead(307, { location: `${crm}/__admin/reset` }).end();
      else res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `rec-${partnerHits.length}` }));
    });
    await new Promise<void>((resolve) => partner.listen(port, '127.0.0.1', resolve));
    // a marker that a reset of the CRM stand-in would wipe out
    await fetch(`${crm}/__admin/knobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ retryAfterSeconds: 7 }) });
  });

  afterAll(async () => {
    await fetch(`${crm}/__admin/knobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ retryAfterSeconds: 1 }) });
    await new Promise((resolve) => partner?.close(resolve));
  });

  it('reaches an allowlisted name on an allowed port (the baseline: the DNS stand-in answers, the runner connects)', async () => {
    const { done } = await runCrm(`http://${names.partner}:${port}/api`);
    expect(done?.execution.status, JSON.stringify(done?.logs)).toBe('completed');
    expect(partnerHits).toEqual([`POST ${names.partner}:${port} /api/records`]);
    partnerHits.splice(0);
  });

  it('checks every address a name resolves to when it connects: a link-local address, alone or next to an allowed one, refuses the call', async () => {
    for (const name of [names.metadata, names.mixed]) {
      const { done } = await runCrm(`http://${name}:${port}/api`);
      const error = failedWith(done);
      expect(error, name).toMatchObject({ code: 'OUTBOUND_ADDRESS_REFUSED', kind: 'non_retryable' });
      expect(error.message).toContain('169.254.169.254');
    }
    // mixed.outbound.test also resolves to 127.0.0.1, where the partner listens: nothing got there
    expect(partnerHits).toEqual([]);
  });

  it('allows only the configured ports', async () => {
    for (const endpoint of [`https://${names.partner}:8444/api`, `http://${names.partner}/api`, `https://${names.partner}:22/`]) {
      const { done } = await runCrm(endpoint);
      const error = failedWith(done);
      expect(error, endpoint).toMatchObject({ code: 'OUTBOUND_URL_REFUSED', kind: 'non_retryable' });
      expect(error.message).toMatch(/port \d+ is not an allowed outbound port/);
    }
    expect(partnerHits).toEqual([]);
  });

  it('never follows a redirect: a 307 towards a stand-in admin route fails the step with REDIRECT_REFUSED and the admin route is not reached', async () => {
    const { done } = await runCrm(`http://${names.partner}:${port}/redirect`);
    expect(failedWith(done)).toMatchObject({ code: 'REDIRECT_REFUSED', kind: 'non_retryable' });
    expect(partnerHits).toEqual([`POST ${names.partner}:${port} /redirect/records`]);
    expect((await crmKnobs()).retryAfterSeconds).toBe(7);
    partnerHits.splice(0);
  });

  it('builds the request URL with the URL API: a trailing # or ? cannot retarget a step to the stand-in admin route', async () => {
    for (const endpoint of [`${crm}/__admin/reset#`, `${crm}/__admin/reset?`, `${crm}/__admin/reset?x=`]) {
      const { created, started } = await runCrm(endpoint);
      expect(created.body.validation.valid, endpoint).toBe(false);
      expect(created.body.validation.errors).toEqual([{ stepId: 'crm', message: expect.stringContaining('config.endpoint') }]);
      expect(started.status, endpoint).toBe(400);
      expect(started.body.error.code).toBe('INVALID_WORKFLOW');
    }
    expect((await crmKnobs()).retryAfterSeconds).toBe(7);
    // a record id cannot climb out of the records path either
    const created = await api.post('/workFlow', {
      name: 'climbing record id',
      steps: [
        { stepId: 't', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'crm' },
        { stepId: 'crm', stepType: 'action', config: { actionType: 'update_crm', crmSystem: 'default', action: 'update', recordId: '{{message_text}}', fields: { a: 1 } }, retry: { maxAttempts: 1 } },
      ],
    });
    const started = await api.post(`/workFlow/${created.body.id}/execute`, { triggerData: { phone_number: '+919800000052', message_text: '..' } });
    expect(failedWith((await ended(api, started.body.executionId)) as never)).toMatchObject({ code: 'INVALID_PATH', kind: 'non_retryable' });
    expect((await crmKnobs()).retryAfterSeconds).toBe(7);
  });
});
