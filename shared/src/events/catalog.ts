import { z } from 'zod';
import { defineEvent } from './envelope.js';
import { userIdSchema } from './tenant-ids.js';
import { TRIGGER_TYPES } from '../nodes/triggers.js';
import { stepDefinitionSchema } from './step-definition.js';

const json = z.record(z.string(), z.unknown());
const isoDate = z.iso.datetime();

/** Whether an execution sends real side effects or only says what it would send. */
export const executionModeSchema = z.enum(['live', 'test']);
export type ExecutionMode = z.infer<typeof executionModeSchema>;

/** A typed error as recorded on a step or an execution. */
export const stepErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  kind: z.enum(['non_retryable', 'retry_after', 'retryable']),
  /** the downstream that failed (botcore, voice, whatsapp, smtp, crm) when there is one */
  provider: z.string().optional(),
  stepId: z.string().optional(),
});
export type StepErrorInfo = z.infer<typeof stepErrorSchema>;

/**
 * Everything a step needs to run and the orchestrator needs to continue afterwards.
 * It travels with the command and comes back with the result: the orchestrator keeps no state.
 * Each output is held once; the flat variables templates read are derived from it (variablesOf).
 */
export const executionStateSchema = z.object({
  workflowId: z.string(),
  version: z.number().int().positive(),
  userId: userIdSchema,
  mode: executionModeSchema,
  startedAt: isoDate,
  deadlineAt: isoDate,
  /** the trigger data as received */
  triggerData: json,
  /** each finished step's output by stepId, for `{{steps.<id>.<field>}}` */
  steps: z.record(z.string(), json),
  /** the order outputs were merged in: a later output's field wins in the flat variables */
  order: z.array(z.string()),
  /** stepOrder of the next log row; also the execution's progress, checked to drop stale results */
  stepOrder: z.number().int().min(0),
});
export type ExecutionState = z.infer<typeof executionStateSchema>;

/** What a retry from the failed step resumes with: the outputs before the failure. */
export const resumeStateSchema = z.object({ steps: z.record(z.string(), json), order: z.array(z.string()), stepOrder: z.number().int().min(0) });
export type ResumeState = z.infer<typeof resumeStateSchema>;

export const retryOfSchema = z.object({
  executionId: z.string(),
  from: z.enum(['start', 'failed_step']),
  /** when resuming at the failed step: where to start and the state it had */
  resumeStepId: z.string().optional(),
  resume: resumeStateSchema.optional(),
});

/** What a run is of and with: the fields its request and its start share. */
const runOf = z.object({
  workflowId: z.string(),
  version: z.number().int().positive(),
  userId: userIdSchema,
  mode: executionModeSchema,
  triggerData: json,
});

/** The gateway asks for a run of one workflow version. Key: executionId. */
export const executionRequested = defineEvent(
  'execution.requested',
  1,
  runOf.extend({
    timeoutMs: z.number().int().positive().optional(),
    retryOf: retryOfSchema.optional(),
  }),
);

/**
 * Someone asked to stop a running execution. Key: executionId, on the requests topic. No step
 * starts after the orchestrator handles it; a step already running may finish.
 */
export const executionCancelRequested = defineEvent(
  'execution.cancel_requested',
  1,
  z.object({ workflowId: z.string(), version: z.number().int().positive(), userId: z.string(), startedAt: isoDate, reason: z.string().max(500).optional() }),
);

/** An ingestion producer reports something that can start workflows. Key: orgId. */
export const triggerReceived = defineEvent(
  'trigger.received',
  1,
  z.object({
    triggerType: z.enum(TRIGGER_TYPES),
    /** the trigger's fields, e.g. phone_number and message_text for whatsapp */
    data: json,
    /** the channel/account that received it, to match a workflow's trigger filter (optional) */
    channelId: z.string().max(200).optional(),
  }),
);

/** The orchestrator asks a runner to run one step. Key: executionId. */
export const stepCommand = defineEvent(
  'step.command',
  1,
  z.object({
    step: stepDefinitionSchema,
    stepType: z.string(),
    nodeType: z.string(),
    state: executionStateSchema,
  }),
);

