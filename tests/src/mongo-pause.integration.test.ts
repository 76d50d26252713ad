import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, inject, it } from 'vitest';
import { createEvent, TOPICS } from '@botwot/shared/events';
import { apiAs } from './api-client.js';
import { FAULT_WORKFLOW, readTopicToEnd, runLoad, summary, verifyOutcome, waitForDrain, waitForEnds, waitUntil, withMongo } from './fault-harness.js';

/**
 * The Mongo-wire server paused (SIGSTOP: connections stay open, nothing answers) for a minute
 * while executions and trigger events arrive: every consumer waits instead of dead-lettering, and
 * once it resumes every accepted execution and every trigger event runs exactly once.
 */

const PAUSE_MS = 60_000;

async function signal(name: string, sig: 'SIGSTOP' | 'SIGCONT') {
  const res = await fetch(`${inject('system').controlUrl}/processes/${name}/signal/${sig}`, { method: 'POST' });
  expect(res.status).toBe(200);
}

describe('a database that stops answering', () => {
  it('pauses every consumer for a minute; after it resumes, everything runs once and nothing is dead-lettered', async () => {
    const t0 = Date.now();
    const system = inject('system');
    const orgId = `org-mongo-pause-${randomUUID().slice(0, 6)}`;
    const api = await apiAs(orgId);
    const created = await api.post('/workFlow', FAULT_WORKFLOW);
    expect(created.status).toBe(201);
    const workflowId = created.body.id as string;
    const kafka = new Kafka({ clientId: 'mongo-pause', brokers: system.kafkaBrokers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const deadBefore = await readTopicToEnd(TOPICS.deadLetter, () => undefined);

    // a first share of executions is accepted before the pause
    const before = await runLoad(api, workflowId, { count: 100, concurrency: 4, ratePerSecond: 50, tag: 'pause-before' });
    const servers = system.postgresUrl ? ['mongo', 'postgres'] : ['mongo'];
    for (const s of servers) await signal(s, 'SIGSTOP');
    const pausedAt = Date.now();
    // trigger events published while it is paused: the orchestrator cannot read which workflows match
    const triggers = Array.from({ length: 20 }, (_, i) =>
      createEvent('trigger.received', { orgId, eventId: `pause-${randomUUID()}`, data: { triggerType: 'whatsapp', data: { phone_number: `+91980000${String(i).padStart(4, '0')}`, message_text: `during the pause ref=pause-trigger-${i}` } } }),
    );
    await producer.send({ topic: TOPICS.triggerEvents, messages: triggers.map((e) => ({ key: orgId, value: JSON.stringify(e) })) });
    await new Promise((r) => setTimeout(r, Math.max(0, PAUSE_MS - (Date.now() - pausedAt))));
    for (const s of [...servers].reverse()) await signal(s, 'SIGCONT');

    await waitForEnds(orgId, before.accepted.map((a) => a.executionId), 300_000);
    // every trigger event started one execution of the workflow (its trigger is whatsapp)
    const triggered = (await waitUntil('the trigger events to have run', 300_000, async () => {
      const rows = await withMongo((db) => db.collection('workflow_executions').find({ orgId, _id: { $regex: '^trg-' } } as never).project({ _id: 1, status: 1 }).toArray());
      return rows.length >= triggers.length && rows.every((r) => r.status !== 'running') ? { done: rows } : { progress: `${rows.length} started` };
    })) as { _id: unknown; status?: string }[];
    await waitForDrain(180_000);
    const { figures, problems } = await verifyOutcome(orgId, before.accepted, before.rejected.length);
    const deadAfter = await readTopicToEnd(TOPICS.deadLetter, () => undefined);
    summary('mongo paused 60 s', { ...figures, triggered: triggered.length, deadLettered: deadAfter - deadBefore }, Date.now() - t0);
    await producer.disconnect();

    expect(problems).toEqual([]);
    expect(figures.completed).toBe(before.accepted.length);
    expect(triggered).toHaveLength(triggers.length);
    expect(triggered.every((r) => r.status === 'completed')).toBe(true);
    expect(deadAfter - deadBefore, 'nothing dead-lettered').toBe(0);
  }, 600_000);
});
