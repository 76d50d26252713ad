import { MongoClient } from 'mongodb';
import { describe, expect, inject, it } from 'vitest';
import { apiAs, ended } from './api-client.js';

const phone = '+919876543210';

describe('one workflow end to end: gateway → Kafka → orchestrator → agent-runner → action-runner → log-sink → Mongo', () => {
  it('runs trigger → conversational agent → send_whatsapp and records three step logs in order', async () => {
    const system = inject('system');
    const api = await apiAs('org-e2e');

    const created = await api.post('/workFlow', {
      name: 'answer on whatsapp',
      steps: [
        { stepId: 'trigger', stepType: 'trigger', config: { triggerType: 'whatsapp' }, nextStepId: 'agent' },
        { stepId: 'agent', stepType: 'agent', config: { agentType: 'conversational', inputText: '{{message_text}}' }, nextStepId: 'reply' },
        { stepId: 'reply', stepType: 'action', config: { actionType: 'send_whatsapp', recipient: 'trigger', messageTemplate: 'Bot says: {{agent_response}}' } },
      ],
    });
    expect(created.status).toBe(201);
    expect(created.body.version).toBe(1);

    const started = await api.post(`/workFlow/${created.body.id}/execute`, { triggerData: { phone_number: phone, message_text: 'What are your opening hours?', message_id: 'wamid.in-1' } });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ success: true, status: 'running' });
    const executionId: string = started.body.executionId;

    const { execution, logs } = await ended(api, executionId);
    expect(execution.status).toBe('completed');
    expect(execution.workflowId).toBe(created.body.id);
    expect(execution.version).toBe(1);
    expect(execution.totalDuration).toBeGreaterThanOrEqual(0);

    expect(logs.map((l) => [l.stepOrder, l.stepId, l.stepType, l.status])).toEqual([
      [0, 'trigger', 'trigger', 'completed'],
      [1, 'agent', 'agent', 'completed'],
      [2, 'reply', 'action', 'completed'],
    ]);
    for (const log of logs) {
      expect(typeof log.duration).toBe('number');
      expect(log.input).toBeTypeOf('object');
      expect(log.output).toBeTypeOf('object');
    }
    expect(logs[0].output).toMatchObject({ phone_number: phone, message_text: 'What are your opening hours?', message_id: 'wamid.in-1' });
    expect(logs[1].input).toMatchObject({ agentType: 'conversational', inputText: 'What are your opening hours?' });
    expect(logs[1].output.agent_response).toBe('Answer to: What are your opening hours?');
    expect(logs[2].input.messageTemplate).toBe('Bot says: Answer to: What are your opening hours?');
    expect(logs[2].output).toMatchObject({ message_sent: true, status: 'sent', recipient: phone });

    // The message really reached the WhatsApp Cloud API stand-in, once, with the idempotency key.
    const deliveries = (await (await fetch(`${system.standIns.whatsapp}/__admin/deliveries`)).json()) as { deliveries: any[] };
    const mine = deliveries.deliveries.filter((d) => JSON.stringify(d).includes(executionId));
    expect(mine).toHaveLength(1);
    expect(JSON.stringify(mine[0])).toContain('Bot says: Answer to: What are your opening hours?');
    expect(logs[2].output.message_id).toMatch(/^wamid\./);

    // And the rows are in the Mongo-wire server the test stack started, not anywhere else.
    const mongo = new MongoClient(system.mongoUrl);
    try {
      const db = mongo.db();
      expect(await db.collection('workflow_executions').findOne({ _id: executionId as never })).toMatchObject({ status: 'completed', orgId: 'org-e2e' });
      expect(await db.collection('execution_logs').countDocuments({ executionId })).toBe(3);
      const hello = await db.admin().command({ buildInfo: 1 });
      expect(hello.ferretdb ?? hello.version).toBeDefined();
    } finally {
      await mongo.close();
    }
  });
});
