import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectMongo, createModels, type Models } from '@botwot/shared/db';
import { createEvent, type AnyEvent } from '@botwot/shared/events';
import type { StagedMessage } from '@botwot/shared/kafka';
import { createLogger, createMetrics } from '@botwot/shared/observability';
import type { Connection } from 'mongoose';
import { createHandlers, type Row } from '../../services/log-sink/src/handlers/index.js';
import { createRowWriter } from '../../services/log-sink/src/write-rows.js';

/**
 * The log-sink's commit stage against the real Mongo-wire server, fed lifecycle events directly:
 * executions numbered in start order and per ended status, a redelivered cycle changing nothing,
 * the first ending winning, and a new owner of the partition starting from what is stored.
 */

let conn: Connection;
let models: Models;
const orgId = `org-rows-${randomUUID().slice(0, 8)}`;
const handlers = createHandlers();

beforeAll(async () => {
  conn = await connectMongo(inject('system').mongoUrl, { appName: 'rows-test' });
  models = createModels(conn);
});
afterAll(async () => {
  await conn?.close();
});

let offset = 0;
async function staged(event: AnyEvent, epoch = 1, at?: number): Promise<StagedMessage<Row>> {
  const handler = handlers[event.type as keyof typeof handlers] as (e: AnyEvent) => Promise<{ records: Row[] }>;
  const { records } = await handler(event);
  return { event, records, source: { topic: 'workflow.execution.events', partition: 0, offset: String(at ?? offset++), epoch }, drop: () => undefined };
}

const t = (s: number) => new Date(Date.UTC(2026, 11, 1, 12, 0, s)).toISOString();
const started = (workflowId: string, executionId: string, s: number) =>
  createEvent('execution.started', { orgId, executionId, data: { workflowId, version: 1, userId: 'u', mode: 'live', triggerData: { n: s }, startedAt: t(s), deadlineAt: t(s + 600) } });
const completed = (workflowId: string, executionId: string, s: number) =>
  createEvent('execution.completed', { orgId, executionId, eventId: `${executionId}:completed`, data: { workflowId, finalOutput: {}, completedAt: t(s), totalDurationMs: 1000 } });
const failed = (workflowId: string, executionId: string, s: number, eventId = `${executionId}:failed`) =>
  createEvent('execution.failed', { orgId, executionId, eventId, data: { workflowId, error: { code: 'X', message: 'm', kind: 'non_retryable' }, completedAt: t(s), totalDurationMs: 1000 } });

describe('the log-sink writes a cycle of rows', () => {
  it('numbers executions as they start and as they end per status; a redelivered cycle changes nothing', async () => {
    const wf = `wf-${randomUUID().slice(0, 8)}`;
    const stage = createRowWriter({ models, metrics: createMetrics('rows-test'), logger: createLogger('rows-test', 'silent') });
    const first = [await staged(started(wf, `${wf}-a`, 1)), await staged(started(wf, `${wf}-b`, 2)), await staged(completed(wf, `${wf}-a`, 3))];
    await stage(first);
    const second = [await staged(failed(wf, `${wf}-b`, 4)), await staged(started(wf, `${wf}-c`, 5)), await staged(completed(wf, `${wf}-c`, 6))];
    await stage(second);
    // the same two cycles again, as after a crash before the offsets were committed
    await stage(first);
    await stage(second);

    const rows = await models.Execution.collection.find({ workflowId: wf } as never).toArray();
    const byId = new Map(rows.map((r) => [String(r._id), r]));
    expect(rows).toHaveLength(3);
    expect([`${wf}-a`, `${wf}-b`, `${wf}-c`].map((id) => byId.get(id)?.seq)).toEqual([1, 2, 3]);
    expect(byId.get(`${wf}-a`)).toMatchObject({ status: 'completed', statusSeq: 1 });
    expect(byId.get(`${wf}-c`)).toMatchObject({ status: 'completed', statusSeq: 2 });
    expect(byId.get(`${wf}-b`)).toMatchObject({ status: 'failed', statusSeq: 1 });
    const stats = await models.ExecutionStats.collection.findOne({ _id: wf } as never);
    expect(stats).toMatchObject({ seq: 3, ended: { completed: 2, failed: 1, cancelled: 0 } });
  });

  it('keeps the first ending; a member new to the partition continues the numbering from what is stored', async () => {
    const wf = `wf-${randomUUID().slice(0, 8)}`;
    const one = createRowWriter({ models, metrics: createMetrics('rows-test'), logger: createLogger('rows-test', 'silent') });
    await one([await staged(started(wf, `${wf}-a`, 1), 7)]);
    await one([await staged(completed(wf, `${wf}-a`, 2), 7)]);
    // the deadline sweeper's late ending of the same execution: ignored
    await one([await staged(failed(wf, `${wf}-a`, 3, `${wf}-a:deadline`), 7)]);
    // another member (or this one after a rebalance: a new epoch) goes on
    const two = createRowWriter({ models, metrics: createMetrics('rows-test'), logger: createLogger('rows-test', 'silent') });
    await two([await staged(started(wf, `${wf}-b`, 4), 8), await staged(failed(wf, `${wf}-b`, 5), 8)]);
    const rows = await models.Execution.collection.find({ workflowId: wf } as never).toArray();
    const byId = new Map(rows.map((r) => [String(r._id), r]));
    expect(byId.get(`${wf}-a`)).toMatchObject({ status: 'completed', statusSeq: 1, seq: 1 });
    expect(byId.get(`${wf}-b`)).toMatchObject({ status: 'failed', statusSeq: 1, seq: 2 });
  });
});
