import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { createSecurityModels, type SecurityModels } from './security-models.js';

const mixed = Schema.Types.Mixed;

/** A workflow: name and ownership. Its steps live in `workflowsteps`, one set per immutable version. */
const workflowSchema = new Schema(
  {
    _id: { type: String, required: true },
    orgId: { type: String, required: true },
    userId: { type: String, required: true },
    name: { type: String, required: true },
    description: { type: String },
    status: { type: String, enum: ['active', 'archived'], default: 'active' },
    latestVersion: { type: Number, required: true },
    /** the latest version that passed validation: what trigger events start (a draft never runs) */
    liveVersion: { type: Number },
    /** the trigger type of the live version, for matching trigger events */
    triggerType: { type: String },
    /** optional channel filter: only trigger events from this channel start it */
    triggerChannelId: { type: String },
  },
  { timestamps: true, collection: 'workflows', versionKey: false },
);
workflowSchema.index({ orgId: 1, status: 1, triggerType: 1 });
workflowSchema.index({ orgId: 1, updatedAt: -1 });

/** One step of one version of a workflow (the step as the API takes it, plus version, routes and policies). */
const workflowStepSchema = new Schema(
  {
    workflowId: { type: String, required: true },
    orgId: { type: String, required: true },
    version: { type: Number, required: true },
    position: { type: Number, required: true },
    stepId: { type: String, required: true },
    stepType: { type: String, required: true },
    config: { type: mixed, default: {} },
    nextStepId: { type: String },
    routes: { type: mixed },
    onFailureStepId: { type: String },
    timeoutMs: { type: Number },
    retry: { type: mixed },
  },
  { timestamps: true, collection: 'workflowsteps', versionKey: false, minimize: false },
);
workflowStepSchema.index({ workflowId: 1, version: 1, position: 1 });
workflowStepSchema.index({ workflowId: 1, version: 1, stepId: 1 }, { unique: true });

/** How an execution ended, or that it has not yet. */
export const EXECUTION_STATUSES = ['running', 'completed', 'failed', 'cancelled'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];
/** The statuses an execution ends in: each has its own numbering for list pages. */
export const ENDED_STATUSES = ['completed', 'failed', 'cancelled'] as const;
export type EndedStatus = (typeof ENDED_STATUSES)[number];

/**
 * One run. `_id` is the executionId. Written only by the log-sink.
 * `seq` numbers a workflow's executions in the order they started, `statusSeq` those of one ended
 * status in the order they ended; `page` and `statusPage` group them by fifty so a list page is an
 * equality lookup (see execution-pages.ts), whatever the database can or cannot push down.
 */
const executionSchema = new Schema(
  {
    _id: { type: String, required: true },
    workflowId: { type: String, required: true },
    version: { type: Number, required: true },
    orgId: { type: String, required: true },
    userId: { type: String, required: true },
    mode: { type: String, enum: ['live', 'test'], default: 'live' },
    status: { type: String, enum: EXECUTION_STATUSES, default: 'running' },
    triggerData: { type: mixed, required: true },
    finalOutput: { type: mixed },
    totalDuration: { type: Number },
    startedAt: { type: Date, required: true },
    completedAt: { type: Date },
    deadlineAt: { type: Date },
    errorMessage: { type: String },
    error: { type: mixed },
    failedStepId: { type: String },
    resumeState: { type: mixed },
    /** who cancelled it, and why when they said */
    cancelledBy: { type: String },
    cancelReason: { type: String },
    retryOf: { type: mixed },
    seq: { type: Number, required: true },
    page: { type: String, required: true },
    statusSeq: { type: Number },
    statusPage: { type: String },
    /** the event that ended it: a redelivered ending recognises its own earlier write */
    endEventId: { type: String },
    /** UTC day it started, for retention by an equality filter */
    day: { type: String, required: true },
  },
  { timestamps: true, collection: 'workflow_executions', versionKey: false, minimize: false },
);
executionSchema.index({ page: 1 });
executionSchema.index({ statusPage: 1 });
executionSchema.index({ status: 1, deadlineAt: 1 });
executionSchema.index({ orgId: 1, workflowId: 1, status: 1, startedAt: -1 });
executionSchema.index({ day: 1 });

/** One step's row. `_id` is ids.logRow(executionId, stepOrder), so a redelivered event finds it written. */
const executionLogSchema = new Schema(
  {
    _id: { type: String, required: true },
    executionId: { type: String, required: true },
    orgId: { type: String, required: true },
    stepId: { type: String, required: true },
    stepType: { type: String, required: true },
    nodeType: { type: String },
    stepOrder: { type: Number, required: true },
    status: { type: String, enum: ['running', 'completed', 'failed'], default: 'running' },
    input: { type: mixed },
    output: { type: mixed },
    duration: { type: Number },
    errorMessage: { type: String },
    error: { type: mixed },
    attempts: { type: Number },
    tries: { type: mixed },
    startedAt: { type: Date, required: true },
    completedAt: { type: Date },
    /** e.g. that the step finished after its execution was cancelled */
    note: { type: String },
    day: { type: String },
  },
  { timestamps: true, collection: 'execution_logs', versionKey: false, minimize: false },
);
executionLogSchema.index({ executionId: 1, stepOrder: 1 });
executionLogSchema.index({ day: 1 });

