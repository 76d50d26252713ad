import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningService } from '@botwot/launcher';
import { apiAs, ended, eventually, type Api } from './api-client.js';
import { startGatewayReplica } from './replicas.js';

// Fair limits through two real gateway replicas sharing the database: per-org limits for reads,
// writes and executes, and a bound on concurrent ?wait=, all answered 429 with Retry-After and
// shared between the replicas; and breakers kept per (provider, org) in the real action-runner.

const run = randomUUID().slice(0, 8);
const org = (what: string) => `org-lim-${what}-${run}`;
const LIMITS = {
  RATE_LIMIT_READ_PER_SECOND: '1',
  RATE_LIMIT_READ_BURST: '10',
  RATE_LIMIT_WRITE_PER_SECOND: '1',
  RATE_LIMIT_WRITE_BURST: '5',
  RATE_LIMIT_PER_SECOND: '1',
  RATE_LIMIT_BURST: '6',
  WAIT_LIMIT_PER_ORG: '2',
  RATE_LIMIT_SYNC_MS: '100',
};
const steps = [
  { stepId: 't', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'w' },
  { stepId: 'w', stepType: 'action', config: { actionType: 'send_whatsapp', messageTemplate: 'hi' } },
];

type Report = { _id: string; at: Date; counts: { c: string; o: string; n: number }[]; waits: { o: string; n: number }[] };
type Stored = { _id: string; at: Date; report: string };

