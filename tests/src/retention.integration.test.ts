import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectMongo, createModels, type Models } from '@botwot/shared/db';
import { createEvent, type AnyEvent } from '@botwot/shared/events';
import type { StagedMessage } from '@botwot/shared/kafka';
import { createLogger, createMetrics } from '@botwot/shared/observability';
import type { Connection } from 'mongoose';
import { createHandlers, type Row } from '../../services/log-sink/src/handlers/index.js';
import { createRetentionSweep } from '../../services/log-sink/src/retention.js';
import { createRowWriter } from '../../services/log-sink/src/write-rows.js';
import { createMongoExecutionStore } from '../../services/gateway/src/stores/execution-store.js';

/**
 * Retention on the real Mongo-wire server: executions and step logs whose start day is past the
 * window go, running ones and recent ones stay, and the gateway's list counts and pages from the
 * first execution kept.
 */

let conn: Connection;
let models: Models;
const orgId = `org-ret-${randomUUID().slice(0, 8)}`;
const handlers = createHandlers();
const logger = createLogger('retention-test', 'silent');
const DAY = 86_400_000;
const now = Date.UTC(2026, 10, 20, 12, 0, 0);

beforeAll(async () => {
  conn = await connectMongo(inject('system').mongoUrl, { appName: 'retention-test' });
  models = createModels(conn);
});
afterAll(async () => {
  await conn?.close();
});

let offset = 0;
async function staged(event: AnyEvent): Promise<StagedMessage<Row>> {
  const handler = handlers[event.type as keyof typeof handlers] as (e: AnyEvent) => Promise<{ records: Row[] }>;
  const { records } = await handler(event);
  return { event, records, source: { topic: 'workflow.execution.events', partition: 0, offset: String(offset++), epoch: 1 }, drop: () => undefined };
}

/** one execution started `daysAgo` days before `now`, with one step, completed unless `running` */
function execution(workflowId: string, executionId: string, daysAgo: number, running = false): AnyEvent[] {
  const at = (ms: number) => new Date(now - daysAgo * DAY + ms).toISOString();
  // the running one's deadline lies ahead of the real clock, so the stack's deadline sweeper leaves it alone
  const deadlineAt = running ? new Date(Date.now() + DAY).toISOString() : at(600_000);
  const events: AnyEvent[] = [
    createEvent('execution.started', { orgId, executionId, data: { workflowId, version: 1, userId: 'u', mode: 'live', triggerData: { daysAgo }, startedAt: at(0), deadlineAt } }),
    createEvent('step.recorded', {
      orgId,
      executionId,
      data: { workflowId, stepId: 's1', stepType: 'utility', nodeType: 'utility/sentiment', stepOrder: 1, status: 'completed', input: {}, output: { ok: true }, attempts: 1, tries: [], startedAt: at(10), completedAt: at(20), durationMs: 10 },
    }),
  ];
  if (!running) events.push(createEvent('execution.completed', { orgId, executionId, eventId: `${executionId}:completed`, data: { workflowId, finalOutput: {}, completedAt: at(30), totalDurationMs: 30 } }));
  return events;
}

describe('execution retention', () => {
  it('deletes ended executions and their logs past the window, keeps running and recent ones, and lists count from what is kept', async () => {
    const wf = `wf-${randomUUID().slice(0, 8)}`;
    const stage = createRowWriter({ models, metrics: createMetrics('retention-test'), logger });
    // oldest first, as they would have started; the one 12 days old never ended
    const events = [
      ...execution(wf, `${wf}-40d`, 40),
      ...execution(wf, `${wf}-20d`, 20),
      ...execution(wf, `${wf}-stuck`, 12, true),
      ...execution(wf, `${wf}-10d`, 10),
      ...execution(wf, `${wf}-3d`, 3),
      ...execution(wf, `${wf}-1d`, 1),
      ...execution(wf, `${wf}-0d`, 0),
    ];
    for (const e of events) await stage([await staged(e)]);

    const store = createMongoExecutionStore(models);
    const before = await store.list({ orgId, workflowId: wf, skip: 0, limit: 50 });
    expect(before.total).toBe(7);

    const sweep = createRetentionSweep({ models, retentionDays: 7, logger, now: () => now });
    const removed = await sweep();
    expect(removed.executions).toBeGreaterThanOrEqual(3);

    const left = (await models.Execution.collection.find({ workflowId: wf } as never).toArray()).map((r) => String(r._id)).sort();
    expect(left).toEqual([`${wf}-0d`, `${wf}-1d`, `${wf}-3d`, `${wf}-stuck`].sort());
    const logs = await models.ExecutionLog.collection.find({ orgId, executionId: { $in: [`${wf}-40d`, `${wf}-20d`, `${wf}-10d`] } } as never).toArray();
    expect(logs).toHaveLength(0);
    expect(await store.logs(orgId, `${wf}-3d`)).toHaveLength(1);

    // lists count from the first execution kept; the stuck running one is still found by status
    const all = await store.list({ orgId, workflowId: wf, skip: 0, limit: 50 });
    expect(all.items.map((e) => e.executionId)).toEqual([`${wf}-0d`, `${wf}-1d`, `${wf}-3d`]);
    expect(all.total).toBe(3);
    const completed = await store.list({ orgId, workflowId: wf, status: 'completed', skip: 0, limit: 2 });
    expect(completed.total).toBe(3);
    expect(completed.items.map((e) => e.executionId)).toEqual([`${wf}-0d`, `${wf}-1d`]);
    const running = await store.list({ orgId, workflowId: wf, status: 'running', skip: 0, limit: 50 });
    expect(running.items.map((e) => e.executionId)).toEqual([`${wf}-stuck`]);

    // a second sweep finds nothing more and changes no count
    expect(await sweep()).toEqual({ executions: 0, logs: 0 });
    expect((await store.list({ orgId, workflowId: wf, skip: 0, limit: 50 })).total).toBe(3);
  });
});
