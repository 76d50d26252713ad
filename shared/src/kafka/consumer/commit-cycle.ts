import type { KafkaMessage, Message } from 'kafkajs';
import { backoffDelay, sleep } from '../../async/index.js';
import { TOPICS, type AnyEvent } from '../../events/index.js';
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import type { EventCodec } from '../codec.js';
import { deadLetterMessage } from '../dead-letter.js';
import type { CommitStage, StagedMessage } from '../handlers.js';
import type { Outgoing } from '../publisher.js';
import type { Assignment, OwnedPartition } from './assignment.js';
import { messageSize, type TopicMessages } from '../split-by-size.js';
import type { CommitBatch, Committer, OffsetCommit, PendingCommit } from './committer.js';
import type { DeadLetterCause, Outcome } from './handle-with-retry.js';

/** A message whose handling is over, waiting for the next commit. */
export interface Finished<R> {
  owner: OwnedPartition;
  message: KafkaMessage;
  event: AnyEvent | undefined;
  outcome: Outcome<R>;
}

export interface CommitCycleOptions<R> {
  committer: Committer;
  assignment: Assignment;
  codec: EventCodec;
  stage: CommitStage<R> | undefined;
  service: string;
  logger: Logger;
  metrics: Metrics;
  /** the broker's limit for one message, less headroom */
  maxMessageBytes: number;
  /** room in the commit metadata for offsets done above the low watermark */
  maxMetadataBytes: number;
  /** called with how many accepted messages each commit settled, to free room for more */
  settled: (count: number) => void;
  /** a commit failed in a way that retrying cannot fix (e.g. this producer was fenced by a newer one) */
  onFatal: (error: unknown) => void;
  /** the least time between the starts of two cycles (0: none): fewer, larger cycles for a consumer whose commits nobody waits on */
  minCycleMs?: number;
}

/** A newer producer with this transactional id exists (another instance with this INSTANCE_ID): this one must stop. */
const FATAL_ERRORS = new Set(['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED']);

function commitBatchOf(p: Prepared<unknown>): CommitBatch {
  const offsets: OffsetCommit[] = p.points.map(({ owner, point }) => ({ topic: owner.topic, partition: owner.partition, offset: String(point.offset), metadata: point.metadata || null }));
  return { messages: p.messages, offsets };
}

/** A cycle's batch once staged and encoded: what its commit sends, and the offsets it commits. */
interface Prepared<R> {
  batch: Finished<R>[];
  messages: TopicMessages[];
  points: { owner: OwnedPartition; point: { offset: number; metadata: string } }[];
  stageMs: number;
  encodeMs: number;
}

/**
 * Group commit: one loop that takes every message finished since the last commit, runs the
 * service's commit stage over them, and commits their outputs, dead letters and every partition's
 * offset together. Outputs are published as soon as their message is done, not when the
 * partition's watermark passes it, so a slow message delays only its own key; the offsets done
 * above the watermark travel in the commit metadata.
 *
 * Cycles overlap by one step: while a commit is in flight, the messages finished meanwhile are
 * staged and encoded and their commit begun (its transaction opened), and it finishes the moment
 * the previous one returns. Commits stay one at a time and in order. When a commit fails, the one
 * begun after it is abandoned and both cycles are redone from the stage (a stage is idempotent:
 * claims and rows taken by the same message go ahead).
 */
