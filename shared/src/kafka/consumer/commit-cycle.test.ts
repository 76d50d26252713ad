import type { Admin, KafkaMessage } from 'kafkajs';
import { describe, expect, it, vi } from 'vitest';
import { createEvent, TOPICS, type AnyEvent } from '../../events/index.js';
import { createLogger } from '../../observability/logger.js';
import { createMetrics } from '../../observability/metrics.js';
import { jsonCodec } from '../codec.js';
import { Assignment, type OwnedPartition } from './assignment.js';
import { CommitCycle } from './commit-cycle.js';
import type { CommitBatch } from './committer.js';

const topic = TOPICS.triggerEvents;
const admin = (committed: Record<number, { offset: string; metadata: string | null }>) =>
  ({ fetchOffsets: async () => [{ topic, partitions: Object.entries(committed).map(([p, c]) => ({ partition: Number(p), ...c })) }] }) as unknown as Admin;

const message = (offset: number): KafkaMessage => ({ key: Buffer.from('k'), value: Buffer.from('{}'), offset: String(offset), timestamp: '0', attributes: 0, headers: {} }) as KafkaMessage;
const event = (id: string): AnyEvent => createEvent('trigger.received', { orgId: 'o', eventId: id, data: { triggerType: 'whatsapp', data: {} } });

async function setup(
  opts: { committed?: Record<number, { offset: string; metadata: string | null }>; fail?: number; stage?: ConstructorParameters<typeof CommitCycle<string>>[0]['stage']; beforeCommit?: () => Promise<void>; minCycleMs?: number } = {},
) {
  const assignment = new Assignment({ admin: admin(opts.committed ?? { 0: { offset: '0', metadata: null } }), groupId: 'g', onError: (e) => { throw e; } });
  assignment.joined({ [topic]: [0] });
  const owner = (await assignment.get(topic, 0)) as OwnedPartition;
  const commits: CommitBatch[] = [];
  /** what happened to each commit begun, by the ids of the events it sends */
  const begun: { ids: string[]; end?: 'finished' | 'failed' | 'abandoned' }[] = [];
  const begunAt: number[] = [];
  let failures = opts.fail ?? 0;
  const settled = vi.fn();
  const cycle = new CommitCycle<string>({
    committer: {
      connect: async () => undefined,
      disconnect: async () => undefined,
      begin: (batch) => {
        const entry: (typeof begun)[number] = { ids: sentIds(batch) ?? [] };
        begunAt.push(performance.now());
        begun.push(entry);
        return {
          finish: async () => {
            await opts.beforeCommit?.();
            if (failures-- > 0) {
              entry.end = 'failed';
              throw new Error('broker away');
            }
            entry.end = 'finished';
            commits.push(batch);
            return undefined;
          },
          abandon: async () => {
            entry.end = 'abandoned';
          },
        };
      },
    },
    assignment,
    codec: jsonCodec(),
    stage: opts.stage,
    service: 'test',
    logger: createLogger('test', 'silent'),
    metrics: createMetrics('test'),
    maxMessageBytes: 10_000,
    maxMetadataBytes: 1_000,
    settled,
    onFatal: (e) => { throw e; },
    ...(opts.minCycleMs ? { minCycleMs: opts.minCycleMs } : {}),
  });
  cycle.start();
  return { assignment, owner, commits, begun, begunAt, cycle, settled };
}

const sentIds = (batch: CommitBatch | undefined): string[] | undefined => batch?.messages.flatMap((t) => t.messages).map((m) => JSON.parse(String(m.value)).eventId);
const ok = (outgoing: { topic: string; key: string; event: AnyEvent }[] = [], records: string[] = []) => ({ kind: 'ok' as const, outgoing: outgoing as never, records });

