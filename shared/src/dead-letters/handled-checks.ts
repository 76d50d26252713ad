import { ids, type AnyEvent, type EventOf, type EventType } from '../events/index.js';
import type { DeadLetterSource } from './dead-letter.js';

/**
 * What the engine has written that tells whether a message's work was done: the orchestrator's
 * claims, the log-sink's executions and step rows. Mongo in production, a fake in unit tests.
 */
export interface EngineRecords {
  /** who holds an orchestrator claim, as `topic/partition/offset` of the message that took it */
  claimHolder(key: string): Promise<string | undefined>;
  /** an execution's status, if the log-sink has a row for it */
  executionStatus(executionId: string): Promise<string | undefined>;
  logRowExists(rowId: string): Promise<boolean>;
}

/** A claim the dead-lettered message took itself before it was dead-lettered (its outputs were never sent). */
export interface OwnClaim {
  key: string;
  holder: string;
}

export type Verdict =
  | { kind: 'handled'; why: string }
  /** valid, but the engine cannot act on it as it is */
  | { kind: 'unfit'; why: string }
  | {
      kind: 'replay';
      /** the unit of work: two dead letters with the same key would do the same thing */
      workKey: string;
      /** released before the replay, or the orchestrator would drop the replay as a duplicate */
      ownClaim?: OwnClaim;
      /** replayable only after (or together with) the dead letter doing this work */
      needs?: { workKey: string; why: string };
      /** what the replay will do that an operator should know */
      note?: string;
    };

/** How the orchestrator names a claim's holder (services/orchestrator/src/claims.ts). */
export const claimHolderOf = (s: DeadLetterSource): string => `${s.topic}/${s.partition}/${s.offset}`;

interface CheckContext {
  source: DeadLetterSource;
  records: EngineRecords;
}
type Check<E> = (event: E, ctx: CheckContext) => Promise<Verdict>;

/** A claim held by another message means that message was acted on; one held by this message's source is its own. */
async function claim(key: string, ctx: CheckContext): Promise<{ handled: string } | { own?: OwnClaim }> {
  const holder = await ctx.records.claimHolder(key);
  if (holder === undefined) return {};
  if (holder === claimHolderOf(ctx.source)) return { own: { key, holder } };
  return { handled: `the orchestrator acted on it already: claim ${key} is held by ${holder}` };
}

const ended = (status: string | undefined) => status !== undefined && status !== 'running';

const executionRequested: Check<EventOf<'execution.requested'>> = async (e, ctx) => {
  const executionId = e.executionId as string;
  const status = await ctx.records.executionStatus(executionId);
  if (status !== undefined) return { kind: 'handled', why: `execution ${executionId} exists (${status})` };
  const c = await claim(ids.startClaim(executionId), ctx);
  if ('handled' in c) return { kind: 'handled', why: c.handled };
  return { kind: 'replay', workKey: ids.startClaim(executionId), ...(c.own ? { ownClaim: c.own } : {}) };
};

const triggerReceived: Check<EventOf<'trigger.received'>> = async (e, ctx) => {
  const key = ids.triggerClaim(e.orgId, e.eventId);
  const c = await claim(key, ctx);
  if ('handled' in c) return { kind: 'handled', why: c.handled };
  return { kind: 'replay', workKey: key, ...(c.own ? { ownClaim: c.own } : {}) };
};

/** A step's command or result: done once its log row or its result's claim exists, moot once the execution ended. */
async function stepWork(executionId: string, stepId: string, stepOrder: number, ctx: CheckContext): Promise<Verdict | { own?: OwnClaim; workKey: string }> {
  const status = await ctx.records.executionStatus(executionId);
  if (ended(status)) return { kind: 'handled', why: `execution ${executionId} has ended (${status}): step ${stepId} would act for an execution that is over` };
  const row = ids.logRow(executionId, stepOrder);
  if (await ctx.records.logRowExists(row)) return { kind: 'handled', why: `step ${stepId} is recorded (log row ${row})` };
  const key = ids.progressClaim(executionId, stepOrder);
  const c = await claim(key, ctx);
  if ('handled' in c) return { kind: 'handled', why: c.handled };
  return { workKey: key, ...(c.own ? { own: c.own } : {}) };
}

