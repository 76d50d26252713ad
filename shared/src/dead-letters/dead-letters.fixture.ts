import type { KafkaMessage } from 'kafkajs';
import { createEvent, ids, type AnyEvent, type EventOf } from '../events/index.js';
import { DLQ_HEADERS } from '../kafka/index.js';
import { toDeadLetter, type DeadLetter } from './dead-letter.js';
import type { EngineRecords } from './handled-checks.js';
import type { LedgerEntry, ReplayLedger } from './replay-plan.js';

/** A dead letter as the consumer runtime writes one, for unit tests. */
export function deadLetter(opts: {
  value: Buffer | string | AnyEvent | null;
  partition?: number;
  offset?: number;
  timestamp?: number;
  source?: { topic: string; partition: number; offset: string } | null;
  reason?: string;
  key?: string;
  headers?: Record<string, string>;
  wireFormat?: boolean;
}): DeadLetter {
  const source = opts.source === undefined ? { topic: 'workflow.execution.requested', partition: 1, offset: '40' } : opts.source;
  const value =
    opts.value === null ? null : Buffer.isBuffer(opts.value) ? opts.value : Buffer.from(typeof opts.value === 'string' ? opts.value : JSON.stringify(opts.value));
  const headers: Record<string, string> = {
    ...(opts.reason !== undefined ? { [DLQ_HEADERS.reason]: opts.reason } : { [DLQ_HEADERS.reason]: 'handler failed' }),
    ...(source
      ? { [DLQ_HEADERS.sourceTopic]: source.topic, [DLQ_HEADERS.sourcePartition]: String(source.partition), [DLQ_HEADERS.sourceOffset]: source.offset }
      : {}),
    [DLQ_HEADERS.service]: 'orchestrator',
    ...opts.headers,
  };
  const message = {
    key: opts.key === undefined ? null : Buffer.from(opts.key),
    value,
    headers,
    offset: String(opts.offset ?? 7),
    timestamp: String(opts.timestamp ?? Date.parse('2025-01-01T00:00:00Z')),
    attributes: 0,
  } as KafkaMessage;
  return toDeadLetter(opts.partition ?? 0, message, { wireFormat: opts.wireFormat ?? true });
}

export function requested(executionId = 'e1', orgId = 'org-a'): EventOf<'execution.requested'> {
  return createEvent('execution.requested', {
    orgId,
    executionId,
    eventId: ids.requestedEvent(executionId),
    data: { workflowId: 'wf1', version: 1, userId: 'u1', mode: 'live', triggerData: { phone_number: '+15550001' } },
  });
}

const state = (stepOrder: number) => ({
  workflowId: 'wf1', version: 1, userId: 'u1', mode: 'live' as const, startedAt: '2025-01-01T00:00:00.000Z', deadlineAt: '2025-01-01T00:10:00.000Z',
  triggerData: {}, steps: {}, order: [], stepOrder,
});

export function command(executionId = 'e1', stepOrder = 1, stepType: 'action' | 'agent' = 'action'): EventOf<'step.command'> {
  return createEvent('step.command', {
    orgId: 'org-a',
    executionId,
    data: {
      step: { stepId: 'send', stepType, config: stepType === 'action' ? { actionType: 'send_whatsapp', messageTemplate: 'hi' } : { agentType: 'conversational' } },
      stepType,
      nodeType: stepType === 'action' ? 'send_whatsapp' : 'conversational',
      state: state(stepOrder),
    },
  });
}

export function completed(executionId = 'e1', stepOrder = 1): EventOf<'step.completed'> {
  const at = '2025-01-01T00:00:01.000Z';
  return createEvent('step.completed', {
    orgId: 'org-a',
    executionId,
    data: { stepId: 'send', stepType: 'action', nodeType: 'send_whatsapp', input: {}, startedAt: at, completedAt: at, durationMs: 0, tries: [], state: state(stepOrder), output: {} },
  });
}

/** Engine records in memory: claims by key, execution statuses, log row ids. */
export function fakeRecords(init: { claims?: Record<string, string>; executions?: Record<string, string>; logRows?: string[] } = {}) {
  const claims = new Map(Object.entries(init.claims ?? {}));
  const executions = new Map(Object.entries(init.executions ?? {}));
  const rows = new Set(init.logRows ?? []);
  const records: EngineRecords & { releaseOwnClaim(c: { key: string; holder: string }): Promise<boolean> } = {
    claimHolder: async (key) => claims.get(key),
    executionStatus: async (id) => executions.get(id),
    logRowExists: async (id) => rows.has(id),
    releaseOwnClaim: async ({ key, holder }) => {
      const current = claims.get(key);
      if (current !== undefined && current !== holder) return false;
      claims.delete(key);
      return true;
    },
  };
  return { records, claims, executions, rows };
}

/** The replay ledger in memory. */
export function fakeLedger(init: Record<string, LedgerEntry> = {}): ReplayLedger & { entries: Map<string, LedgerEntry> } {
  const entries = new Map(Object.entries(init));
  return {
    entries,
    find: async (key) => entries.get(key),
    take: async ({ workKey, from, previous }) => {
      const current = entries.get(workKey);
      if (current?.from !== previous?.from) return false;
      entries.set(workKey, { from, at: new Date('2025-01-02T00:00:00Z') });
      return true;
    },
    forget: async (key, from) => {
      if (entries.get(key)?.from === from) entries.delete(key);
    },
  };
}
