import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { transactionalCommitter } from '@botwot/shared/kafka';
import { eventually } from './api-client.js';

/**
 * A consumer killed in the middle of a transaction leaves it open on the broker, and the group's
 * offsets unstable until it ends: its restart must end it at once, not after the transaction
 * timeout (60 s), or it cannot read where it stopped (seen as a 60–75 s stall after SIGKILL of the
 * orchestrator).
 */
describe('a transactional committer after its former incarnation died mid-transaction', () => {
  const kafka = (retries: number) => new Kafka({ clientId: `fencing-${randomUUID().slice(0, 6)}`, brokers: inject('system').kafkaBrokers, logLevel: logLevel.NOTHING, retry: { retries, maxRetryTime: 1_000 } });
  const admin = kafka(3).admin();
  afterAll(() => admin.disconnect());
  /** a topic of one partition and a group id of its own, for one test */
  const freshTopic = async (name: string) => {
    const run = randomUUID().slice(0, 8);
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: `${name}-${run}`, numPartitions: 1 }], waitForLeaders: true });
    return { topic: `${name}-${run}`, groupId: `${name}-group-${run}` };
  };

  it('ends the open transaction when it connects: the group offsets read as stable, without what the dead one sent', async () => {
    const { topic, groupId } = await freshTopic('fencing');

    // the former incarnation: offsets and a message sent in a transaction it never ended (its sockets closed, as a kill does)
    const former = kafka(5).producer({ transactionalId: `${groupId}.replica-1.0`, idempotent: true, maxInFlightRequests: 1, transactionTimeout: 60_000 });
    await former.connect();
    const tx = await former.transaction();
    await tx.send({ topic, messages: [{ value: 'from the dead one' }] });
    await tx.sendOffsets({ consumerGroupId: groupId, topics: [{ topic, partitions: [{ partition: 0, offset: '1' }] }] });
    await former.disconnect();
    // while that transaction is open, a stable read of the offsets is refused
    await expect(admin.fetchOffsets({ groupId, topics: [topic], requireStable: true })).rejects.toThrow(/unstable offsets/i);

    const committer = transactionalCommitter({ kafka: kafka(30), transactionalId: `${groupId}.replica-1`, groupId, maxRequestBytes: 1_000_000, membership: () => undefined });
    await committer.connect();
    try {
      const offsets = await admin.fetchOffsets({ groupId, topics: [topic], requireStable: true });
      expect(offsets).toEqual([{ topic, partitions: [{ partition: 0, offset: '-1', metadata: null }] }]);
      // and the message it sent was aborted: a read_committed read of the topic ends before it
      const [end] = await admin.fetchTopicOffsets(topic);
      const consumer = kafka(5).consumer({ groupId: `${groupId}-reader`, readUncommitted: false });
      const seen: string[] = [];
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void seen.push(String(message.value)) });
      await new Promise((r) => setTimeout(r, 2_000));
      await consumer.disconnect();
      expect(end?.high).not.toBe('0'); // the message and the abort marker were written
      expect(seen).toEqual([]);
    } finally {
      await committer.disconnect();
    }
  });

  it("refuses the offsets of a member the group has moved on from (KIP-447), and commits the current member's", async () => {
    const { topic, groupId } = await freshTopic('generations');
    // a member of the group, as the consumer runtime is: its join gives the generation and member id
    const member = kafka(5).consumer({ groupId });
    const joined = new Promise<{ generationId: number; memberId: string }>((resolve) => member.on(member.events.GROUP_JOIN, (e) => resolve({ generationId: (e.payload as unknown as { generationId: number }).generationId, memberId: e.payload.memberId })));
    await member.connect();
    await member.subscribe({ topic, fromBeginning: true });
    await member.run({ autoCommit: false, eachMessage: async () => undefined }); // commits nothing of its own
    const current = await joined;
    let membership = { generationId: current.generationId - 1, memberId: current.memberId };
    const committer = transactionalCommitter({ kafka: kafka(2), transactionalId: `${groupId}.replica-1`, groupId, maxRequestBytes: 1_000_000, membership: () => membership });
    await committer.connect();
    const commitAt = (offset: string) => committer.begin({ messages: [{ topic, messages: [{ key: 'k', value: `at ${offset}` }] }], offsets: [{ topic, partition: 0, offset, metadata: null }] }).finish();
    try {
      await expect(commitAt('1')).rejects.toThrow(/generation/i);
      membership = current;
      await commitAt('2');
      // stable once the broker has written the commit's markers, a moment after the commit returns
      const offsets = await eventually(async () => (await admin.fetchOffsets({ groupId, topics: [topic], requireStable: true }))[0], { what: 'stable offsets', timeoutMs: 10_000 });
      expect(offsets.partitions).toEqual([{ partition: 0, offset: '2', metadata: null }]);
    } finally {
      await committer.disconnect();
      await member.disconnect();
    }
  });
});
