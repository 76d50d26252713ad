import type { Message } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { command, deadLetter, fakeLedger, fakeRecords, requested } from './dead-letters.fixture.js';
import { replayDeadLetters, type ReplaySender } from './replay.js';

function fakeSender(opts: { failAt?: number } = {}) {
  const sent: { topic: string; message: Message }[] = [];
  const sender: ReplaySender = {
    async send(topic, message) {
      if (opts.failAt === sent.length) throw new Error('broker unreachable');
      sent.push({ topic, message });
      return { partition: 0, offset: String(100 + sent.length) };
    },
  };
  return { sender, sent };
}

const actions = { topic: 'workflow.step.action', partition: 4, offset: '2' };

async function run(dls: ReturnType<typeof deadLetter>[], opts: { records?: ReturnType<typeof fakeRecords>; ledger?: ReturnType<typeof fakeLedger>; force?: boolean; dryRun?: boolean; failAt?: number } = {}) {
  const records = opts.records ?? fakeRecords();
  const ledger = opts.ledger ?? fakeLedger();
  const { sender, sent } = fakeSender({ ...(opts.failAt !== undefined ? { failAt: opts.failAt } : {}) });
  const outcomes = await replayDeadLetters(dls, { records: records.records, claims: records.records, ledger, sender, force: opts.force ?? false, dryRun: opts.dryRun ?? false });
  return { outcomes, sent, ledger, records };
}

