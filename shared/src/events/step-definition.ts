import { z } from 'zod';

// Node types are defined in shared/src/nodes (one definition each); these lists come from there.
export { ACTION_TYPES, type ActionType } from '../nodes/actions.js';
export { AGENT_TYPES, type AgentType } from '../nodes/agents.js';
export { TRIGGER_TYPES, type TriggerType } from '../nodes/triggers.js';
export { UTILITY_TYPES, type UtilityType } from '../nodes/utilities.js';

export const STEP_TYPES = ['trigger', 'agent', 'action', 'utility'] as const;
export type StepType = (typeof STEP_TYPES)[number];
/** The categories that have a runner (triggers run inline in the orchestrator). */
export type RunnerCategory = Exclude<StepType, 'trigger'>;

// no dots or colons: a step id is one segment of `{{steps.<stepId>.<field>}}` and of the ids in ids.ts
const id = z.string().min(1).max(100).regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only');

/** A branch: the first route whose condition holds picks the next step. */
export const routeSchema = z.object({
  when: z.object({
    field: z.string().min(1).max(200),
    equals: z.union([z.string(), z.number(), z.boolean()]).optional(),
    notEquals: z.union([z.string(), z.number(), z.boolean()]).optional(),
    in: z.array(z.union([z.string(), z.number(), z.boolean()])).max(100).optional(),
    exists: z.boolean().optional(),
  }),
  nextStepId: id,
});
export type Route = z.infer<typeof routeSchema>;

export const retryPolicySchema = z.object({
  /** total attempts including the first; 1 disables retries */
  maxAttempts: z.number().int().min(1).max(10).default(3),
  /** first backoff delay in ms, doubled each attempt, with jitter */
  initialDelayMs: z.number().int().min(0).max(60_000).default(200),
  maxDelayMs: z.number().int().min(0).max(300_000).default(5_000),
});
export type RetryPolicy = z.infer<typeof retryPolicySchema>;

/**
 * A step as stored and carried in events. `config` is kept open here (drafts may be incomplete);
 * `validateWorkflow` checks it strictly against the node type before anything runs.
 */
export const stepDefinitionSchema = z.object({
  stepId: id,
  stepType: z.string().min(1).max(50),
  config: z.record(z.string(), z.unknown()).default({}),
  nextStepId: id.nullish(),
  routes: z.array(routeSchema).max(50).optional(),
  /** where to go when this step fails; without it a failed step fails the execution */
  onFailureStepId: id.nullish(),
  /** bounds the whole step, every retry included (default 30 s) */
  timeoutMs: z.number().int().min(100).max(600_000).optional(),
  retry: retryPolicySchema.partial().optional(),
});
export type StepDefinition = z.infer<typeof stepDefinitionSchema>;

export const DEFAULT_STEP_TIMEOUT_MS = 30_000;
