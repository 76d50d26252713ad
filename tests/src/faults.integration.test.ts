import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { repoRoot } from '@botwot/launcher';
import { createEvent, TOPICS } from '@botwot/shared/events';
import { DLQ_HEADERS } from '@botwot/shared/kafka';
import { apiAs, type Api } from './api-client.js';
import {
  control, executionsOf, FAULT_WORKFLOW, kafkaClient, pidOf, readTopicToEnd, runLoad, summary, verifyOutcome, waitForDrain, waitForEnds,
  waitUntil, withMongo, type Accepted, type LoadResult,
} from './fault-harness.js';

/**
 * "Nothing lost, nothing twice": faults against the real local stack (Kafka, FerretDB, the schema
 * registry, the stand-ins and the six services), each with a few hundred executions in flight.
 * Every test checks the outcome three ways (see verifyOutcome): the Mongo rows, the committed
 * events on Kafka, and the WhatsApp stand-in's deliveries. Each prints one `[fault]` summary line.
 *
 * Run alone: BOTWOT_TEST_STACK=faults npx vitest run --project integration tests/src/faults.integration.test.ts
 */

const EXECUTIONS = 200;
// the kills and the poison drill: 100 executions/s offered, open loop, while the fault strikes
const UNDER_LOAD = 400;
const RATE = 100;
const CONCURRENCY = 8;
const LONG = 600_000;

