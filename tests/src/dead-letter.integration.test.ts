import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, inject, it } from 'vitest';
import { DLQ_HEADERS } from '@botwot/shared/kafka';
import { TOPICS } from '@botwot/shared/events';
import { apiAs, ended } from './api-client.js';

describe('poison messages', () => {
  it('go to the dead-letter topic with their reason and source while the consumer keeps going', async () => {
    const system = inject('system');
    const kafka = new Kafka({ clientId: 'dlq-test', brokers: system.kafkaBrokers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    const consumer = kafka.consumer({ groupId: `dlq-test-${randomUUID()}` });
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic: TOPICS.deadLetter, fromBeginning: true });
    const seen = new Map<string, Record<string, string>>();
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
        seen.set(message.key?.toString() ?? '', headers);
      },
    });

    const marker = randomUUID();
    const poison = [
      { key: `${marker}-not-json`, value: '{this is not json' },
      { key: `${marker}-bad-schema`, value: JSON.stringify({ eventId: 'x', type: 'execution.requested', version: 1, occurredAt: new Date().toISOString(), orgId: 'o', data: { workflowId: 42 } }) },
      { key: `${marker}-no-envelope`, value: JSON.stringify({ hello: 'world' }) },
      { key: `${marker}-unknown-type`, value: JSON.stringify({ eventId: 'y', type: 'execution.exploded', version: 1, occurredAt: new Date().toISOString(), orgId: 'o', data: {} }) },
    ];
    await producer.send({ topic: TOPICS.executionRequested, messages: poison });

    // A normal execution published after the poison still completes.
    const api = await apiAs('org-dlq');
    const wf = await api.post('/workFlow', {
      name: 'after poison',
      steps: [
        { stepId: 't', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'a' },
        { stepId: 'a', stepType: 'action', config: { actionType: 'send_whatsapp', messageTemplate: 'hi' } },
      ],
    });
    const run = await api.post(`/workFlow/${wf.body.id}/execute`, { triggerData: { phone_number: '+15550001', message_text: 'x' } });
    expect((await ended(api, run.body.executionId)).execution.status).toBe('completed');

    const deadline = Date.now() + 30_000;
    while (poison.some((p) => !seen.has(p.key)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await consumer.disconnect();
    await producer.disconnect();

    for (const p of poison) {
      const headers = seen.get(p.key);
      expect(headers, p.key).toBeDefined();
      expect(headers?.[DLQ_HEADERS.sourceTopic]).toBe(TOPICS.executionRequested);
      expect(headers?.[DLQ_HEADERS.sourcePartition]).toMatch(/^\d+$/);
      expect(headers?.[DLQ_HEADERS.sourceOffset]).toMatch(/^\d+$/);
      expect(headers?.[DLQ_HEADERS.service]).toBe('orchestrator');
    }
    expect(seen.get(`${marker}-not-json`)?.[DLQ_HEADERS.reason]).toMatch(/undecodable/);
    expect(seen.get(`${marker}-bad-schema`)?.[DLQ_HEADERS.reason]).toMatch(/invalid "execution.requested"/);
    expect(seen.get(`${marker}-no-envelope`)?.[DLQ_HEADERS.reason]).toMatch(/not an event envelope/);
    expect(seen.get(`${marker}-unknown-type`)?.[DLQ_HEADERS.reason]).toMatch(/unknown event type "execution.exploded"/);
  });
});
