/** Kafka consumer lag per consumer group: committed offsets against the partitions' ends, via the admin client. */
import { AssignerProtocol, type Admin } from 'kafkajs';

export interface GroupLag {
  groupId: string;
  /** messages between each partition's committed offset and its end, summed */
  lag: number;
  /** partitions with something left to read */
  behindPartitions: number;
  /** the most any one partition is behind */
  maxPartitionLag: number;
  /** topics the group reads: committed on, or subscribed to by a live member */
  topics: string[];
}

type Committed = { topic: string; partitions: { partition: number; offset: string }[] };

/**
 * Lag of one group from its committed offsets and each partition's end (`ends[topic][partition]`).
 * A partition the group never committed on counts from the partition's start (`starts`), as the
 * group would read it all. The end is the last stable offset: a transaction's commit marker takes
 * an offset too, so a group that has read everything may still be 1 behind on a partition it commits
 * transactionally, depending on the client.
 */
export function lagOf(
  groupId: string,
  committed: readonly Committed[],
  ends: ReadonlyMap<string, ReadonlyMap<number, number>>,
  starts: ReadonlyMap<string, ReadonlyMap<number, number>>,
): GroupLag {
  let lag = 0;
  let behindPartitions = 0;
  let maxPartitionLag = 0;
  for (const t of committed) {
    for (const p of t.partitions) {
      const end = ends.get(t.topic)?.get(p.partition);
      if (end === undefined) continue;
      const offset = Number(p.offset);
      const from = offset >= 0 ? offset : (starts.get(t.topic)?.get(p.partition) ?? 0);
      const behind = Math.max(0, end - from);
      lag += behind;
      if (behind > 0) behindPartitions++;
      maxPartitionLag = Math.max(maxPartitionLag, behind);
    }
  }
  return { groupId, lag, behindPartitions, maxPartitionLag, topics: committed.map((t) => t.topic).sort() };
}

/** The topics a group's live members subscribe to (from their join metadata). */
async function subscribedTopics(admin: Admin, ids: string[]): Promise<Map<string, string[]>> {
  const { groups } = await admin.describeGroups(ids);
  const decode = (metadata: Buffer) => {
    try {
      return AssignerProtocol.MemberMetadata.decode(metadata)?.topics ?? [];
    } catch {
      return [];
    }
  };
  return new Map(groups.map((g) => [g.groupId, [...new Set(g.members.flatMap((m) => decode(m.memberMetadata)))]]));
}

/** Consumer groups that never commit by design: each gateway's follower of the lifecycle topic. */
const NEVER_COMMITS = /^gateway-live-/;

/**
 * Every consumer group's lag, except those named in `exclude` (the benchmark's own) and the gateways'
 * live-stream groups, which read from the end and never commit (their "lag" would be the whole topic). A group's topics are
 * those it has committed on and those its members subscribe to, so a group that has not committed yet
 * shows everything waiting for it rather than nothing.
 */
export async function consumerLag(admin: Admin, exclude: readonly string[] = []): Promise<GroupLag[]> {
  const { groups } = await admin.listGroups();
  const ids = groups.map((g) => g.groupId).filter((id) => !exclude.includes(id) && !NEVER_COMMITS.test(id)).sort();
  const subscribed = ids.length ? await subscribedTopics(admin, ids) : new Map<string, string[]>();
  const committedByGroup = await Promise.all(
    ids.map(async (groupId) => {
      const committed = (await admin.fetchOffsets({ groupId })) as Committed[];
      const missing = (subscribed.get(groupId) ?? []).filter((t) => !committed.some((c) => c.topic === t));
      const uncommitted = missing.length ? ((await admin.fetchOffsets({ groupId, topics: missing })) as Committed[]) : [];
      return { groupId, committed: [...committed, ...uncommitted] };
    }),
  );
  const topics = [...new Set(committedByGroup.flatMap((g) => g.committed.map((t) => t.topic)))];
  const ends = new Map<string, Map<number, number>>();
  const starts = new Map<string, Map<number, number>>();
  for (const topic of topics) {
    const offsets = await admin.fetchTopicOffsets(topic);
    ends.set(topic, new Map(offsets.map((o) => [o.partition, Number(o.high)])));
    starts.set(topic, new Map(offsets.map((o) => [o.partition, Number(o.low)])));
  }
  return committedByGroup.map((g) => lagOf(g.groupId, g.committed, ends, starts));
}

/**
 * Waits until no group is more than one message behind on any partition (one: the commit marker a
 * transaction leaves), so what the load sent has been handled (and stored) before the next phase.
 */
export async function waitForCaughtUp(admin: Admin, exclude: readonly string[], timeoutMs: number): Promise<GroupLag[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lags = await consumerLag(admin, exclude);
    if (lags.every((g) => g.maxPartitionLag <= 1) || Date.now() > deadline) return lags;
    await new Promise((r) => setTimeout(r, 2_000));
  }
}
