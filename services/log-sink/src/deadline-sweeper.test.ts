import { describe, expect, it } from 'vitest';
import type { Models } from '@botwot/shared/db';
import type { EventPublisher, Outgoing } from '@botwot/shared/kafka';
import { createLogger } from '@botwot/shared/observability';
import { createDeadlineSweeper } from './deadline-sweeper.js';

const now = Date.parse('2026-01-01T12:00:00Z');

function fakeModels(rows: { _id: string; orgId: string; workflowId?: string; startedAt: Date; deadlineAt: Date; status: string }[]) {
  const queries: unknown[] = [];
  const models = {
    Execution: {
      find: (filter: { status: string; deadlineAt: { $lt: Date } }) => {
        queries.push(filter);
        const hits = rows.filter((r) => r.status === filter.status && r.deadlineAt < filter.deadlineAt.$lt);
        const chain = { select: () => chain, limit: () => chain, lean: async () => hits };
        return chain;
      },
    },
  } as unknown as Models;
  return { models, queries };
}

describe('deadline sweeper', () => {
  it('fails running executions past deadline plus grace, with a fixed event id per execution', async () => {
    const { models } = fakeModels([
      { _id: 'late', orgId: 'o', status: 'running', startedAt: new Date(now - 700_000), deadlineAt: new Date(now - 100_000) },
      { _id: 'within-grace', orgId: 'o', status: 'running', startedAt: new Date(now - 60_000), deadlineAt: new Date(now - 1_000) },
      { _id: 'done', orgId: 'o', status: 'completed', startedAt: new Date(now - 700_000), deadlineAt: new Date(now - 100_000) },
    ]);
    const sent: Outgoing[] = [];
    const publisher: EventPublisher = { publish: async (m) => void sent.push(...m), close: async () => undefined };
    const sweep = createDeadlineSweeper({ models, publisher, logger: createLogger('t', 'silent'), graceMs: 5_000, batchSize: 100, now: () => now });

    expect(await sweep()).toBe(1);
    expect(sent).toHaveLength(1);
    const event = sent[0]?.event as { type: string; eventId: string; executionId: string; data: { error: { code: string }; totalDurationMs: number } };
    expect(event).toMatchObject({ type: 'execution.failed', eventId: 'late:deadline', executionId: 'late' });
    expect(event.data.error.code).toBe('EXECUTION_TIMEOUT');
    expect(event.data.totalDurationMs).toBe(700_000);

    // a second instance sweeping the same rows publishes the very same event: the log-sink keeps the first ending
    const again: Outgoing[] = [];
    await createDeadlineSweeper({ models, publisher: { publish: async (m) => void again.push(...m), close: async () => undefined }, logger: createLogger('t', 'silent'), graceMs: 5_000, batchSize: 100, now: () => now })();
    expect(again[0]?.event.eventId).toBe(event.eventId);
  });
});
