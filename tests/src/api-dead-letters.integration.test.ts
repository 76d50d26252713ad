import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createEvent, ids, TOPICS } from '@botwot/shared/events';
import { DLQ_HEADERS, jsonCodec, registryCodec, type EventCodec } from '@botwot/shared/kafka';
import { apiAs, ended, eventually, type Api } from './api-client.js';

/**
 * GET /workFlow/dead-letters and POST /workFlow/dead-letters/replay on the real stack: an org sees
 * and replays only dead letters whose event is its own, never undecodable poison, with the checks
 * of the dead-letter tool (a second replay is `handled`).
 */

const system = inject('system');
const run = randomUUID().slice(0, 8);
let kafka: Kafka;
let producer: Producer;
let codec: EventCodec;
let a: Api;
let b: Api;

const headers = (reason: string) => ({
  [DLQ_HEADERS.reason]: reason,
  [DLQ_HEADERS.sourceTopic]: TOPICS.executionRequested,
  [DLQ_HEADERS.sourcePartition]: '0',
  // far past anything the test stack writes: no real message has these coordinates
  [DLQ_HEADERS.sourceOffset]: '999999998',
  [DLQ_HEADERS.service]: 'orchestrator',
  [DLQ_HEADERS.at]: new Date().toISOString(),
});

/** A valid request of `orgId`, dead-lettered on purpose, as a consumer does after giving up on it. */
async function deadLetterRequest(orgId: string, workflowId: string): Promise<string> {
  const executionId = randomUUID();
  const event = createEvent('execution.requested', {
    orgId,
    executionId,
    eventId: ids.requestedEvent(executionId),
    data: { workflowId, version: 1, userId: `user-of-${orgId}`, mode: 'live', triggerData: { phone_number: '+15550177', message_text: 'from the API' } },
  });
  await producer.send({ topic: TOPICS.deadLetter, acks: -1, messages: [{ key: executionId, value: await codec.encode(event), headers: { 'event-type': event.type, ...headers('handler failed: on purpose') } }] });
  return executionId;
}

const steps = [
  { stepId: 't', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'w' },
  { stepId: 'w', stepType: 'action', config: { actionType: 'send_whatsapp', messageTemplate: 'replayed {{message_text}}' } },
];

beforeAll(async () => {
  kafka = new Kafka({ clientId: 'api-dead-letters-test', brokers: system.kafkaBrokers, logLevel: logLevel.NOTHING });
  producer = kafka.producer();
  await producer.connect();
  codec = system.schemaRegistryUrl ? registryCodec(system.schemaRegistryUrl) : jsonCodec();
  a = await apiAs(`org-dlq-a-${run}`);
  b = await apiAs(`org-dlq-b-${run}`);
});
afterAll(async () => {
  await producer?.disconnect();
});

describe('dead letters over the API', () => {
  it("lists only the caller's own decodable dead letters, replays them once, and refuses another org's", async () => {
    const wfA = (await a.post('/workFlow', { name: 'dlq a', steps })).body.id as string;
    const wfB = (await b.post('/workFlow', { name: 'dlq b', steps })).body.id as string;
    const mine = await deadLetterRequest(a.orgId, wfA);
    const theirs = await deadLetterRequest(b.orgId, wfB);
    // poison that names org A: not a valid event, so no org ever sees it
    const poison = JSON.stringify({ eventId: `poison-${run}`, type: 'execution.requested', version: 1, occurredAt: new Date().toISOString(), orgId: a.orgId, executionId: `poison-${run}`, data: {} });
    await producer.send({ topic: TOPICS.deadLetter, acks: -1, messages: [{ key: `poison-${run}`, value: poison, headers: headers('invalid "execution.requested": on purpose') }] });

    const listA = await eventually(async () => {
      const res = await a.get('/workFlow/dead-letters?since=1h');
      return res.status === 200 && res.body.deadLetters.some((d: any) => d.executionId === mine) ? res.body : undefined;
    }, { what: "org A's dead letter in the list", timeoutMs: 60_000 });
    const dl = listA.deadLetters.find((d: any) => d.executionId === mine);
    expect(dl).toMatchObject({ eventType: 'execution.requested', reason: 'handler failed: on purpose', service: 'orchestrator', source: { topic: TOPICS.executionRequested, partition: 0 }, event: { orgId: a.orgId, executionId: mine } });
    expect(listA.deadLetters.every((d: any) => d.event.orgId === a.orgId)).toBe(true);
    expect(listA.deadLetters.some((d: any) => d.executionId === `poison-${run}`)).toBe(false);

    const listB = await eventually(async () => {
      const res = await b.get('/workFlow/dead-letters?since=1h');
      return res.body.deadLetters?.some((d: any) => d.executionId === theirs) ? res.body : undefined;
    }, { what: "org B's dead letter" });
    expect(listB.deadLetters.some((d: any) => d.executionId === mine)).toBe(false);
    const theirId = listB.deadLetters.find((d: any) => d.executionId === theirs).id as string;

    const dry = await a.post('/workFlow/dead-letters/replay', { ids: [dl.id, theirId], dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body.outcomes).toEqual([expect.objectContaining({ id: dl.id, status: 'would-replay', to: { topic: TOPICS.executionRequested } })]);
    expect(dry.body.notFound).toEqual([theirId]);

    const replayed = await a.post('/workFlow/dead-letters/replay', { ids: [dl.id] });
    expect(replayed.body.outcomes[0]).toMatchObject({ id: dl.id, status: 'replayed', executionId: mine });
    expect((await ended(a, mine, 60_000)).execution.status).toBe('completed');

    const again = await a.post('/workFlow/dead-letters/replay', { ids: [dl.id] });
    expect(again.body.outcomes[0]).toMatchObject({ id: dl.id, status: 'handled' });
  });

  it('answers 400 for bad ids and times', async () => {
    const badIds = await a.post('/workFlow/dead-letters/replay', { ids: ['three'] });
    expect(badIds.status).toBe(400);
    expect(badIds.body.error.code).toBe('VALIDATION_FAILED');
    const badSince = await a.get('/workFlow/dead-letters?since=yesterday');
    expect(badSince.status).toBe(400);
    expect(badSince.body.error.details[0].field).toBe('since');
  });
});