describe('security: fair limits', () => {
  let r1: RunningService;
  let r2: RunningService;
  let mongo: MongoClient;
  const at = (replica: RunningService, orgId: string) => apiAs(orgId, 'u', { baseUrl: replica.opsUrl });

  const reports = () => mongo.db().collection<Stored>('rate_limit_reports');
  /** the latest report of a replica, unpacked (stored as JSON text of tuples) */
  const reportOf = async (instance: string): Promise<Report | undefined> => {
    const row = (await reports().find({}).toArray()).find((r) => r._id.startsWith(`${instance}-`));
    if (!row) return undefined;
    const packed = JSON.parse(row.report) as { c: [string, string, number, number][]; w: [string, number][] };
    return { _id: row._id, at: row.at, counts: packed.c.map(([c, o, , n]) => ({ c, o, n })), waits: packed.w.map(([o, n]) => ({ o, n })) };
  };

  /**
   * Waits until replica a has published a report that satisfies `shows`, and replica b has
   * published one after it (a replica reads the others right after it publishes; a read of its own
   * keeps b publishing, since an idle replica skips writing an empty report).
   */
  async function synced(shows: (r: Report) => boolean) {
    const seen = await eventually(async () => {
      const r = await reportOf('gateway-limits-a');
      return r && shows(r) ? r : undefined;
    }, { what: 'a report of replica a that shows the traffic', timeoutMs: 20_000 });
    await (await at(r2, org('keepalive'))).get('/workFlow');
    await eventually(async () => (((await reportOf('gateway-limits-b'))?.at ?? new Date(0)) > seen.at ? true : undefined), { what: 'replica b to sync after it', timeoutMs: 20_000 });
  }

  const expect429 = (res: { status: number; body: any; headers: Headers }, code: string, what: string) => {
    expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(429);
    expect(res.body).toEqual({ success: false, error: { code, message: expect.any(String) } });
    expect(Number(res.headers.get('retry-after')), what).toBeGreaterThanOrEqual(1);
  };

  beforeAll(async () => {
    [r1, r2] = await Promise.all([startGatewayReplica('limits-a', LIMITS), startGatewayReplica('limits-b', LIMITS)]);
    mongo = await MongoClient.connect(inject('system').mongoUrl);
  });
  afterAll(async () => {
    await Promise.all([r1?.process.stop(), r2?.process.stop()]);
    await mongo?.close();
  });

  it('limits reads per org and shares the budget across replicas through the database: 429 with Retry-After; other orgs unaffected', async () => {
    const x = org('reads');
    const onA = await at(r1, x);
    const answers = [];
    for (let i = 0; i < 11; i++) answers.push(await onA.get('/workFlow'));
    expect(answers.slice(0, 10).map((r) => r.status)).toEqual(Array(10).fill(200));
    expect429(answers[10]!, 'RATE_LIMITED', 'the 11th read on replica a');

    await synced((r) => r.counts.some((c) => c.c === 'read' && c.o === x && c.n >= 10));
    expect429(await (await at(r2, x)).get('/workFlow'), 'RATE_LIMITED', 'the same org on replica b');
    expect((await (await at(r2, org('reads-other'))).get('/workFlow')).status).toBe(200);
    expect((await (await at(r1, org('reads-other'))).get('/workFlow')).status).toBe(200);
  });

  it('limits writes and executes per org, each class on its own budget', async () => {
    const w = await at(r1, org('writes'));
    const created = [];
    for (let i = 0; i < 6; i++) created.push(await w.post('/workFlow', { name: `w${i}`, steps }));
    expect(created.slice(0, 5).map((r) => r.status)).toEqual(Array(5).fill(201));
    expect429(created[5]!, 'RATE_LIMITED', 'the 6th write');
    expect((await w.get('/workFlow?limit=1')).body.total).toBe(5);

    const e = await at(r1, org('executes'));
    const id = (await e.post('/workFlow', { name: 'runs', steps })).body.id;
    const runs = [];
    for (let i = 0; i < 7; i++) runs.push(await e.post(`/workFlow/${id}/${i % 2 ? 'test' : 'execute'}`, { triggerData: { phone_number: '+919800000071' } }));
    expect(runs.slice(0, 6).map((r) => r.status)).toEqual(Array(6).fill(202));
    expect429(runs[6]!, 'RATE_LIMITED', 'the 7th execute/test');
    // reads are still served for that org
    expect((await e.get(`/workFlow/${id}`)).status).toBe(200);
  });

  it('bounds concurrent ?wait= per org across replicas: the third waiter is refused before anything starts; without ?wait it runs', async () => {
    const v = org('waits');
    const onA = await at(r1, v);
    const onB = await at(r2, v);
    const slow = [
      { stepId: 't', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'slow' },
      { stepId: 'slow', stepType: 'agent', config: { agentType: 'conversational', inputText: `[delay:9000] hold ${run}` }, nextStepId: 'slower' },
      { stepId: 'slower', stepType: 'agent', config: { agentType: 'conversational', inputText: `[delay:9000] hold on ${run}` }, nextStepId: 'w' },
      { stepId: 'w', stepType: 'action', config: { actionType: 'send_whatsapp', messageTemplate: 'done' } },
    ];
    const id = (await onA.post('/workFlow', { name: 'slow', steps: slow })).body.id as string;
    // two agent calls of 9 s each (a call may take 10 s) hold each run 18 s, far longer than the replicas take to sync
    const answered: number[] = [];
    const wait = async (i: number) => {
      const res = await onA.post(`/workFlow/${id}/execute?wait=30`, { triggerData: { phone_number: '+919800000072' } });
      answered.push(i);
      return res;
    };
    const waiting = [wait(0), wait(1)];
    await synced((r) => r.waits.some((x) => x.o === v && x.n === 2));
    expect(answered, 'both waiters still held when the third one asks').toEqual([]);

    expect429(await onB.post(`/workFlow/${id}/execute?wait=30`, { triggerData: { phone_number: '+919800000072' } }), 'WAIT_LIMITED', 'a third ?wait on replica b');
    const unwaited = await onB.post(`/workFlow/${id}/execute`, { triggerData: { phone_number: '+919800000072' } });
    expect(unwaited.status).toBe(202);
    const held = await Promise.all(waiting);
    expect(held.map((r) => r.status)).toEqual([200, 200]);
    await ended(onA, unwaited.body.executionId, 60_000);
    // exactly the three admitted executions exist
    expect((await onA.get(`/workFlow/${id}/executions`)).body.total).toBe(3);

    await synced((r) => !r.waits.some((x) => x.o === v));
    const again = await onB.post(`/workFlow/${id}/execute?wait=30`, { triggerData: { phone_number: '+919800000072' } });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
  });

  it('costs two small queries per sync, whatever the traffic: replace the replica report, read all reports', async () => {
    // a report as a busy replica writes it: 200 orgs with counts in two windows of each class
    const counts = Array.from({ length: 200 }, (_, i) => ['read', 'write', 'execute'].flatMap((c) => [0, 1].map((w) => [c, `org-measure-${i}`, 1e9 + w, 5]))).flat();
    const report = JSON.stringify({ c: counts, w: [] });
    const rounds = 40;
    const started = performance.now();
    for (let i = 0; i < rounds; i++) {
      await reports().replaceOne({ _id: `measure-${run}` }, { at: new Date(), report }, { upsert: true });
      await reports().find({}).toArray();
    }
    const msPerRound = (performance.now() - started) / rounds;
    await reports().deleteOne({ _id: `measure-${run}` });
    process.stdout.write(`[limits] one sync round (replace a ${counts.length}-entry report, read all reports) took ${msPerRound.toFixed(1)} ms on average\n`);
    expect(msPerRound).toBeLessThan(100);
  });

  describe('breakers per provider and org', () => {
    let partner: http.Server;
    const hits: string[] = [];

    beforeAll(async () => {
      partner = http.createServer((req, res) => {
        hits.push(`${req.method} ${req.url}`);
        req.resume();
        if (req.url?.startsWith('/fail')) res.writeHead(503).end('{"error":"down for this tenant"}');
        else res.writeHead(201, { 'content-type': 'application/json' }).end('{"id":"rec"}');
      });
      await new Promise<void>((resolve) => partner.listen(inject('system').outbound.partnerPort, '127.0.0.1', resolve));
    });
    afterAll(() => new Promise((resolve) => partner?.close(resolve)));

    it("one org's failures open the provider's breaker for that org only; another org the provider serves keeps reaching it", async () => {
      const { partnerPort, names } = inject('system').outbound;
      const workflow = async (api: Api, path: string) =>
        (
          await api.post('/workFlow', {
            name: `crm ${path}`,
            steps: [
              { stepId: 't', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'crm' },
              { stepId: 'crm', stepType: 'action', config: { actionType: 'update_crm', crmSystem: 'partner', action: 'create', endpoint: `http://${names.partner}:${partnerPort}/${path}`, fields: { a: 1 } }, retry: { maxAttempts: 1 } },
            ],
          })
        ).body.id as string;
      const a = await apiAs(org('breaker-a'));
      const b = await apiAs(org('breaker-b'));
      const failing = await workflow(a, 'fail');
      const healthy = await workflow(b, 'ok');
      const runOnce = async (api: Api, id: string) => {
        const started = await api.post(`/workFlow/${id}/execute`, { triggerData: { phone_number: '+919800000073' } });
        const { execution, logs } = await ended(api, started.body.executionId, 60_000);
        return { status: execution.status as string, code: logs.find((l: any) => l.stepId === 'crm')?.error?.code as string | undefined };
      };

      // failing calls for org A at once: the test stack's CRM breakers open after 3 failures in 10 s and stay open a minute
      const wave = await Promise.all(Array.from({ length: 6 }, () => runOnce(a, failing)));
      const reached = wave.filter((r) => r.code === 'UPSTREAM_503').length;
      expect(reached, JSON.stringify(wave)).toBeGreaterThanOrEqual(3);
      expect(wave.every((r) => r.code === 'UPSTREAM_503' || r.code === 'BREAKER_OPEN')).toBe(true);
      // then A and B call the same provider at the same time, until A's call is refused by its open breaker
      const rounds: { a: string | undefined; b: { status: string; code: string | undefined } }[] = [];
      while (rounds.length < 6 && rounds.at(-1)?.a !== 'BREAKER_OPEN') {
        const [ofA, ofB] = await Promise.all([runOnce(a, failing), runOnce(b, healthy)]);
        rounds.push({ a: ofA.code, b: ofB });
      }
      expect(rounds.at(-1)?.a, JSON.stringify(rounds)).toBe('BREAKER_OPEN');
      expect(rounds.map((r) => r.b), 'org B reached the provider every time, A\'s open breaker included').toEqual(Array(rounds.length).fill({ status: 'completed', code: undefined }));
      expect(hits.filter((h) => h.startsWith('POST /ok'))).toHaveLength(rounds.length);
      expect(hits.filter((h) => h.startsWith('POST /fail'))).toHaveLength(reached + rounds.filter((r) => r.a === 'UPSTREAM_503').length);
    });
  });
});
