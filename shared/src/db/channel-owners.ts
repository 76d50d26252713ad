import { Lru } from '../cache/lru.js';
import { senderKey, type SenderKind } from '../workflow/senders.js';
import type { Models } from './models.js';

/** Which org a sender is registered to, read by `_id` and cached for `cacheMs` (misses too). */
export interface ChannelOwners {
  ownerOf(kind: SenderKind, value: string): Promise<string | null>;
  /** drops a cached answer (after this process changed the registry) */
  forget(kind: SenderKind, value: string): void;
}

export function createChannelOwners(models: Models, opts: { cacheMs: number; maxEntries?: number }): ChannelOwners {
  const cache = new Lru<string, string | null>({ maxEntries: opts.maxEntries ?? 10_000, ttlMs: opts.cacheMs });
  return {
    async ownerOf(kind, value) {
      const key = senderKey(kind, value);
      const hit = cache.get(key);
      if (hit !== undefined) return hit;
      const row = await models.OrgChannel.findOne({ _id: key }).lean();
      const owner = row?.orgId ?? null;
      if (opts.cacheMs > 0) cache.set(key, owner);
      return owner;
    },
    forget: (kind, value) => cache.delete(senderKey(kind, value)),
  };
}
