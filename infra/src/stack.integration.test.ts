// Starts real Kafka and FerretDB processes and talks to them with the drivers the services use.
// Run: cd /work/main && npx vitest run infra/src/stack.integration.test.ts
// INFRA_TEST_ROOT overrides the cache/data root (default <repo>/.local, shared with the launcher).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Kafka, logLevel } from "kafkajs";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startFerretDb, startKafka, waitFor, type KafkaServer, type MongoServer } from "./index.js";

const root = process.env.INFRA_TEST_ROOT ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../.local");
const log = (line: string): void => console.log(`[infra] ${line}`);
const MINUTE = 60_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("local stack: Kafka (KRaft) + FerretDB as real processes", () => {
  let kafka: KafkaServer | undefined;
  let mongo: MongoServer | undefined;
  let kafkaPorts: { port: number; controllerPort: number };
  let mongoPort: number;

  beforeAll(async () => {
    kafkaPorts = { port: await freePort(), controllerPort: await freePort() };
    mongoPort = await freePort();
    const t0 = Date.now();
    const [k, m] = await Promise.allSettled([
      startKafka({ root, name: "itest", ...kafkaPorts, fresh: true, log }),
      startFerretDb({ root, name: "itest", port: mongoPort, fresh: true, log }),
    ]);
    if (k.status === "fulfilled") kafka = k.value;
    if (m.status === "fulfilled") mongo = m.value;
    console.log(`[timing] first start (Kafka + FerretDB in parallel, incl. any download/build): ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    if (k.status === "rejected") throw k.reason;
    if (m.status === "rejected") throw m.reason;
  }, 20 * MINUTE);

  afterAll(async () => {
    await Promise.all([kafka?.stop(), mongo?.stop()]);
  }, 2 * MINUTE);

  it("Kafka: create a topic, produce transactionally, consume with a group", async () => {
    const client = new Kafka({ clientId: "infra-itest", brokers: kafka!.brokers, logLevel: logLevel.ERROR });
    const topic = "infra-itest-events";
    const admin = client.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    expect(await admin.listTopics()).toContain(topic);
    await admin.disconnect();

    const producer = client.producer({ idempotent: true, transactionalId: "infra-itest-tx", maxInFlightRequests: 1 });
    await producer.connect();
    const tx = await producer.transaction();
    await tx.send({ topic, messages: [1, 2, 3].map((i) => ({ key: `k${i}`, value: `v${i}` })) });
    await tx.commit();
    const aborted = await producer.transaction();
    await aborted.send({ topic, messages: [{ key: "kx", value: "aborted" }] });
    await aborted.abort();
    await producer.disconnect();

    const consumer = client.consumer({ groupId: "infra-itest-group" }); // read_committed by default
    const received: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void received.push(message.value!.toString()) });
    try {
      await waitFor(async () => received.length >= 3, { timeoutMs: 60_000, what: "3 committed messages" });
      await new Promise((r) => setTimeout(r, 1000)); // the aborted one must not show up
    } finally {
      await consumer.disconnect();
    }
    expect(received.sort()).toEqual(["v1", "v2", "v3"]);
  }, 3 * MINUTE);

  it("FerretDB: insert, find, create an index; data survives kill + restart", async () => {
    const docs = async <T>(fn: (c: import("mongodb").Collection) => Promise<T>): Promise<T> => {
      const client = await MongoClient.connect(mongo!.url, { serverSelectionTimeoutMS: 10_000 });
      try {
        return await fn(client.db("infra_itest").collection("docs"));
      } finally {
        await client.close();
      }
    };
    await docs(async (c) => {
      await c.insertOne({ _id: "a" as never, email: "a@example.com", n: 1 });
      expect(await c.findOne({ email: "a@example.com" })).toMatchObject({ _id: "a", n: 1 });
      await c.createIndex({ email: 1 }, { unique: true, name: "email_1" });
      expect((await c.listIndexes().toArray()).map((i) => i.name)).toContain("email_1");
    });

    const before = mongo!.pid!;
    await mongo!.kill("SIGKILL");
    expect(mongo!.pid).toBeUndefined();
    expect(alive(before)).toBe(false);
    await mongo!.restart();
    expect(mongo!.pid).not.toBe(before);
    expect(await docs((c) => c.countDocuments({ email: "a@example.com" }))).toBe(1);
  }, 3 * MINUTE);

  it("stop() leaves no process behind, and a warm start is quick", async () => {
    const pids = [kafka!.pid!, mongo!.pid!];
    await Promise.all([kafka!.stop(), mongo!.stop()]);
    expect(kafka!.pid).toBeUndefined();
    expect(mongo!.pid).toBeUndefined();
    expect(pids.filter(alive)).toEqual([]);

    const t0 = Date.now();
    [kafka, mongo] = await Promise.all([
      startKafka({ root, name: "itest", ...kafkaPorts, log }),
      startFerretDb({ root, name: "itest", port: mongoPort, log }),
    ]);
    console.log(`[timing] warm start (cached jars + binary, existing data): ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    const again = [kafka.pid!, mongo.pid!];
    await Promise.all([kafka.stop(), mongo.stop()]);
    expect(again.filter(alive)).toEqual([]);
  }, 5 * MINUTE);
});
