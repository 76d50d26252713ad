import type { Models } from '@botwot/shared/db';
import type { LimitStore } from '../limits/limit-sync.js';
import type { LimitReport } from '../limits/org-limiter.js';

type Packed = { c: [LimitReport['counts'][number]['c'], string, number, number][]; w: [string, number][]; s?: [string, number][] };

/** A report as stored: tuples in one JSON text. */
export function packReport(report: LimitReport): string {
  const packed: Packed = { c: report.counts.map((x) => [x.c, x.o, x.w, x.n]), w: report.waits.map((x) => [x.o, x.n]), ...(report.streams?.length ? { s: report.streams.map((x) => [x.o, x.n] as [string, number]) } : {}) };
  return JSON.stringify(packed);
}

export function unpackReport(text: string): LimitReport {
  const packed = JSON.parse(text) as Packed;
  return { counts: packed.c.map(([c, o, w, n]) => ({ c, o, w, n })), waits: packed.w.map(([o, n]) => ({ o, n })), ...(packed.s ? { streams: packed.s.map(([o, n]) => ({ o, n })) } : {}) };
}

/**
 * Rate-limit reports in Mongo: each replica replaces its one document by `_id` and reads the few
 * documents of all replicas, so the cost is two small queries per sync, whatever the traffic.
 */
export function createMongoLimitStore(models: Models): LimitStore {
  return {
    async publish(replicaId, at, report) {
      await models.RateLimitReport.replaceOne({ _id: replicaId }, { _id: replicaId, at, report: packReport(report) }, { upsert: true });
    },
    async readAll() {
      const rows = await models.RateLimitReport.find({}).lean();
      const all: { replicaId: string; at: Date; report: LimitReport }[] = [];
      for (const r of rows) {
        try {
          all.push({ replicaId: String(r._id), at: new Date(r.at), report: unpackReport(r.report) });
        } catch {
          // a report this version cannot read counts as absent
        }
      }
      return all;
    },
    async remove(replicaId) {
      await models.RateLimitReport.deleteOne({ _id: replicaId });
    },
    async removeOlderThan(at) {
      await models.RateLimitReport.deleteMany({ at: { $lt: at } });
    },
  };
}

/** The same port in memory, shared by limiters in one process (unit tests of several replicas). */
export function createMemoryLimitStore(): LimitStore {
  const rows = new Map<string, { at: Date; report: LimitReport }>();
  return {
    publish: async (replicaId, at, report) => void rows.set(replicaId, { at, report: structuredClone(report) }),
    readAll: async () => [...rows].map(([replicaId, r]) => ({ replicaId, at: r.at, report: structuredClone(r.report) })),
    remove: async (replicaId) => void rows.delete(replicaId),
    removeOlderThan: async (at) => {
      for (const [id, r] of rows) if (r.at < at) rows.delete(id);
    },
  };
}