describe('replaying dead letters', () => {
  it('sends a message that was never handled back to its source topic, once, and records it in the ledger', async () => {
    const dl = deadLetter({ value: requested('e1'), offset: 7 });
    const { outcomes, sent, ledger } = await run([dl]);
    expect(outcomes).toEqual([{ dl, status: 'replayed', to: { topic: 'workflow.execution.requested', partition: 0, offset: '101' }, notes: [] }]);
    expect(sent.map((s) => s.topic)).toEqual(['workflow.execution.requested']);
    expect(ledger.entries.get('execution:e1')?.from).toBe('0:7');
  });

  it('skips one that was handled, with the reason, and sends nothing', async () => {
    const records = fakeRecords({ executions: { e1: 'completed' } });
    const { outcomes, sent } = await run([deadLetter({ value: requested('e1') })], { records });
    expect(outcomes).toMatchObject([{ status: 'handled', why: 'already handled: execution e1 exists (completed)' }]);
    expect(sent).toEqual([]);
  });

  it('reports poison as poison and sends it only with --force', async () => {
    const poison = deadLetter({ value: '{not json', reason: 'undecodable: Unexpected token' });
    const plain = await run([poison]);
    expect(plain.outcomes).toMatchObject([{ status: 'poison', why: expect.stringMatching(/^undecodable: .*would only dead-letter it again \(--force replays it anyway\)$/) }]);
    expect(plain.sent).toEqual([]);
    const forced = await run([poison], { force: true });
    expect(forced.outcomes).toMatchObject([{ status: 'replayed', notes: [expect.stringMatching(/its consumer will dead-letter it again/)] }]);
    expect(forced.sent).toHaveLength(1);
  });

  it('never sends one without a source, even with --force', async () => {
    const { outcomes, sent } = await run([deadLetter({ value: requested(), source: null })], { force: true });
    expect(outcomes).toMatchObject([{ status: 'unreplayable' }]);
    expect(sent).toEqual([]);
  });

  it('sends the same work once per run when it was dead-lettered twice', async () => {
    const { outcomes, sent } = await run([deadLetter({ value: requested('e1'), offset: 1 }), deadLetter({ value: requested('e1'), offset: 2 })]);
    expect(outcomes.map((o) => o.status)).toEqual(['replayed', 'duplicate']);
    expect(sent).toHaveLength(1);
  });

  it('does not send again work it replayed before that is not recorded yet (a step still running), unless forced', async () => {
    const ledger = fakeLedger({ 'step:e1:1': { from: '0:3', at: new Date('2025-01-01T00:00:00Z') } });
    const dl = deadLetter({ value: command('e1', 1), source: actions, offset: 8 });
    const first = await run([dl], { ledger });
    expect(first.outcomes).toMatchObject([{ status: 'replayed-before', why: expect.stringMatching(/^replayed already from dead letter 0:3 at 2025-01-01T00:00:00.000Z/) }]);
    expect(first.sent).toEqual([]);
    const forced = await run([dl], { ledger, force: true });
    expect(forced.outcomes).toMatchObject([{ status: 'replayed' }]);
    expect(ledger.entries.get('step:e1:1')?.from).toBe('0:8');
  });

  it('sends a replay that came back as a dead letter itself (it did not run)', async () => {
    const ledger = fakeLedger({ 'step:e1:1': { from: '0:3', at: new Date() } });
    const again = deadLetter({ value: command('e1', 1), source: actions, offset: 9, headers: { 'dlq-replayed-from': '0:3' } });
    const { outcomes } = await run([again], { ledger });
    expect(outcomes).toMatchObject([{ status: 'replayed', notes: ['the replay from 0:3 was dead-lettered again', expect.stringMatching(/^runs step send/)] }]);
  });

  it('releases a claim the dead-lettered message took itself before sending its replay', async () => {
    const records = fakeRecords({ claims: { 'execution:e1': 'workflow.execution.requested/1/40' } });
    const { outcomes, sent } = await run([deadLetter({ value: requested('e1') })], { records });
    expect(outcomes).toMatchObject([{ status: 'replayed', notes: [expect.stringMatching(/^claim execution:e1 was taken by this very message/)] }]);
    expect(records.claims.has('execution:e1')).toBe(false);
    expect(sent).toHaveLength(1);
  });

  it('an ending waits for its start, unless the start is replayed before it in the same run', async () => {
    const at = '2025-01-01T00:00:00.000Z';
    const lifecycle = { topic: 'workflow.execution.events', partition: 0, offset: '3' };
    const start = { eventId: 'e1:started', type: 'execution.started', version: 1, occurredAt: at, orgId: 'org-a', executionId: 'e1', data: { workflowId: 'wf1', version: 1, userId: 'u', mode: 'live', triggerData: {}, startedAt: at, deadlineAt: at } };
    const end = { eventId: 'e1:completed', type: 'execution.completed', version: 1, occurredAt: at, orgId: 'org-a', executionId: 'e1', data: { workflowId: 'wf1', finalOutput: {}, completedAt: at, totalDurationMs: 1 } };
    const alone = await run([deadLetter({ value: end as never, source: lifecycle })]);
    expect(alone.outcomes).toMatchObject([{ status: 'waiting', why: expect.stringMatching(/replay its execution.started first/) }]);
    const together = await run([deadLetter({ value: start as never, source: lifecycle, offset: 1 }), deadLetter({ value: end as never, source: lifecycle, offset: 2 })]);
    expect(together.outcomes.map((o) => o.status)).toEqual(['replayed', 'replayed']);
  });

  it('on a dry run says what would happen and sends, writes and releases nothing', async () => {
    const records = fakeRecords({ claims: { 'execution:e2': 'workflow.execution.requested/1/40' } });
    const ledger = fakeLedger();
    const dls = [deadLetter({ value: requested('e1'), offset: 1 }), deadLetter({ value: requested('e2'), offset: 2 }), deadLetter({ value: 'garbage', offset: 3 })];
    const { outcomes, sent } = await run(dls, { records, ledger, dryRun: true });
    expect(outcomes.map((o) => o.status)).toEqual(['would-replay', 'would-replay', 'poison']);
    expect(sent).toEqual([]);
    expect(ledger.entries.size).toBe(0);
    expect(records.claims.get('execution:e2')).toBe('workflow.execution.requested/1/40');
  });

  it('stops sending at the first failure, and forgets the failed one in the ledger so it can be tried again', async () => {
    const ledger = fakeLedger();
    const dls = [deadLetter({ value: requested('e1'), offset: 1 }), deadLetter({ value: requested('e2'), offset: 2 }), deadLetter({ value: requested('e3'), offset: 3 })];
    const { outcomes, sent } = await run(dls, { ledger, failAt: 1 });
    expect(outcomes.map((o) => o.status)).toEqual(['replayed', 'failed', 'failed']);
    expect(outcomes[2]).toMatchObject({ why: 'not sent after an earlier failure: broker unreachable' });
    expect(sent).toHaveLength(1);
    expect([...ledger.entries.keys()]).toEqual(['execution:e1']);
  });
});
