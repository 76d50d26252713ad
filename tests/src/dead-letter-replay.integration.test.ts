import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectMongo } from '@botwot/shared/db';
import { createEvent, ids, TOPICS, type AnyEvent } from '@botwot/shared/events';
import { DLQ_HEADERS, jsonCodec, registryCodec, type EventCodec } from '@botwot/shared/kafka';
import { repoRoot } from '@botwot/launcher';
import type { Connection } from 'mongoose';
import { createDlqTool, createMongoReplayLedger, parseDeadLetterId, type DeadLetter, type DlqTool } from '@botwot/tools';
import { describeReplayLedgerContract } from '../../shared/src/dead-letters/replay-ledger.contract.js';
import { apiAs, ended, eventually, type Api } from './api-client.js';

const run = promisify(execFile);

/**
 * The dead-letter tool on the real stack: a poison message dead-lettered by the orchestrator, and a
 * valid request dead-lettered on purpose (written straight to workflow.dead-letter, as a consumer
 * would after giving up on it), replayed with the tool.
 */
describe('replaying dead letters with the tool', () => {
  const system = () => inject('system');
  let kafka: Kafka;
  let producer: Producer;
  let codec: EventCodec;
  let mongo: MongoClient;
  let tool: DlqTool;

  beforeAll(async () => {
    kafka = new Kafka({ clientId: 'dlq-replay-test', brokers: system().kafkaBrokers, logLevel: logLevel.NOTHING });
    producer = kafka.producer();
    await producer.connect();
    const registry = system().schemaRegistryUrl;
    codec = registry ? registryCodec(registry) : jsonCodec();
    mongo = new MongoClient(system().mongoUrl);
    tool = createDlqTool({
      kafka,
      connectMongo: () => connectMongo(system().mongoUrl, { appName: 'dlq-replay-test' }),
      wireFormat: registry !== undefined,
      readTimeoutMs: 30_000,
    });
  });

  afterAll(async () => {
    await tool?.close();
    await producer?.disconnect();
    await mongo?.close();
  });

  /** trigger → send_whatsapp to the trigger's phone number: one WhatsApp request per run. */
  async function createWorkflow(api: Api): Promise<string> {
    const created = await api.post('/workFlow', {
      name: 'replayed from the dead-letter topic',
      steps: [
        { stepId: 't', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'w' },
        { stepId: 'w', stepType: 'action', config: { actionType: 'send_whatsapp', recipient: 'trigger', messageTemplate: 'replayed {{message_text}}' } },
      ],
    });
    expect(created.status).toBe(201);
    return created.body.id as string;
  }

  /** A valid request, dead-lettered on purpose: the orchestrator never saw it. Resolves to its dead-letter id. */
  async function deadLetterOnPurpose(opts: { orgId: string; workflowId: string; executionId: string }): Promise<string> {
    const event: AnyEvent = createEvent('execution.requested', {
      orgId: opts.orgId,
      executionId: opts.executionId,
      eventId: ids.requestedEvent(opts.executionId),
      data: { workflowId: opts.workflowId, version: 1, userId: `user-of-${opts.orgId}`, mode: 'live', triggerData: { phone_number: '+15550199', message_text: 'from the DLQ' } },
    });
    const since = Date.now() - 60_000;
    await producer.send({
      topic: TOPICS.deadLetter,
      acks: -1,
      messages: [
        {
          key: opts.executionId,
          value: await codec.encode(event),
          headers: {
            'event-type': event.type,
            [DLQ_HEADERS.reason]: 'handler failed after 5 tries: dead-lettered on purpose by the test',
            [DLQ_HEADERS.sourceTopic]: TOPICS.executionRequested,
            // far past anything this test stack writes, so no real message has these coordinates
            [DLQ_HEADERS.sourcePartition]: '0',
            [DLQ_HEADERS.sourceOffset]: '999999999',
            [DLQ_HEADERS.service]: 'orchestrator',
            [DLQ_HEADERS.at]: new Date().toISOString(),
          },
        },
      ],
    });
    const dl = await eventually(async () => (await tool.list({ org: opts.orgId, since })).deadLetters.find((d) => d.content.hints.executionId === opts.executionId), {
      timeoutMs: 30_000,
      what: 'the dead letter written on purpose',
    });
    return dl.id;
  }

  /** Garbage published to a topic the orchestrator consumes: it dead-letters it. Resolves to the dead letter. */
  async function poisonThroughThePipeline(): Promise<DeadLetter> {
    const key = `poison-${randomUUID()}`;
    const since = Date.now() - 60_000;
    await producer.send({ topic: TOPICS.executionRequested, acks: -1, messages: [{ key, value: `{this is not json ${key}` }] });
    return eventually(async () => (await tool.list({ topic: TOPICS.executionRequested, since })).deadLetters.find((d) => d.key?.toString() === key), {
      timeoutMs: 60_000,
      what: 'the orchestrator to dead-letter the poison message',
    });
  }

  /** Messages on the source topic: what the tool sent is exactly the difference. */
  async function requestCount(): Promise<number> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      return (await admin.fetchTopicOffsets(TOPICS.executionRequested)).reduce((sum, p) => sum + Number(p.high), 0);
    } finally {
      await admin.disconnect();
    }
  }

  async function whatsappRequestsFor(executionId: string): Promise<number> {
    const res = await fetch(`${system().standIns.whatsapp}/__admin/requests`);
    const { requests } = (await res.json()) as { requests: { headers: Record<string, string> }[] };
    return requests.filter((r) => r.headers['idempotency-key']?.includes(executionId)).length;
  }

  it('runs a valid dead letter once, reports a poison one as poison again, and runs nothing on a second replay', async () => {
    const orgId = `org-dlq-replay-${randomUUID().slice(0, 8)}`;
    const api = await apiAs(orgId);
    const workflowId = await createWorkflow(api);
    const executionId = `dlq-replay-${randomUUID()}`;
    const poison = await poisonThroughThePipeline();
    expect(poison.reason).toMatch(/^undecodable: /);
    expect(poison.content.kind).toBe('poison');
    const validId = await deadLetterOnPurpose({ orgId, workflowId, executionId });
    const db = mongo.db();
    expect(await db.collection('workflow_executions').countDocuments({ workflowId })).toBe(0);

    // A dry run says what would happen and sends nothing.
    const before = await requestCount();
    const both = [parseDeadLetterId(poison.id), parseDeadLetterId(validId)];
    const dry = await tool.replay({ ids: both, filters: {} }, { dryRun: true, force: false });
    expect(dry.outcomes.map((o) => [o.dl.id, o.status])).toEqual([
      [poison.id, 'poison'],
      [validId, 'would-replay'],
    ]);
    expect(await requestCount()).toBe(before);

    // The replay sends the valid one, once, and reports the poison one again without sending it.
    const replay = await tool.replay({ ids: both, filters: {} }, { dryRun: false, force: false });
    const byId = new Map(replay.outcomes.map((o) => [o.dl.id, o]));
    expect(byId.get(poison.id)).toMatchObject({ status: 'poison', why: expect.stringMatching(/^undecodable: .*would only dead-letter it again/) });
    const sent = byId.get(validId);
    expect(sent?.status).toBe('replayed');
    expect(await requestCount()).toBe(before + 1);

    const { execution, logs } = await ended(api, executionId, 60_000);
    expect(execution.status).toBe('completed');
    expect(logs.map((l: { stepId: string }) => l.stepId)).toEqual(['t', 'w']);
    expect(await db.collection('workflow_executions').countDocuments({ workflowId })).toBe(1);
    expect(await db.collection('execution_logs').countDocuments({ executionId })).toBe(2);
    expect(await whatsappRequestsFor(executionId)).toBe(1);
    // it ran from the replayed message: that message holds the start claim
    const to = sent?.status === 'replayed' ? sent.to : undefined;
    expect(await db.collection('orchestrator_claims').findOne({ _id: ids.startClaim(executionId) as never })).toMatchObject({ holder: `${to?.topic}/${to?.partition}/${to?.offset}` });

    // A second replay finds it handled and sends nothing.
    const again = await tool.replay({ ids: [parseDeadLetterId(validId)], filters: {} }, { dryRun: false, force: false });
    expect(again.outcomes).toMatchObject([{ status: 'handled', why: `already handled: execution ${executionId} exists (completed)` }]);
    expect(await requestCount()).toBe(before + 1);
    expect(await db.collection('workflow_executions').countDocuments({ workflowId })).toBe(1);
    expect(await whatsappRequestsFor(executionId)).toBe(1);
  });

  it('replays a request that took its claim itself before it was dead-lettered, releasing the claim, and it runs once', async () => {
    const orgId = `org-dlq-claim-${randomUUID().slice(0, 8)}`;
    const api = await apiAs(orgId);
    const workflowId = await createWorkflow(api);
    const executionId = `dlq-claim-${randomUUID()}`;
    // As when the orchestrator took the start claim and then dead-lettered the message instead of sending
    // its outputs (e.g. one too large): the claim names the dead-lettered message's own source.
    const claims = mongo.db().collection('orchestrator_claims');
    const ownHolder = `${TOPICS.executionRequested}/0/999999999`;
    await claims.insertOne({ _id: ids.startClaim(executionId) as never, holder: ownHolder, day: new Date().toISOString().slice(0, 10) });
    const validId = await deadLetterOnPurpose({ orgId, workflowId, executionId });

    const { outcomes } = await tool.replay({ ids: [parseDeadLetterId(validId)], filters: {} }, { dryRun: false, force: false });
    expect(outcomes).toMatchObject([{ status: 'replayed', notes: [`claim ${ids.startClaim(executionId)} was taken by this very message before it was dead-lettered (nothing it produced was sent): released first`] }]);
    expect((await ended(api, executionId, 60_000)).execution.status).toBe('completed');
    expect(await whatsappRequestsFor(executionId)).toBe(1);
    // the replayed message took the claim afresh
    const to = outcomes[0]?.status === 'replayed' ? outcomes[0].to : undefined;
    expect(await claims.findOne({ _id: ids.startClaim(executionId) as never })).toMatchObject({ holder: `${to?.topic}/${to?.partition}/${to?.offset}` });
  });

  it('works from the command line: list, show, replay --dry-run, replay', async () => {
    const orgId = `org-dlq-cli-${randomUUID().slice(0, 8)}`;
    const api = await apiAs(orgId);
    const workflowId = await createWorkflow(api);
    const executionId = `dlq-cli-${randomUUID()}`;
    const poison = await poisonThroughThePipeline();
    const validId = await deadLetterOnPurpose({ orgId, workflowId, executionId });
    const cli = (...args: string[]) =>
      run(process.execPath, [path.join(repoRoot(), 'tools/dist/cli.js'), ...args], {
        env: {
          ...process.env,
          KAFKA_BROKERS: system().kafkaBrokers.join(','),
          MONGO_URL: system().mongoUrl,
          SCHEMA_REGISTRY_URL: system().schemaRegistryUrl ?? 'off',
        },
        timeout: 90_000,
      });

    const listed = await cli('list', '--org', orgId, '--json');
    const lines = listed.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([expect.objectContaining({ id: validId, type: 'execution.requested', orgId, executionId, valid: true, sourceTopic: TOPICS.executionRequested })]);

    const shown = await cli('show', poison.id);
    expect(shown.stdout).toContain(`dead letter ${poison.id}`);
    expect(shown.stdout).toMatch(/status: {2}poison: undecodable: /);
    expect(shown.stdout).toContain('{this is not json poison-');
    expect(shown.stdout).toContain(`${DLQ_HEADERS.sourceTopic}: ${TOPICS.executionRequested}`);

    const before = await requestCount();
    const dry = await cli('replay', validId, poison.id, '--dry-run');
    expect(dry.stdout).toContain(`${validId}  would replay  execution.requested org=${orgId} exec=${executionId} → ${TOPICS.executionRequested}`);
    expect(dry.stdout).toContain(`${poison.id}  poison: undecodable: `);
    expect(dry.stderr).toContain('dry run: 1 would replay, 1 poison');
    expect(await requestCount()).toBe(before);

    const replayed = await cli('replay', validId);
    expect(replayed.stdout).toContain(`${validId}  replayed  execution.requested`);
    expect((await ended(api, executionId, 60_000)).execution.status).toBe('completed');
    expect(await whatsappRequestsFor(executionId)).toBe(1);
  });
});

// The ledger that stops a second replay of a step still under way, on the real Mongo-wire server.
let ledgerConn: Connection | undefined;
describeReplayLedgerContract('Mongo, on the real Mongo-wire server', async () => {
  ledgerConn ??= await connectMongo(inject('system').mongoUrl, { appName: 'dlq-ledger-contract' });
  return createMongoReplayLedger(ledgerConn);
});
afterAll(async () => {
  await ledgerConn?.close();
});
