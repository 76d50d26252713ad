import { PAGE_SIZE, pageKey, statusPageKey, type Models } from '@botwot/shared/db';
import { describe, expect, it } from 'vitest';
import { createMongoExecutionStore } from './execution-store.js';

const WF = 'wf1';
const ORG = 'org1';
const T0 = Date.parse('2026-12-01T00:00:00Z');

/**
 * Just the driver calls a list makes: the workflow's counters, and finds by page key, counted.
 * `completed` executions numbered 1..n in their status and in start order, a minute apart.
 */
function stubModels(n: number) {
  const rows = Array.from({ length: n }, (_, i) => {
    const number = i + 1;
    return {
      _id: `e${number}`,
      orgId: ORG,
      workflowId: WF,
      status: 'completed',
      seq: number,
      page: pageKey(WF, number),
      statusSeq: number,
      statusPage: statusPageKey(WF, 'completed', number),
      startedAt: new Date(T0 + number * 60_000),
      completedAt: new Date(T0 + number * 60_000 + 1_000),
      triggerData: {},
    };
  });
  const stats = { _id: WF, orgId: ORG, seq: n, ended: { completed: n, failed: 0, cancelled: 0 }, applied: {} as Record<string, number>, retainedFrom: undefined as Date | undefined };
  const finds: string[] = [];
  const models = {
    ExecutionStats: { collection: { findOne: async () => ({ ...stats }) } },
    Execution: {
      collection: {
        find: (filter: { page?: string; statusPage?: string; orgId: string }) => ({
          toArray: async () => {
            finds.push(filter.statusPage ?? filter.page ?? '?');
            return rows.filter((r) => r.orgId === filter.orgId && (filter.statusPage ? r.statusPage === filter.statusPage : r.page === filter.page));
          },
        }),
      },
    },
  } as unknown as Models;
  return { models, finds, stats };
}

const newest = { orgId: ORG, workflowId: WF, skip: 0, limit: 20 };

describe('execution store: list pages', () => {
  it('reads a closed page of an ended status once, and the page still filling every time', async () => {
    // 130 completed: pages 0 and 1 are closed (numbers up to 99), page 2 holds 100..130
    const { models, finds } = stubModels(130);
    const store = createMongoExecutionStore(models);
    const query = { ...newest, status: 'completed' as const, skip: 25 }; // numbers 86..105: pages 1 and 2
    const first = await store.list(query);
    const second = await store.list(query);
    expect(first.items.map((e) => e.executionId)).toEqual(Array.from({ length: 20 }, (_, i) => `e${105 - i}`));
    expect(second).toEqual(first);
    const closed = statusPageKey(WF, 'completed', PAGE_SIZE);
    const filling = statusPageKey(WF, 'completed', 2 * PAGE_SIZE);
    expect(finds.filter((k) => k === closed)).toHaveLength(1);
    expect(finds.filter((k) => k === filling)).toHaveLength(2);
  });

  it('never keeps a page of the all-executions numbering: its rows change as executions end', async () => {
    const { models, finds } = stubModels(130);
    const store = createMongoExecutionStore(models);
    await store.list({ ...newest, skip: 25 });
    await store.list({ ...newest, skip: 25 });
    expect(finds.filter((k) => k === pageKey(WF, PAGE_SIZE))).toHaveLength(2);
  });

  it('reads a kept page again once its time is up', async () => {
    const { models, finds } = stubModels(130);
    const store = createMongoExecutionStore(models, { cacheMs: 0 });
    const query = { ...newest, status: 'completed' as const, skip: 25 };
    await store.list(query);
    await store.list(query);
    expect(finds.filter((k) => k === statusPageKey(WF, 'completed', PAGE_SIZE))).toHaveLength(2);
  });

  it('finds where a list since a time starts once, and counts from there on the next read', async () => {
    const { models, finds } = stubModels(1_000);
    const store = createMongoExecutionStore(models);
    const since = new Date(T0 + 400 * 60_000); // execution 400 started then
    const query = { ...newest, status: 'completed' as const, since };
    const first = await store.list(query);
    const searched = finds.length;
    const second = await store.list(query);
    expect(first.total).toBe(601);
    expect(second).toEqual(first);
    expect(searched).toBeGreaterThan(2); // the binary search read several pages
    expect(finds.length - searched).toBe(1); // the next list read only the page still filling
  });
});