const stepCommand: Check<EventOf<'step.command'>> = async (e, ctx) => {
  const executionId = e.executionId as string;
  const { step, state, stepType } = e.data;
  const work = await stepWork(executionId, step.stepId, state.stepOrder, ctx);
  if ('kind' in work) return work;
  // a result's claim is taken on the results topic, never by a command, so `own` cannot occur here
  const sideEffect = stepType === 'action' ? `; the provider is called again with idempotency key ${ids.idempotencyKey(executionId, step.stepId)}` : '';
  return { kind: 'replay', workKey: work.workKey, note: `runs step ${step.stepId} (${e.data.nodeType}) again${sideEffect}` };
};

const stepResult: Check<EventOf<'step.completed'> | EventOf<'step.failed'>> = async (e, ctx) => {
  const work = await stepWork(e.executionId as string, e.data.stepId, e.data.state.stepOrder, ctx);
  if ('kind' in work) return work;
  return { kind: 'replay', workKey: work.workKey, ...(work.own ? { ownClaim: work.own } : {}) };
};

const executionStarted: Check<EventOf<'execution.started'>> = async (e, ctx) => {
  const executionId = e.executionId as string;
  const status = await ctx.records.executionStatus(executionId);
  if (status !== undefined) return { kind: 'handled', why: `execution ${executionId} is recorded (${status})` };
  return { kind: 'replay', workKey: `started:${executionId}` };
};

const stepRecorded: Check<EventOf<'step.recorded'>> = async (e, ctx) => {
  const row = ids.logRow(e.executionId as string, e.data.stepOrder);
  if (await ctx.records.logRowExists(row)) return { kind: 'handled', why: `step ${e.data.stepId} is recorded (log row ${row})` };
  return { kind: 'replay', workKey: `log:${row}` };
};

const cancelRequested: Check<EventOf<'execution.cancel_requested'>> = async (e, ctx) => {
  const executionId = e.executionId as string;
  const status = await ctx.records.executionStatus(executionId);
  if (ended(status)) return { kind: 'handled', why: `execution ${executionId} has ended (${status})` };
  const c = await claim(ids.cancelClaim(executionId), ctx);
  if ('handled' in c) return { kind: 'handled', why: c.handled };
  return { kind: 'replay', workKey: ids.cancelClaim(executionId), ...(c.own ? { ownClaim: c.own } : {}) };
};

const executionEnded: Check<EventOf<'execution.completed'> | EventOf<'execution.failed'> | EventOf<'execution.cancelled'>> = async (e, ctx) => {
  const executionId = e.executionId as string;
  const status = await ctx.records.executionStatus(executionId);
  if (ended(status)) return { kind: 'handled', why: `execution ${executionId} has ended (${status})` };
  const workKey = `ended:${executionId}`;
  if (status === undefined) {
    const why = `execution ${executionId} is not recorded, and the log-sink ignores an ending it has no row for: replay its execution.started first, or with it`;
    return { kind: 'replay', workKey, needs: { workKey: `started:${executionId}`, why } };
  }
  return { kind: 'replay', workKey };
};

const checks: { [T in EventType]: Check<EventOf<T>> } = {
  'execution.requested': executionRequested,
  'execution.cancel_requested': cancelRequested,
  'trigger.received': triggerReceived,
  'step.command': stepCommand,
  'step.completed': stepResult,
  'step.failed': stepResult,
  'execution.started': executionStarted,
  'step.recorded': stepRecorded,
  'execution.completed': executionEnded,
  'execution.failed': executionEnded,
  'execution.cancelled': executionEnded,
};

/** Events about one execution: without an executionId the engine cannot act on them. */
const NEEDS_EXECUTION: ReadonlySet<EventType> = new Set(Object.keys(checks).filter((t) => t !== 'trigger.received') as EventType[]);

/** Whether replaying this event would do work that was done already, per event type. */
export async function checkHandled(event: AnyEvent, source: DeadLetterSource, records: EngineRecords): Promise<Verdict> {
  if (NEEDS_EXECUTION.has(event.type) && !event.executionId) return { kind: 'unfit', why: `a ${event.type} without an executionId` };
  return (checks[event.type] as Check<AnyEvent>)(event, { source, records });
}
