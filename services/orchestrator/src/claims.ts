import type { Connection } from 'mongoose';

/**
 * Remembers which source message first claimed a key (a trigger event id, an execution id), so a
 * duplicate publish is recognised while a redelivery of the same message is processed again
 * (its earlier output was never committed).
 */
export interface Claims {
  claim(key: string, source: string): Promise<'first' | 'redelivery' | 'duplicate'>;
}

export function createMongoClaims(conn: Connection): Claims {
  const collection = () => conn.collection<{ _id: string; source: string; at: Date }>('orchestrator_claims');
  return {
    async claim(key, source) {
      try {
        await collection().insertOne({ _id: key, source, at: new Date() });
        return 'first';
      } catch (error) {
        if ((error as { code?: number }).code !== 11000) throw error;
        const existing = await collection().findOne({ _id: key });
        return existing?.source === source ? 'redelivery' : 'duplicate';
      }
    },
  };
}

/** For unit tests of the handlers. */
export function createMemoryClaims(): Claims {
  const seen = new Map<string, string>();
  return {
    async claim(key, source) {
      const existing = seen.get(key);
      if (existing === undefined) {
        seen.set(key, source);
        return 'first';
      }
      return existing === source ? 'redelivery' : 'duplicate';
    },
  };
}