const system = () => inject('system');
const knobs = async (url: string, body: Record<string, unknown>) => {
  const res = await fetch(`${url}/__admin/knobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
};
const resetStandIn = async (url: string) => expect((await fetch(`${url}/__admin/reset`, { method: 'POST' })).status).toBe(200);
const botcoreRequests = async () =>
  ((await (await fetch(`${system().standIns.botcore}/__admin/requests`)).json()) as { requests: { path: string; body: any; time: string; status: number }[] }).requests;

/** Normal latency so that work is in flight: BotCore 30 ms, WhatsApp 20 ms. */
async function normalLatency() {
  await knobs(system().standIns.botcore, { latencyMs: 30 });
  await knobs(system().standIns.whatsapp, { latencyMs: 20 });
}

/** Accepted executions that were accepted before `at` and ended after it: in flight at that moment. */
async function inFlightAt(orgId: string, accepted: Accepted[], at: number): Promise<number> {
  const rows = await executionsOf(orgId);
  return accepted.filter((a) => a.acceptedAt <= at && (rows.get(a.executionId)?.completedAt?.getTime() ?? 0) > at).length;
}

/** Each test runs in its own org, with its own copy of the workflow. */
async function newDrill(name: string): Promise<{ api: Api; orgId: string; workflowId: string }> {
  const orgId = `org-faults-${name}-${randomUUID().slice(0, 6)}`;
  const api = await apiAs(orgId);
  const created = await api.post('/workFlow', FAULT_WORKFLOW);
  expect(created.status).toBe(201);
  return { api, orgId, workflowId: created.body.id };
}

describe('faults: nothing lost, nothing twice', () => {
  beforeAll(async () => {
    await normalLatency();
  });

  afterAll(async () => {
    await resetStandIn(system().standIns.botcore);
    await knobs(system().standIns.whatsapp, { latencyMs: 0 });
  });

  /** Runs the load; when a third of it is accepted, kills `target` with SIGKILL and restarts it. */
  async function killMidRun(target: string, tag: string) {
    const drill = await newDrill(tag);
    let strike: Promise<{ killAt: number; downMs: number }> | undefined;
    const hit = async () => {
      const killAt = Date.now();
      await control(target, 'kill');
      expect(await pidOf(target)).toBeUndefined();
      await control(target, 'restart');
      expect(await pidOf(target)).toBeDefined();
      return { killAt, downMs: Date.now() - killAt };
    };
    const load = await runLoad(drill.api, drill.workflowId, {
      count: UNDER_LOAD,
      concurrency: CONCURRENCY,
      ratePerSecond: RATE,
      tag,
      onAccepted: (n) => {
        if (!strike && n >= UNDER_LOAD / 4) strike = hit();
      },
    });
    expect(strike, 'the fault was injected').toBeDefined();
    return { load, orgId: drill.orgId, ...(await strike!) };
  }

  /**
   * Waits for every accepted execution to end and the engine to drain, then checks the outcome
   * (see verifyOutcome) and prints the summary line, with how many were in flight at `faultAt`.
   */
  async function checkNothingLostNothingTwice(name: string, orgId: string, load: LoadResult, faultAt: number, extra: Record<string, unknown>, started: number) {
    const ids = load.accepted.map((a) => a.executionId);
    const loadedAt = Date.now();
    await waitForEnds(orgId, ids, 300_000);
    const endedAt = Date.now();
    await waitForDrain(180_000);
    const inFlight = await inFlightAt(orgId, load.accepted, faultAt);
    const checkedAt = Date.now();
    const { figures, problems } = await verifyOutcome(orgId, load.accepted, load.rejected.length);
    const phases = `load ${((loadedAt - started) / 1000).toFixed(1)}s, ends +${((endedAt - loadedAt) / 1000).toFixed(1)}s, drain +${((checkedAt - endedAt) / 1000).toFixed(1)}s, verify +${((Date.now() - checkedAt) / 1000).toFixed(1)}s`;
    summary(name, { ...figures, inFlightAtFault: inFlight, ...extra, phases }, Date.now() - started);
    expect(inFlight, 'executions in flight when the fault struck').toBeGreaterThan(0);
    expect(problems).toEqual([]);
    expect(figures.completed + figures.failed).toBe(load.accepted.length);
    // No dependency failed here, so a failure would mean work was lost until a deadline or mishandled.
    expect(figures.failureCodes).toEqual({});
    return figures;
  }

  for (const target of ['gateway', 'orchestrator', 'agent-runner', 'utility-runner', 'action-runner', 'log-sink']) {
    it(`SIGKILL ${target} mid-run and restart it: every execution ends once, no duplicate logs or messages`, async () => {
      const started = Date.now();
      const { load, orgId, killAt, downMs } = await killMidRun(target, `kill-${target}`);
      expect(load.accepted).toHaveLength(UNDER_LOAD);
      if (target === 'gateway') {
        // Requests made while it was down failed visibly (connection refused/reset or 5xx) and were not counted.
        expect(load.rejected.length).toBeGreaterThan(0);
        for (const r of load.rejected) expect(r.status === undefined || r.status >= 500, JSON.stringify(r)).toBe(true);
      }
      await checkNothingLostNothingTwice(`SIGKILL ${target}`, orgId, load, killAt, { downMs }, started);
    }, LONG);
  }

  it('SIGKILL the Kafka broker mid-run and restart it: every execution ends once, no duplicates', async () => {
    const started = Date.now();
    const { load, orgId, killAt, downMs } = await killMidRun('kafka', 'kill-kafka');
    expect(load.accepted).toHaveLength(UNDER_LOAD);
    await checkNothingLostNothingTwice('SIGKILL kafka', orgId, load, killAt, { downMs }, started);
  }, LONG);

  it('BotCore failing 100%: breakers open, executions fail fast with BREAKER_OPEN, then recover on their own', async () => {
    const started = Date.now();
    const { api, orgId, workflowId } = await newDrill('breaker');
    const { botcore } = system().standIns;
    await resetStandIn(botcore); // a clean request journal
    await knobs(botcore, { latencyMs: 30, errorRate: 1, errorStatus: 503 });

    // Watch the agent-runner's breaker gauge while the load runs.
    let gaugeMax = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const text = await fetch(`${system().opsUrls['agent-runner']}/metrics`).then((r) => r.text()).catch(() => '');
        const m = /^botwot_breaker_open\{[^}]*provider="botcore"[^}]*\}\s+([\d.]+)/m.exec(text);
        if (m) gaugeMax = Math.max(gaugeMax, Number(m[1]));
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const load = await runLoad(api, workflowId, { count: EXECUTIONS, concurrency: CONCURRENCY, tag: 'breaker' });
    const ids = load.accepted.map((a) => a.executionId);
    await waitForEnds(orgId, ids, 300_000);
    sampling = false;
    await sampler;
    const reachedBotCore = (await botcoreRequests()).filter((r) => r.path === '/qna' && String(r.body?.question).includes('ref=breaker-')).length;

    const idSet = new Set(ids);
    const { rows, agentLogs } = await withMongo(async (db) => ({
      rows: (await db.collection('workflow_executions').find({ orgId }).toArray()).filter((r) => idSet.has(String(r._id))),
      agentLogs: (await db.collection('execution_logs').find({ orgId, stepId: 'agent' }).toArray()).filter((l) => idSet.has(l.executionId)),
    }));
    const codes: Record<string, number> = {};
    for (const r of rows) codes[`${r.status}:${r.error?.code}:${r.error?.provider}`] = (codes[`${r.status}:${r.error?.code}:${r.error?.provider}`] ?? 0) + 1;
    const breakerOpen = codes['failed:BREAKER_OPEN:botcore'] ?? 0;
    const upstream503 = codes['failed:UPSTREAM_503:botcore'] ?? 0;
    const stepMs = agentLogs.map((l) => l.duration as number).sort((a, b) => a - b);
    const maxStepMs = stepMs[stepMs.length - 1] ?? Infinity;
    const { figures, problems } = await verifyOutcome(orgId, load.accepted, load.rejected.length);

    // Recovery: with the stand-in healthy again and nothing else done, new executions complete.
    await resetStandIn(botcore);
    await normalLatency();
    const resetAt = Date.now();
    const probes: Accepted[] = [];
    const recoveredAfterMs = await waitUntil('a new execution to complete after BotCore recovered', 60_000, async () => {
      const probe = await runLoad(api, workflowId, { count: 1, concurrency: 1, tag: 'breaker-probe' });
      probes.push(...probe.accepted);
      const id = probe.accepted[0]?.executionId as string;
      await waitForEnds(orgId, [id], 30_000);
      const row = await withMongo((db) => db.collection('workflow_executions').findOne({ _id: id as never }));
      return row?.status === 'completed' ? { done: Date.now() - resetAt } : { progress: `probe ${id} ${row?.status} ${row?.error?.code}` };
    });
    const after = await runLoad(api, workflowId, { count: 100, concurrency: CONCURRENCY, tag: 'breaker-after' });
    await waitForEnds(orgId, after.accepted.map((a) => a.executionId), 300_000);
    await waitForDrain(180_000);
    const recovered = await verifyOutcome(orgId, after.accepted, after.rejected.length);

    summary(
      'BotCore 100% 503',
      {
        executions: ids.length, completed: figures.completed, failed: figures.failed, breakerOpen, upstream503, reachedBotCore,
        maxFailedStepMs: maxStepMs, gaugeMax, probesUntilRecovery: probes.length, recoveredAfterMs,
        afterRecovery: `${recovered.figures.completed}/${after.accepted.length}`,
        duplicates: figures.duplicateEnds + figures.duplicateStepEvents + figures.duplicateLogRows + figures.duplicateDeliveries,
      },
      Date.now() - started,
    );
    expect(problems).toEqual([]);
    expect(gaugeMax, 'the agent-runner reported its BotCore breaker open').toBe(1);
    // Every execution failed at the agent step, with the provider named and a breaker or 503 code.
    expect(figures.failed).toBe(EXECUTIONS);
    expect(breakerOpen + upstream503).toBe(EXECUTIONS);
    // The breaker did the work: most failed without calling BotCore, and far fewer calls than tries reached it.
    expect(breakerOpen).toBeGreaterThan(EXECUTIONS / 2);
    expect(reachedBotCore).toBeLessThan(EXECUTIONS);
    // Fast: every failed step took far less than the 30 s step timeout.
    expect(agentLogs).toHaveLength(EXECUTIONS);
    expect(maxStepMs).toBeLessThan(5_000);
    // Recovered on its own, once the breaker's reset time (2 s in the test stack) allowed a trial call.
    expect(recoveredAfterMs).toBeLessThan(30_000);
    expect(recovered.problems).toEqual([]);
    expect(recovered.figures.completed).toBe(100);
  }, LONG);

  it('1,000 poison messages mixed into normal traffic all reach the dead-letter topic; normal executions complete', async () => {
    const started = Date.now();
    const { api, orgId, workflowId } = await newDrill('poison');
    const marker = randomUUID();
    const topics = [TOPICS.executionRequested, TOPICS.stepResults, TOPICS.triggerEvents] as const;
    const kinds = ['not-json', 'bad-schema', 'unknown-type', 'wrong-type'] as const;
    const envelope = (type: string, data: unknown) => ({ eventId: randomUUID(), type, version: 1, occurredAt: new Date().toISOString(), orgId: `org-poison-${marker}`, data });
    const valid = (type: 'trigger.received' | 'execution.requested') =>
      type === 'trigger.received'
        ? createEvent('trigger.received', { orgId: `org-poison-${marker}`, data: { triggerType: 'whatsapp', data: { message_text: 'poison' } } })
        : createEvent('execution.requested', {
            orgId: `org-poison-${marker}`,
            executionId: `poison-${randomUUID()}`,
            data: { workflowId: 'no-such-workflow', version: 1, userId: 'u', mode: 'live', triggerData: {} },
          });
    const poison = (i: number) => {
      const topic = topics[Math.floor(i / kinds.length) % topics.length] as (typeof topics)[number];
      const kind = kinds[i % kinds.length] as (typeof kinds)[number];
      const value =
        kind === 'not-json'
          ? `{not json ${i}`
          : kind === 'unknown-type'
            ? JSON.stringify(envelope('execution.exploded', {}))
            : kind === 'bad-schema'
              ? JSON.stringify(
                  topic === TOPICS.executionRequested
                    ? envelope('execution.requested', { workflowId: 42 })
                    : topic === TOPICS.stepResults
                      ? envelope('step.completed', { stepId: 7 })
                      : envelope('trigger.received', { triggerType: 'fax' }),
                )
              : JSON.stringify(valid(topic === TOPICS.triggerEvents ? 'execution.requested' : 'trigger.received'));
      return { topic, kind, key: `${marker}:${i}`, value };
    };
    const all = Array.from({ length: 1_000 }, (_, i) => poison(i));

    const producer = kafkaClient('fault-poison').producer();
    await producer.connect();
    let acceptedSoFar = 0;
    const publishing = (async () => {
      // 20 batches of 50, each released as the normal load progresses, so poison and work interleave
      for (let b = 0; b < 20; b++) {
        await waitUntil('the normal load to progress', 120_000, async () => (acceptedSoFar >= (b * UNDER_LOAD) / 20 ? { done: undefined } : { progress: `${acceptedSoFar}` }));
        const batch = all.slice(b * 50, b * 50 + 50);
        await producer.sendBatch({ topicMessages: topics.map((topic) => ({ topic, messages: batch.filter((p) => p.topic === topic).map(({ key, value }) => ({ key, value })) })) });
      }
    })();
    const load = await runLoad(api, workflowId, { count: UNDER_LOAD, concurrency: CONCURRENCY, ratePerSecond: RATE, tag: 'poison', onAccepted: (n) => (acceptedSoFar = n) });
    await publishing;
    await producer.disconnect();

    await waitForEnds(orgId, load.accepted.map((a) => a.executionId), 300_000);
    await waitForDrain(180_000);
    const dead = new Map<string, Record<string, string>[]>();
    await readTopicToEnd(TOPICS.deadLetter, (m) => {
      const key = m.key?.toString() ?? '';
      if (!key.startsWith(`${marker}:`)) return;
      const headers = Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, String(v)]));
      dead.set(key, [...(dead.get(key) ?? []), headers]);
    });
    const { figures, problems } = await verifyOutcome(orgId, load.accepted, load.rejected.length);
    const deadTotal = [...dead.values()].reduce((n, l) => n + l.length, 0);
    summary('poison x1000', { poisonSent: all.length, deadLettered: dead.size, deadLetterCopies: deadTotal, ...figures }, Date.now() - started);

    expect(problems).toEqual([]);
    expect(figures.completed).toBe(UNDER_LOAD);
    expect(dead.size, 'distinct poison messages on the dead-letter topic').toBe(1_000);
    expect(deadTotal, 'each dead-lettered once').toBe(1_000);
    const reasons = { 'not-json': /undecodable/, 'bad-schema': /^invalid "/, 'unknown-type': /unknown event type "execution.exploded"/, 'wrong-type': /does not belong on/ };
    const wrong: string[] = [];
    for (const p of all) {
      const h = dead.get(p.key)?.[0];
      if (!h) continue;
      if (h[DLQ_HEADERS.sourceTopic] !== p.topic || h[DLQ_HEADERS.service] !== 'orchestrator' || !reasons[p.kind].test(h[DLQ_HEADERS.reason] ?? '')) {
        wrong.push(`${p.key} ${p.kind} on ${p.topic}: ${JSON.stringify(h)}`);
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  }, LONG);

  it('SIGTERM a runner with steps in flight: it exits within its bound, and after restart every execution completes once', async () => {
    const started = Date.now();
    const { api, orgId, workflowId } = await newDrill('sigterm');
    const target = 'agent-runner';
    const latencyMs = 3_000;
    await resetStandIn(system().standIns.botcore);
    await knobs(system().standIns.botcore, { latencyMs });
    const logFile = path.join(repoRoot(), '.local', 'logs', `${target}-${process.env.BOTWOT_TEST_STACK ?? 'test'}.log`);
    const qnaOf = async () => (await botcoreRequests()).filter((r) => r.path === '/qna' && String(r.body?.question).includes('ref=sigterm-'));

    let strike: Promise<{ signalAt: number; exitMs: number; logFrom: number }> | undefined;
    const hit = async () => {
      const logFrom = fs.statSync(logFile).size;
      const signalAt = Date.now();
      await control(target, 'signal/SIGTERM');
      await waitUntil(`${target} to exit after SIGTERM`, 30_000, async () => ((await pidOf(target)) === undefined ? { done: undefined } : { progress: 'still running' }));
      return { signalAt, exitMs: Date.now() - signalAt, logFrom };
    };
    // Half the load first, until BotCore has answered agent calls (the pipeline is warm); then a
    // trickle at 20 executions a second for 5 s keeps agent calls arriving, each held `latencyMs`
    // by BotCore, so some are in flight whenever the signal comes within it (checked afterwards:
    // inFlightAtSignal). The strike waits for the trickle's own calls to be answered: counting the
    // first half's answers could strike after all of them and before the trickle reached BotCore.
    const first = await runLoad(api, workflowId, { count: EXECUTIONS / 2, concurrency: CONCURRENCY, tag: 'sigterm' });
    await waitUntil('BotCore to answer agent calls', 120_000, async () => ((await qnaOf()).length > 0 ? { done: undefined } : { progress: 'none yet' }));
    const trickleOf = async () => (await qnaOf()).filter((r) => String(r.body?.question).includes('ref=sigterm-trickle-'));
    const second = await runLoad(api, workflowId, {
      count: EXECUTIONS / 2,
      concurrency: 2,
      ratePerSecond: 20,
      tag: 'sigterm-trickle',
      onAccepted: (n) => {
        // the journal lists a call when it is answered, `latencyMs` after it reached BotCore
        if (!strike && n >= 4) {
          strike = waitUntil('agent calls of the trickle to be answered', 60_000, async () =>
            (await trickleOf()).length >= 4 ? { done: undefined } : { progress: 'not yet' },
          ).then(hit);
        }
      },
    });
    const load: LoadResult = { accepted: [...first.accepted, ...second.accepted], rejected: [...first.rejected, ...second.rejected] };
    expect(strike).toBeDefined();
    const { signalAt, exitMs, logFrom } = await strike!;
    const shutdownLog = fs.readFileSync(logFile, 'utf8').slice(logFrom);
    await control(target, 'restart');
    await normalLatency();

    const ids = load.accepted.map((a) => a.executionId);
    await waitForEnds(orgId, ids, 300_000);
    await waitForDrain(180_000);
    const qna = await qnaOf();
    // BotCore answers after `latencyMs`: a request received in that span before the signal was in flight at it.
    const inFlightAtSignal = qna.filter((r) => Date.parse(r.time) <= signalAt && Date.parse(r.time) > signalAt - latencyMs).length;
    const perRef = new Map<string, number>();
    for (const r of qna) {
      const ref = /ref=(\S+)/.exec(String(r.body.question))?.[1] ?? '';
      perRef.set(ref, (perRef.get(ref) ?? 0) + 1);
    }
    const redone = [...perRef.values()].filter((n) => n > 1).length;
    const { figures, problems } = await verifyOutcome(orgId, load.accepted, load.rejected.length);
    const rel = qna.map((r) => Date.parse(r.time) - signalAt).sort((a, b) => a - b);
    summary(`SIGTERM ${target}`, { ...figures, inFlightAtSignal, exitMs, agentStepsRedone: redone, qnaTimesVsSignal: `${rel[0]}..${rel[rel.length - 1]} before=${rel.filter((t) => t <= 0).length}` }, Date.now() - started);

    expect(inFlightAtSignal, 'agent steps in flight when SIGTERM arrived').toBeGreaterThan(0);
    expect(exitMs).toBeLessThan(15_000 + 1_000);
    expect(shutdownLog).not.toMatch(/shutdown took too long/);
    expect(problems).toEqual([]);
    expect(figures.completed).toBe(EXECUTIONS);
    // A graceful stop finishes and commits what it started: no agent step ran twice.
    expect(perRef.size).toBe(EXECUTIONS);
    expect(redone).toBe(0);
  }, LONG);
});