describe('CommitCycle', () => {
  it('with a least time between cycles, what finishes within it waits and goes in one cycle', async () => {
    const { owner, begun, begunAt, commits, cycle } = await setup({ minCycleMs: 200 });
    for (const o of [0, 1, 2]) owner.offsets.accept(o);
    const out = (id: string) => [{ topic: TOPICS.executionRequested, key: id, event: event(id) }];
    cycle.add({ owner, message: message(0), event: event('e0'), outcome: ok(out('out0')) });
    await vi.waitFor(() => expect(commits).toHaveLength(1));
    cycle.add({ owner, message: message(1), event: event('e1'), outcome: ok(out('out1')) });
    await new Promise((resolve) => setTimeout(resolve, 50));
    cycle.add({ owner, message: message(2), event: event('e2'), outcome: ok(out('out2')) });
    await vi.waitFor(() => expect(commits).toHaveLength(2), { timeout: 2_000 });
    expect(begun.map((b) => b.ids)).toEqual([['out0'], ['out1', 'out2']]);
    expect((begunAt[1] ?? 0) - (begunAt[0] ?? 0)).toBeGreaterThanOrEqual(195);
    expect(commits[1]?.offsets).toEqual([{ topic, partition: 0, offset: '3', metadata: null }]);
    await cycle.stop();
  });

  it('commits outputs with the offset below which everything is done, and what is done above it', async () => {
    const { owner, commits, cycle, settled } = await setup();
    for (const o of [0, 1, 2]) owner.offsets.accept(o);
    cycle.add({ owner, message: message(1), event: event('e1'), outcome: ok([{ topic: TOPICS.executionRequested, key: 'x', event: event('out1') }]) });
    await vi.waitFor(() => expect(commits).toHaveLength(1));
    expect(commits[0]?.messages.flatMap((t) => t.messages)).toHaveLength(1);
    expect(commits[0]?.offsets).toEqual([{ topic, partition: 0, offset: '0', metadata: expect.stringMatching(/^done1:/) }]);
    cycle.add({ owner, message: message(0), event: event('e0'), outcome: ok() });
    cycle.add({ owner, message: message(2), event: event('e2'), outcome: { kind: 'dead', reason: 'bad', cause: 'invalid_event' } });
    await vi.waitFor(() => expect(commits.at(-1)?.offsets).toEqual([{ topic, partition: 0, offset: '3', metadata: null }]));
    expect(commits.flatMap((c) => c.messages).filter((t) => t.topic === TOPICS.deadLetter).flatMap((t) => t.messages)).toHaveLength(1);
    expect(settled.mock.calls.reduce((n, [c]) => n + (c as number), 0)).toBe(3);
    await cycle.stop();
  });

  it('tries a failed commit again with the same messages', async () => {
    const { owner, commits, cycle } = await setup({ fail: 2 });
    owner.offsets.accept(0);
    cycle.add({ owner, message: message(0), event: event('e0'), outcome: ok([{ topic: TOPICS.executionRequested, key: 'x', event: event('out') }]) });
    await vi.waitFor(() => expect(commits).toHaveLength(1), { timeout: 5_000 });
    expect(commits[0]?.offsets[0]?.offset).toBe('1');
    expect(commits[0]?.messages.flatMap((t) => t.messages)).toHaveLength(1);
    await cycle.stop();
  });

  it('lets the stage drop a duplicate: nothing sent for it, its offset still committed', async () => {
    const { owner, commits, cycle } = await setup({ stage: async (messages) => {
        for (const m of messages) if (m.records.includes('dup')) m.drop('seen');
      },
    });
    owner.offsets.accept(0);
    owner.offsets.accept(1);
    cycle.add({ owner, message: message(0), event: event('a'), outcome: ok([{ topic: TOPICS.executionRequested, key: 'x', event: event('sent') }], ['new']) });
    cycle.add({ owner, message: message(1), event: event('b'), outcome: ok([{ topic: TOPICS.executionRequested, key: 'x', event: event('dropped') }], ['dup']) });
    await vi.waitFor(() => expect(commits.at(-1)?.offsets[0]?.offset).toBe('2'));
    const sent = commits.flatMap((c) => c.messages.flatMap((t) => t.messages)).map((m) => JSON.parse(String(m.value)).eventId);
    expect(sent).toEqual(['sent']);
    await cycle.stop();
  });

  it('dead-letters a message whose output exceeds the message limit instead of blocking the partition', async () => {
    const { owner, commits, cycle } = await setup();
    owner.offsets.accept(0);
    const huge = createEvent('trigger.received', { orgId: 'o', eventId: 'huge', data: { triggerType: 'whatsapp', data: { blob: 'x'.repeat(20_000) } } });
    cycle.add({ owner, message: message(0), event: event('e'), outcome: ok([{ topic: TOPICS.executionRequested, key: 'x', event: huge }]) });
    await vi.waitFor(() => expect(commits.at(-1)?.offsets[0]?.offset).toBe('1'));
    const topics = commits.flatMap((c) => c.messages.map((t) => t.topic));
    expect(topics).toEqual([TOPICS.deadLetter]);
    await cycle.stop();
  });

  it('drops what was done under an ownership the member has lost', async () => {
    const { assignment, owner, commits, cycle } = await setup();
    owner.offsets.accept(0);
    assignment.joined({});
    await assignment.get(topic, 0);
    cycle.add({ owner, message: message(0), event: event('e'), outcome: ok([{ topic: TOPICS.executionRequested, key: 'x', event: event('late') }]) });
    await cycle.stop();
    expect(commits.flatMap((c) => c.messages)).toEqual([]);
  });

  /** Message a is committing (held) while message b finishes and is staged; `release` lets a's commit go on. */
  async function bWhileACommits(opts: { fail?: number } = {}) {
    const log: string[] = [];
    let release: () => void = () => undefined;
    let holds = 1;
    const s = await setup({
      ...opts,
      stage: async (messages) => void log.push(`stage ${messages.map((m) => m.event.eventId).join(',')}`),
      beforeCommit: () => (holds-- > 0 ? new Promise<void>((r) => (release = r)) : Promise.resolve()),
    });
    const add = (offset: number, id: string) =>
      s.cycle.add({ owner: s.owner, message: message(offset), event: event(id), outcome: ok([{ topic: TOPICS.executionRequested, key: 'x', event: event(`out-${id}`) }], [id]) });
    for (const o of [0, 1]) s.owner.offsets.accept(o);
    add(0, 'a');
    await vi.waitFor(() => expect(log).toEqual(['stage a']));
    add(1, 'b');
    await vi.waitFor(() => expect(log).toEqual(['stage a', 'stage b']));
    return { ...s, log, release: () => release() };
  }

  it('stages what finished while a commit is in flight, and commits it right after, in order', async () => {
    const { commits, begun, cycle, release } = await bWhileACommits();
    expect(commits).toHaveLength(0);
    // b's commit is begun (its transaction opened) while a's is still in flight
    await vi.waitFor(() => expect(begun).toEqual([{ ids: ['out-a'] }, { ids: ['out-b'] }]));
    release();
    await vi.waitFor(() => expect(commits).toHaveLength(2));
    expect(commits.map(sentIds)).toEqual([['out-a'], ['out-b']]);
    expect(commits.map((c) => c.offsets.map((o) => o.offset))).toEqual([['1'], ['2']]);
    await cycle.stop();
  });

  it('redoes both cycles, in order, when the commit in flight fails', async () => {
    const { commits, begun, cycle, log, release } = await bWhileACommits({ fail: 1 });
    release(); // a's commit fails: b's begun commit is given up; a and b are staged again, together, and committed once
    await vi.waitFor(() => expect(commits).toHaveLength(1), { timeout: 5_000 });
    expect(begun).toEqual([
      { ids: ['out-a'], end: 'failed' },
      { ids: ['out-b'], end: 'abandoned' },
      { ids: ['out-a', 'out-b'], end: 'finished' },
    ]);
    expect(log).toEqual(['stage a', 'stage b', 'stage a,b']);
    expect(sentIds(commits[0])).toEqual(['out-a', 'out-b']);
    expect(commits[0]?.offsets[0]?.offset).toBe('2');
    await cycle.stop();
  });

  it('skips offsets a previous owner finished, from the committed metadata', async () => {
    const { owner } = await setup({ committed: { 0: { offset: '5', metadata: 'done1:1-2' } } });
    expect(owner.offsets.accept(5)).toBe('handle');
    expect(owner.offsets.accept(6)).toBe('done-before');
    expect(owner.offsets.accept(7)).toBe('done-before');
    expect(owner.offsets.accept(8)).toBe('handle');
  });
});
