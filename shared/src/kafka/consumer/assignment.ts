import type { Admin } from 'kafkajs';
import { backoffDelay, sleep } from '../../async/index.js';
import { decodeDoneOffsets, PartitionOffsets } from './offset-tracker.js';

/** One assigned partition, for as long as this member keeps it. A new object means a new ownership. */
export interface OwnedPartition {
  topic: string;
  partition: number;
  offsets: PartitionOffsets;
  /** a number no other ownership of any partition in this process has had */
  epoch: number;
}

let epochs = 0;

type Committed = { offset: number; metadata: string | null };

const key = (topic: string, partition: number) => `${topic}|${partition}`;

/**
 * The partitions this member owns, rebuilt at every group join from the offsets committed in the
 * group. A partition the member keeps across a rebalance, and whose committed point is the one it
 * last committed itself, keeps its in-flight work; any other partition starts afresh from what the
 * group committed (skipping the offsets its commit metadata says were done).
 */
export class Assignment {
  private owned = new Map<string, OwnedPartition>();
  private ready: Promise<void> = Promise.resolve();

  constructor(private readonly opts: { admin: Admin; groupId: string; onError: (error: unknown) => void }) {}

  /** Call from the GROUP_JOIN listener (synchronously: batches wait on what it starts). */
  joined(memberAssignment: Record<string, number[]>): void {
    const previous = this.ready;
    this.ready = previous.then(() => this.rebuild(memberAssignment)).catch((error: unknown) => {
      this.owned = new Map();
      this.opts.onError(error);
    });
  }

  /** The partition's current ownership, once the last join has been applied; undefined if not owned. */
  async get(topic: string, partition: number): Promise<OwnedPartition | undefined> {
    await this.ready;
    return this.owned.get(key(topic, partition));
  }

  /** Whether `p` is still the current ownership of its partition (work done under an older one is dropped). */
  isCurrent(p: OwnedPartition): boolean {
    return this.owned.get(key(p.topic, p.partition)) === p;
  }

  all(): OwnedPartition[] {
    return [...this.owned.values()];
  }

  /** Messages accepted and not done, over every owned partition. */
  pending(): number {
    let n = 0;
    for (const p of this.owned.values()) n += p.offsets.pending();
    return n;
  }

  private async rebuild(memberAssignment: Record<string, number[]>): Promise<void> {
    const committed = await this.fetchCommitted(Object.keys(memberAssignment));
    const next = new Map<string, OwnedPartition>();
    for (const [topic, partitions] of Object.entries(memberAssignment)) {
      for (const partition of partitions) {
        const k = key(topic, partition);
        const group = committed.get(k) ?? { offset: -1, metadata: null };
        const kept = this.owned.get(k);
        if (kept && kept.offsets.lastCommitted() === group.offset) {
          next.set(k, kept);
          continue;
        }
        const start = group.offset >= 0 ? group.offset : -1;
        next.set(k, { topic, partition, offsets: new PartitionOffsets(start, start >= 0 ? decodeDoneOffsets(start, group.metadata) : []), epoch: ++epochs });
      }
    }
    this.owned = next;
  }

  private async fetchCommitted(topics: string[]): Promise<Map<string, Committed>> {
    const result = new Map<string, Committed>();
    if (topics.length === 0) return result;
    // With require_stable (kafkajs patched for it) the coordinator answers a retriable
    // UNSTABLE_OFFSET_COMMIT while a transaction of the former owner still holds offsets open.
    let fetched: Awaited<ReturnType<Admin['fetchOffsets']>>;
    for (let attempt = 1; ; attempt++) {
      try {
        fetched = await this.opts.admin.fetchOffsets({ groupId: this.opts.groupId, topics, requireStable: true });
        break;
      } catch (error) {
        if (!(error as { retriable?: boolean }).retriable || attempt >= 50) throw error;
        await sleep(backoffDelay(attempt, { initialMs: 50, maxMs: 1_000 }));
      }
    }
    for (const { topic, partitions } of fetched) {
      for (const p of partitions) result.set(key(topic, p.partition), { offset: Number(p.offset), metadata: p.metadata });
    }
    return result;
  }
}
