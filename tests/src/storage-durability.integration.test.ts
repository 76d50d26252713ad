import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { describe, expect, inject, it } from 'vitest';
import { control, waitUntil } from './fault-harness.js';

/**
 * The embedded default is durable: every insert FerretDB acknowledged is still there after a
 * SIGKILL of PostgreSQL (its shared memory and WAL buffers gone) or of FerretDB, and a restart.
 */
const onPostgres = Boolean(inject('system').postgresUrl);
const COLLECTION = 'durability_probe';

/** Inserts one row at a time until stopped; remembers which inserts were acknowledged. */
function startWriter(runId: string) {
  const client = new MongoClient(inject('system').mongoUrl, { retryWrites: false, serverSelectionTimeoutMS: 2_000, socketTimeoutMS: 5_000 });
  const acked: string[] = [];
  let failures = 0;
  let stopped = false;
  const done = (async () => {
    for (let n = 0; !stopped; n++) {
      const _id = `${runId}:${n}`;
      try {
        await client.db().collection<{ _id: string; runId: string; n: number; at: Date }>(COLLECTION).insertOne({ _id, runId, n, at: new Date() });
        acked.push(_id);
      } catch {
        failures++;
      }
    }
    await client.close(true);
  })();
  return {
    acked,
    failures: () => failures,
    stop: async () => {
      stopped = true;
      await done;
    },
  };
}

async function storedIds(runId: string): Promise<string[]> {
  const client = new MongoClient(inject('system').mongoUrl, { serverSelectionTimeoutMS: 2_000 });
  try {
    return (await client.db().collection<{ _id: string }>(COLLECTION).find({ runId }).project({ _id: 1 }).toArray()).map((r) => r._id);
  } finally {
    await client.close();
  }
}

describe.skipIf(!onPostgres)('acknowledged writes survive a kill -9 of the storage servers', () => {
  it.each(['postgres', 'mongo'] as const)('every insert acknowledged before a SIGKILL of %s is there after its restart', async (processName) => {
    const runId = randomUUID();
    const writer = startWriter(runId);
    await waitUntil('200 acknowledged inserts', 60_000, async () => (writer.acked.length >= 200 ? { done: true } : { progress: `${writer.acked.length} acked` }));
    await control(processName, 'kill');
    // the writer keeps trying while the server is gone: those inserts fail, none is acknowledged
    await waitUntil('an insert to fail', 30_000, async () => (writer.failures() > 0 ? { done: true } : { progress: `${writer.acked.length} acked` }));
    await writer.stop();
    await control(processName, 'restart');

    const ackedIds = [...writer.acked];
    const stored = await waitUntil('the acknowledged rows to be readable again', 60_000, async () => {
      const ids = await storedIds(runId);
      return { done: ids };
    });
    const storedSet = new Set(stored);
    expect(ackedIds.filter((id) => !storedSet.has(id))).toEqual([]);
    expect(stored.length).toBe(storedSet.size);
  });
});