export class CommitCycle<R> {
  private queue: Finished<R>[] = [];
  private wake: (() => void) | undefined;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private lastCycleAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly opts: CommitCycleOptions<R>) {}

  start(): void {
    this.loop = this.run();
  }

  add(finished: Finished<R>): void {
    this.queue.push(finished);
    this.poke();
  }

  /** Something besides new work may need committing (e.g. offsets a previous owner finished). */
  poke(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** Commits what is finished, then ends the loop. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.poke();
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    /** the commit in flight: resolves with its error, or undefined once committed */
    let sending: { prepared: Prepared<R>; outcome: Promise<unknown> } | undefined;
    const failed = async (error: unknown, batches: Finished<R>[][]): Promise<boolean> => {
      const type = (error as { type?: string }).type;
      if (type && FATAL_ERRORS.has(type)) {
        this.opts.onFatal(error);
        return false;
      }
      failures++;
      const messages = batches.reduce((n, b) => n + b.length, 0);
      this.opts.logger[failures > 3 ? 'error' : 'warn']({ err: error, failures, messages }, 'commit failed; trying again');
      // while stopping, a commit that keeps failing is given up: the next owner redoes the messages
      if (this.stopping && failures > 5) return false;
      this.queue = [...batches.flat(), ...this.queue];
      await sleep(backoffDelay(failures, { initialMs: 50, maxMs: 5_000 }));
      return true;
    };
    for (;;) {
      if (sending && this.queue.length === 0) {
        // wait for the commit in flight, or for new work to stage meanwhile
        const woken = new Promise<'woken'>((resolve) => (this.wake = () => resolve('woken')));
        const first = await Promise.race([sending.outcome.then(() => 'committed' as const), woken]);
        if (first === 'woken') continue;
        this.wake = undefined;
        const error = await sending.outcome;
        const done = sending.prepared;
        sending = undefined;
        if (error === undefined) failures = 0;
        else if (!(await failed(error, [done.batch]))) return;
        continue;
      }
      if (this.queue.length === 0 && !this.hasCommitPoints()) {
        if (this.stopping) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      const early = this.lastCycleAt + (this.opts.minCycleMs ?? 0) - performance.now();
      if (early > 0 && !this.stopping) await sleep(early);
      this.lastCycleAt = performance.now();
      const batch = this.queue;
      this.queue = [];
      let prepared: Prepared<R> | undefined;
      let prepareError: unknown;
      try {
        prepared = await this.prepare(batch, sending?.prepared.points);
      } catch (error) {
        prepareError = error;
      }
      // the next commit opens its transaction while the one in flight finishes
      const pending = prepared && this.opts.committer.begin(commitBatchOf(prepared));
      if (sending) {
        const error = await sending.outcome;
        const previous = sending.prepared;
        sending = undefined;
        if (error !== undefined) {
          await pending?.abandon();
          if (!(await failed(error, [previous.batch, batch]))) return;
          continue;
        }
        failures = 0;
      }
      if (!prepared || !pending) {
        if (!(await failed(prepareError, [batch]))) return;
        continue;
      }
      const started = prepared;
      sending = { prepared: started, outcome: this.send(started, pending).then(() => undefined, (error: unknown) => error ?? new Error('commit failed')) };
    }
  }

  private hasCommitPoints(): boolean {
    return this.opts.assignment.all().some((p) => p.offsets.commitPoint(this.opts.maxMetadataBytes) !== undefined);
  }

  /** Stages and encodes a batch, and takes each partition's commit point (leaving out points the commit in flight already carries). */
  private async prepare(batch: Finished<R>[], inFlight: Prepared<R>['points'] | undefined): Promise<Prepared<R>> {
    const live = batch.filter((f) => this.opts.assignment.isCurrent(f.owner));
    if (live.length < batch.length) this.opts.logger.info({ dropped: batch.length - live.length }, 'dropped results of partitions this member no longer owns');

    const t0 = performance.now();
    const dropped = new Map<Finished<R>, { reason: string; keep: ((o: Outgoing) => Outgoing | undefined) | undefined }>();
    if (this.opts.stage) {
      const staged: StagedMessage<R>[] = [];
      for (const f of live) {
        if (f.outcome.kind !== 'ok' || !f.event) continue;
        staged.push({
          event: f.event,
          records: f.outcome.records,
          source: { topic: f.owner.topic, partition: f.owner.partition, offset: f.message.offset, epoch: f.owner.epoch },
          drop: (reason, keep) => dropped.set(f, { reason, keep }),
        });
      }
      if (staged.length > 0) await this.opts.stage(staged);
    }
    const t1 = performance.now();

    const outgoing = new Map<string, Message[]>();
    const push = (topic: string, message: Message) => {
      const list = outgoing.get(topic);
      if (list) list.push(message);
      else outgoing.set(topic, [message]);
    };
    for (const f of live) {
      const { topic, partition } = f.owner;
      const dead = (reason: string, cause: DeadLetterCause) => {
        this.opts.logger.warn({ topic, partition, offset: f.message.offset, reason, ...(f.event ? { executionId: f.event.executionId, orgId: f.event.orgId } : {}) }, 'dead-lettered');
        this.opts.metrics.messagesConsumed.inc({ topic, outcome: 'dead_lettered' });
        this.opts.metrics.deadLetters.inc({ topic, cause });
        push(TOPICS.deadLetter, deadLetterMessage({ topic, partition, message: f.message }, reason, this.opts.service));
      };
      if (f.outcome.kind === 'dead') dead(f.outcome.reason, f.outcome.cause);
      else if (f.outcome.kind === 'ignored') this.opts.metrics.messagesConsumed.inc({ topic, outcome: 'ignored' });
      else {
        const drop = dropped.get(f);
        if (drop) this.opts.metrics.messagesConsumed.inc({ topic, outcome: 'duplicate' });
        const outgoing = drop ? (drop.keep ? f.outcome.outgoing.map(drop.keep).filter((o): o is Outgoing => o !== undefined) : []) : f.outcome.outgoing;
        const encoded = await this.encode(outgoing);
        const tooLarge = encoded.find((e) => e.size > this.opts.maxMessageBytes);
        if (tooLarge) dead(`output too large: a ${tooLarge.topic} message of ${tooLarge.size} bytes exceeds ${this.opts.maxMessageBytes}`, 'output_too_large');
        else {
          for (const e of encoded) push(e.topic, e.message);
          if (!drop) this.opts.metrics.messagesConsumed.inc({ topic, outcome: 'ok' });
        }
      }
      f.owner.offsets.done(Number(f.message.offset));
    }

    const carried = new Map((inFlight ?? []).map(({ owner, point }) => [owner, point]));
    const points: Prepared<R>['points'] = [];
    for (const owner of this.opts.assignment.all()) {
      const point = owner.offsets.commitPoint(this.opts.maxMetadataBytes);
      const same = carried.get(owner);
      if (point && !(same && same.offset === point.offset && same.metadata === point.metadata)) points.push({ owner, point });
    }
    return { batch, messages: [...outgoing].map(([topic, list]) => ({ topic, messages: list })), points, stageMs: t1 - t0, encodeMs: performance.now() - t1 };
  }

  /** Commits a prepared batch: its messages and offsets in one transaction (or send, then offsets). */
  private async send(p: Prepared<R>, pending: PendingCommit): Promise<void> {
    const started = performance.now();
    const phases = await pending.finish();
    const t2 = performance.now();
    this.opts.metrics.commitDuration.observe((t2 - started) / 1000);
    this.opts.logger.debug({ messages: p.batch.length, sent: p.messages.reduce((n, t) => n + t.messages.length, 0), partitions: p.points.length, stageMs: Math.round(p.stageMs), encodeMs: Math.round(p.encodeMs), commitMs: Math.round(t2 - started), ...phases }, 'commit cycle');
    for (const { owner, point } of p.points) owner.offsets.committed(point);
    this.opts.settled(p.batch.length);
  }

  private async encode(outgoing: Outgoing[]) {
    return Promise.all(
      outgoing.map(async (o) => {
        const message: Message = { key: o.key, value: await this.opts.codec.encode(o.event), headers: { 'event-type': o.event.type, ...o.headers } };
        return { topic: o.topic, message, size: messageSize(message) };
      }),
    );
  }
}
