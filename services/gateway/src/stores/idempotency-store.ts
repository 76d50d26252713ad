import type { Models } from '@botwot/shared/db';
import type { Logger } from '@botwot/shared/observability';

export type Claim = { kind: 'new' } | { kind: 'replay'; executionId: string; version: number } | { kind: 'conflict' };

export interface IdempotencyStore {
  /**
   * Records `key` for this request, unless the org used it before and it has not expired: then it
   * answers with the first request's result, or a conflict when that request was a different one.
   */
  claim(input: { orgId: string; key: string; fingerprint: string; workflowId: string; executionId: string; version: number }): Promise<Claim>;
}

/** How long one expiry bucket is: an hour, or the whole lifetime when keys live shorter than that. */
export const bucketMsFor = (ttlSeconds: number) => Math.max(1_000, Math.min(3_600_000, ttlSeconds * 1_000));

/**
 * Idempotency keys in `execution_requests`, by `_id` = `${orgId}:${key}`. Expiry is checked when a
 * key is read (FerretDB has no TTL indexes); expired rows are deleted a bucket at a time by
 * `startIdempotencyCleanup`, with equality filters only.
 */
export function createIdempotencyStore(models: Models, opts: { ttlSeconds: number; now?: () => number }): IdempotencyStore {
  const now = opts.now ?? Date.now;
  const ttlMs = opts.ttlSeconds * 1_000;
  const bucketMs = bucketMsFor(opts.ttlSeconds);
  return {
    async claim(input) {
      const _id = `${input.orgId}:${input.key}`;
      for (let attempt = 0; attempt < 3; attempt++) {
        const t = now();
        try {
          await models.ExecutionRequest.create({
            _id,
            orgId: input.orgId,
            executionId: input.executionId,
            workflowId: input.workflowId,
            fingerprint: input.fingerprint,
            version: input.version,
            bucket: Math.floor(t / bucketMs),
            createdAt: new Date(t),
          });
          return { kind: 'new' };
        } catch (error) {
          if ((error as { code?: number }).code !== 11000) throw error;
        }
        const first = await models.ExecutionRequest.findOne({ _id, orgId: input.orgId }).lean();
        if (!first) continue; // deleted in between (expired): claim it again
        if (first.createdAt.getTime() + ttlMs <= t) {
          // only the expired row: a fresh claim another request made meanwhile has another createdAt
          await models.ExecutionRequest.deleteOne({ _id, createdAt: first.createdAt });
          continue;
        }
        if (first.fingerprint && first.fingerprint !== input.fingerprint) return { kind: 'conflict' };
        return { kind: 'replay', executionId: first.executionId, version: first.version ?? input.version };
      }
      throw new Error(`idempotency key ${input.key} kept changing while it was claimed`);
    },
  };
}

/**
 * Deletes expired keys every bucket length: each bucket whose every key has expired, by
 * `{ bucket: n }`. At start it also clears anything older than three days of buckets in one go.
 */
export function startIdempotencyCleanup(models: Models, opts: { ttlSeconds: number; logger: Logger; now?: () => number }) {
  const now = opts.now ?? Date.now;
  const bucketMs = bucketMsFor(opts.ttlSeconds);
  const BACKLOG = 72;
  let last: number | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const sweep = async () => {
    const cutoff = Math.floor((now() - opts.ttlSeconds * 1_000) / bucketMs) - 1;
    if (last === undefined) await models.ExecutionRequest.deleteMany({ bucket: { $lt: cutoff - BACKLOG } });
    for (let b = Math.max((last ?? -Infinity) + 1, cutoff - BACKLOG); b <= cutoff && !stopped; b++) {
      await models.ExecutionRequest.deleteMany({ bucket: b });
      last = b;
    }
  };
  const schedule = (delay: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = sweep()
        .catch((error: unknown) => opts.logger.warn({ err: error }, 'idempotency key cleanup failed; trying again next round'))
        .finally(() => schedule(bucketMs));
    }, delay);
    timer.unref();
  };
  schedule(0);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