/** One call to a provider within a step, as the step log shows it. */
const tryRecord = z.object({ at: isoDate, ok: z.boolean(), error: z.string().optional(), durationMs: z.number() });

const stepOutcome = z.object({
  stepId: z.string(),
  stepType: z.string(),
  nodeType: z.string(),
  /** what the step was given after templating (its rendered config) */
  input: json,
  startedAt: isoDate,
  completedAt: isoDate,
  durationMs: z.number().int().min(0),
  /** provider calls made, one per try, for the log */
  tries: z.array(tryRecord).default([]),
  state: executionStateSchema,
});

/** A runner finished a step. Key: executionId. */
export const stepCompleted = defineEvent('step.completed', 1, stepOutcome.extend({ output: json }));

/** A runner gave up on a step. Key: executionId. */
export const stepFailed = defineEvent('step.failed', 1, stepOutcome.extend({ error: stepErrorSchema }));

/**
 * Lifecycle: an execution began. Lifecycle events are keyed by workflowId, so that one log-sink
 * member writes all of a workflow's executions (it numbers them for the list pages).
 */
export const executionStarted = defineEvent(
  'execution.started',
  1,
  runOf.extend({
    startedAt: isoDate,
    deadlineAt: isoDate,
    retryOf: z.object({ executionId: z.string(), from: z.enum(['start', 'failed_step']) }).optional(),
  }),
);

/** Lifecycle: one step's log row, complete. Key: workflowId, like every lifecycle event. */
export const stepRecorded = defineEvent(
  'step.recorded',
  1,
  z.object({
    workflowId: z.string(),
    stepId: z.string(),
    stepType: z.string(),
    nodeType: z.string(),
    stepOrder: z.number().int().min(0),
    status: z.enum(['completed', 'failed']),
    input: json,
    output: json.optional(),
    error: stepErrorSchema.optional(),
    attempts: z.number().int().min(1),
    tries: z.array(tryRecord).default([]),
    startedAt: isoDate,
    completedAt: isoDate,
    durationMs: z.number().int().min(0),
    /** said of a step that finished after its execution was cancelled */
    note: z.string().optional(),
  }),
);

/** Lifecycle: the end. Key: workflowId. */
export const executionCompleted = defineEvent(
  'execution.completed',
  1,
  z.object({ workflowId: z.string(), finalOutput: json, completedAt: isoDate, totalDurationMs: z.number().int().min(0) }),
);

export const executionFailed = defineEvent(
  'execution.failed',
  1,
  z.object({
    workflowId: z.string(),
    error: stepErrorSchema,
    completedAt: isoDate,
    totalDurationMs: z.number().int().min(0),
    /** state at the failure, so a retry can resume from the failed step */
    failedStepId: z.string().optional(),
    resumeState: resumeStateSchema.optional(),
  }),
);

/** Lifecycle: the execution was cancelled; nothing after the steps already running ran. Key: workflowId. */
export const executionCancelled = defineEvent(
  'execution.cancelled',
  1,
  z.object({ workflowId: z.string(), completedAt: isoDate, totalDurationMs: z.number().int().min(0), cancelledBy: z.string(), reason: z.string().optional() }),
);

/** Every event type the system knows, by type name. Add a schema here and nowhere else. */
export const eventCatalog = {
  'execution.requested': executionRequested,
  'execution.cancel_requested': executionCancelRequested,
  'trigger.received': triggerReceived,
  'step.command': stepCommand,
  'step.completed': stepCompleted,
  'step.failed': stepFailed,
  'execution.started': executionStarted,
  'step.recorded': stepRecorded,
  'execution.completed': executionCompleted,
  'execution.failed': executionFailed,
  'execution.cancelled': executionCancelled,
} as const;

export type EventCatalog = typeof eventCatalog;
export type EventType = keyof EventCatalog;
export type EventOf<T extends EventType> = z.infer<EventCatalog[T]>;
export type AnyEvent = { [T in EventType]: EventOf<T> }[EventType];
