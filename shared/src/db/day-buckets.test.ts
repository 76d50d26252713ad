import { describe, expect, it } from 'vitest';
import { deleteExpiredDays, expiredDays, retainedFrom } from './day-buckets.js';

describe('expired day buckets', () => {
  const now = Date.parse('2026-12-10T12:00:00Z');

  it('lists the days past the retention, newest first', () => {
    expect(expiredDays(now, 7, 3)).toEqual(['2026-12-03', '2026-12-02', '2026-12-01']);
  });

  it('deletes each expired day by an equality filter and counts what went', async () => {
    const filters: unknown[] = [];
    const deleted = await deleteExpiredDays({ deleteMany: async (f) => {
        filters.push(f);
        return { deletedCount: 2 };
      },
    }, { now, retentionDays: 8 });
    expect(filters[0]).toEqual({ day: '2026-12-02' });
    expect(filters).toHaveLength(30);
    expect(deleted).toBe(60);
  });

  it('narrows each delete by the filter it is given', async () => {
    const filters: unknown[] = [];
    await deleteExpiredDays({ deleteMany: async (f) => {
          filters.push(f);
          return {};
        },
      }, { now, retentionDays: 8, where: { status: { $ne: 'running' } } });
    expect(filters[0]).toEqual({ status: { $ne: 'running' }, day: '2026-12-02' });
  });

  it('keeps from midnight of the oldest day inside the retention, which is the day after the newest expired one', () => {
    expect(retainedFrom(now, 7).toISOString()).toBe('2026-12-04T00:00:00.000Z');
    expect(expiredDays(now, 7, 1)).toEqual(['2026-12-03']);
    expect(retainedFrom(now, 1).toISOString()).toBe('2026-12-10T00:00:00.000Z');
  });
});