/**
 * Per workflow: how many executions started and how many ended in each status, written by the
 * one log-sink member that owns the workflow's partition. `applied` is the last offset applied per
 * partition, so a redelivered event is not counted twice. `retainedFrom` is set by retention:
 * executions that started before it have been deleted, so lists count from there.
 */
const executionStatsSchema = new Schema(
  {
    _id: { type: String, required: true },
    orgId: { type: String, required: true },
    seq: { type: Number, required: true },
    ended: { type: mixed, required: true },
    applied: { type: mixed, required: true },
    retainedFrom: { type: Date },
  },
  { timestamps: true, collection: 'workflow_execution_stats', versionKey: false, minimize: false },
);

/** Idempotency-Key → executionId, per org, so a repeated execute request starts nothing new. */
const executionRequestSchema = new Schema(
  {
    _id: { type: String, required: true },
    orgId: { type: String, required: true },
    executionId: { type: String, required: true },
    workflowId: { type: String, required: true },
    /** hash of route, mode and body: the same key with another request is refused */
    fingerprint: { type: String },
    version: { type: Number },
    /** expiry bucket (time / bucket length): expired keys are deleted one bucket at a time, by equality */
    bucket: { type: Number },
  },
  { timestamps: true, collection: 'execution_requests', versionKey: false },
);
executionRequestSchema.index({ bucket: 1 });

/** `edit:${workflowId}` while an edit writes a new version: one edit of a workflow at a time. */
const workflowEditLockSchema = new Schema(
  { _id: { type: String, required: true }, orgId: { type: String, required: true } },
  { timestamps: true, collection: 'workflow_edit_locks', versionKey: false },
);

export type WorkflowDoc = InferSchemaType<typeof workflowSchema>;
export type WorkflowStepDoc = InferSchemaType<typeof workflowStepSchema>;
export type ExecutionDoc = InferSchemaType<typeof executionSchema>;
export type ExecutionLogDoc = InferSchemaType<typeof executionLogSchema>;
export type ExecutionRequestDoc = InferSchemaType<typeof executionRequestSchema>;
export interface ExecutionStatsDoc {
  _id: string;
  orgId: string;
  /** executions started */
  seq: number;
  /** executions ended, by status */
  ended: Record<EndedStatus, number>;
  /** last offset applied, by partition of the execution-events topic */
  applied: Record<string, number>;
  /** executions that started before this were deleted by retention */
  retainedFrom?: Date;
}

export interface Models extends SecurityModels {
  Workflow: Model<WorkflowDoc>;
  WorkflowStep: Model<WorkflowStepDoc>;
  Execution: Model<ExecutionDoc>;
  ExecutionLog: Model<ExecutionLogDoc>;
  ExecutionRequest: Model<ExecutionRequestDoc>;
  ExecutionStats: Model<ExecutionStatsDoc>;
  WorkflowEditLock: Model<InferSchemaType<typeof workflowEditLockSchema>>;
}

/** Binds the models to one connection. */
export function createModels(conn: Connection): Models {
  return {
    Workflow: conn.model('Workflow', workflowSchema),
    WorkflowStep: conn.model('WorkflowStep', workflowStepSchema),
    Execution: conn.model('Execution', executionSchema),
    ExecutionLog: conn.model('ExecutionLog', executionLogSchema),
    ExecutionRequest: conn.model('ExecutionRequest', executionRequestSchema),
    ExecutionStats: conn.model<ExecutionStatsDoc>('ExecutionStats', executionStatsSchema),
    WorkflowEditLock: conn.model('WorkflowEditLock', workflowEditLockSchema),
    ...createSecurityModels(conn),
  };
}

/**
 * Creates the indexes of the given models (run by the service that owns them, at start). On
 * FerretDB only the unique ones: its btree indexes serve no find there (every equality filter
 * reaches PostgreSQL as `@>`, which only the launcher's GIN lookup indexes serve, docs/storage.md),
 * while every insert and update writes each of them. The others an earlier start made are dropped.
 */
export async function syncIndexes(...models: Model<never>[]): Promise<void> {
  const first = models[0];
  if (!first) return;
  if (!(await isFerretDB(first.db))) {
    for (const model of models) await model.createIndexes();
    return;
  }
  for (const model of models) {
    const wanted = model.schema.indexes();
    for (const [fields, options] of wanted) if (options.unique) await model.collection.createIndex(fields as never, options as never);
    const unused = new Set(wanted.filter(([, options]) => !options.unique).map(([fields]) => JSON.stringify(fields)));
    const existing = await model.collection.indexes().catch(() => []);
    for (const index of existing) if (index.name && !index.unique && unused.has(JSON.stringify(index.key))) await model.collection.dropIndex(index.name);
  }
}

/** FerretDB answers `buildInfo` with its own version beside the MongoDB one it speaks for. */
export async function isFerretDB(conn: Connection): Promise<boolean> {
  const db = conn.db;
  if (!db) throw new Error('not connected');
  const info = await db.admin().command({ buildInfo: 1 });
  return typeof info.ferretdbVersion === 'string';
}
