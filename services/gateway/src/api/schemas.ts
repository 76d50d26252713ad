import { z } from '@hono/zod-openapi';
import { EXECUTION_STATUSES } from '@botwot/shared/db';
import { stepDefinitionSchema, stepErrorSchema } from '@botwot/shared/events';

/**
 * The shapes of the API's answers, named as OpenAPI components. The routes validate requests with
 * their own schemas (beside each route); these describe what comes back, and the integration tests
 * check every answer they receive against them.
 */

const when = z.iso.datetime().openapi({ example: '2026-11-26T10:15:00.000Z' });
const json = z.record(z.string(), z.unknown());

export const errorSchema = z
  .object({
    success: z.literal(false),
    error: z.object({
      code: z.string().openapi({ example: 'VALIDATION_FAILED' }),
      message: z.string().openapi({ example: 'invalid body' }),
      details: z.unknown().optional().openapi({ description: 'for 400: the failing fields, `[{ field, message }]`; for INVALID_WORKFLOW: the validation errors' }),
    }),
  })
  .openapi('Error');

// rebuilt with this package's z: .openapi() is added to its zod instance, which need not be the shared package's
export const stepSchema = z.object(stepDefinitionSchema.shape).openapi('Step', {
  example: { stepId: 'decide', stepType: 'agent', config: { agentType: 'decision', inputText: 'Should we approve: {{message_text}}' }, nextStepId: 'review' },
});

export const validationSchema = z
  .object({ valid: z.boolean(), errors: z.array(z.object({ stepId: z.string().optional(), message: z.string() })) })
  .openapi('Validation');

export const workflowSummarySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().optional(),
    status: z.enum(['active', 'archived']),
    version: z.int().min(1).openapi({ description: 'the latest version' }),
    triggerType: z.string().optional().openapi({ description: 'the trigger of the live (latest valid) version' }),
    createdAt: when,
    updatedAt: when,
  })
  .openapi('WorkflowSummary');

export const executionStatusSchema = z.enum(EXECUTION_STATUSES).openapi('ExecutionStatus');

const executionFields = {
  id: z.string(),
  executionId: z.string(),
  workflowId: z.string(),
  version: z.int().min(1),
  orgId: z.string(),
  userId: z.string(),
  mode: z.enum(['live', 'test']),
  status: executionStatusSchema,
  triggerData: json,
  finalOutput: json.optional().openapi({ description: 'completed: every variable at the end' }),
  totalDuration: z.number().optional().openapi({ description: 'ms from start to end' }),
  startedAt: when,
  completedAt: when.optional(),
  deadlineAt: when.optional(),
  errorMessage: z.string().optional(),
  error: stepErrorSchema.optional(),
  failedStepId: z.string().optional(),
  cancelledBy: z.string().optional(),
  cancelReason: z.string().optional(),
  retryOf: z.object({ executionId: z.string(), from: z.enum(['start', 'failed_step']) }).optional(),
};

export const executionSchema = z.object(executionFields).openapi('Execution', {
  example: {
    id: 'b3c1…',
    executionId: 'b3c1…',
    workflowId: 'wf_…',
    version: 1,
    orgId: 'org-123',
    userId: 'user-1',
    mode: 'live',
    status: 'completed',
    triggerData: { phone_number: '+919876543210', message_text: 'I need a loan' },
    startedAt: '2026-11-26T10:15:00.000Z',
    completedAt: '2026-11-26T10:15:00.420Z',
    totalDuration: 420,
  },
});

/** A list item: the same fields as one execution (lists never carry internal resume state). */
export const executionSummarySchema = z.object(executionFields).openapi('ExecutionSummary');

export const executionLogSchema = z
  .object({
    id: z.string(),
    executionId: z.string(),
    orgId: z.string(),
    stepId: z.string(),
    stepType: z.string(),
    nodeType: z.string().optional(),
    stepOrder: z.int().min(0),
    status: z.enum(['running', 'completed', 'failed']),
    input: z.unknown().openapi({ description: 'the rendered config; `missingVariables` lists placeholders left as written' }),
    output: json.nullable(),
    duration: z.number().optional(),
    errorMessage: z.string().nullable().optional(),
    error: stepErrorSchema.nullable().optional(),
    attempts: z.int().optional(),
    tries: z.array(z.object({ at: when, ok: z.boolean(), error: z.string().optional(), durationMs: z.number() })).optional(),
    startedAt: when,
    completedAt: when.optional(),
    note: z.string().optional().openapi({ description: 'e.g. that the step finished after its execution was cancelled' }),
  })
  .openapi('ExecutionLog');

export const pageFields = {
  total: z.int().min(0),
  page: z.int().min(1),
  limit: z.int().min(1),
  pages: z.int().min(0),
};

export const channelSchema = z
  .object({ kind: z.enum(['whatsapp', 'email']), value: z.string(), label: z.string().optional(), createdBy: z.string(), createdAt: when })
  .openapi('Channel');

export { json as jsonObjectSchema, when as dateTimeSchema };
