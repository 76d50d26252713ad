import { createRoute, z } from '@hono/zod-openapi';
import { body, createRouter, errors, json } from '../api/openapi.js';
import type { AuthEnv, Caller } from '../auth.js';
import { ApiError, notFound } from '../errors.js';
import type { OrgLimiter } from '../limits/org-limiter.js';
import { planRetry, type RetryPlan } from '../retry/plan-retry.js';
import { retryStartOf, type RetryOptions } from '../retry/retry-of.js';
import type { ExecutionStarter } from '../start-execution.js';
import type { ExecutionStore, ExecutionView } from '../stores/execution-store.js';
import type { WorkflowStore } from '../stores/workflow-store.js';
import { ID_PATTERN } from '../validation.js';

/** At most this many executions are retried (or previewed) per call. */
export const MAX_BULK_RETRY = 100;
const RANGE_MS = { '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const;

const retryBody = z
  .object({
    filter: z
      .object({
        status: z.enum(['completed', 'failed', 'cancelled']).optional().openapi({ description: 'only executions that ended so' }),
        dateRange: z.enum(['24h', '7d', '30d', 'all']).optional().openapi({ description: 'only executions that ended (with a status) or started (without) this recently' }),
        executionIds: z.array(z.string().regex(/^[A-Za-z0-9_-]{1,100}$/)).min(1).max(MAX_BULK_RETRY).optional().openapi({ description: 'only these executions of the workflow' }),
      })
      .refine((f) => f.status !== undefined || f.dateRange !== undefined || f.executionIds !== undefined, { message: 'give at least one of status, dateRange, executionIds' }),
    from: z.enum(['start', 'failed_step']).default('start'),
    version: z.enum(['original', 'latest']).default('original'),
    dryRun: z.boolean().default(false),
  })
  .openapi('BulkRetryRequest', { example: { filter: { status: 'failed', dateRange: '24h' }, from: 'failed_step', version: 'original', dryRun: true } });

const item = z
  .object({
    executionId: z.string(),
    status: z.enum(['running', 'completed', 'failed', 'cancelled']),
    stepsToRun: z.array(z.object({ stepId: z.string(), stepType: z.string(), nodeType: z.string() })),
    sideEffects: z.array(z.object({ stepId: z.string(), channel: z.enum(['whatsapp', 'email', 'call', 'crm']), to: z.string(), summary: z.string() })),
    newExecutionId: z.string().optional().openapi({ description: 'the retry that was started (not in a dry run)' }),
    notes: z.array(z.string()).optional().openapi({ description: 'what the preview could not know' }),
    error: z.object({ code: z.string(), message: z.string() }).optional().openapi({ description: 'why this execution is not retried (e.g. EXECUTION_RUNNING, NO_FAILED_STEP)' }),
  })
  .openapi('BulkRetryItem');
const answer = z
  .object({
    success: z.literal(true),
    dryRun: z.boolean(),
    total: z.int().min(0).openapi({ description: 'executions that match the filter; at most 100 (the newest) are handled per call' }),
    executions: z.array(item),
    notFound: z.array(z.string()).optional().openapi({ description: 'requested ids this workflow has no execution of (or another org has)' }),
  })
  .openapi('BulkRetryResult');

const route = createRoute({
  method: 'post',
  path: '/{id}/executions/retry',
  tags: ['executions'],
  summary: 'Retry many executions of a workflow, or preview what a retry would do (dryRun)',
  description: [
    'Selects the executions of the workflow that match every filter given (at most 100 per call, the newest first) and retries each as `POST /workFlow/execution/{executionId}/retry` would, or with `dryRun: true` only says, per execution, which steps would run and what they would send again.',
    'The preview is worked out from what the execution recorded: its trigger data and each step\'s output, rendered with the templating the runners use, routes followed on the recorded outputs.',
    'It cannot know what an agent or utility will answer when asked again: on the rerun a branch may go elsewhere and a message may read otherwise. A step the original run has no output for (it failed there, or it is new in the version) is assumed to succeed; where such a step branches, the preview stops and says so in `notes`.',
    'Every execution started counts against the organisation\'s execute limit (429 RATE_LIMITED, nothing started, when they do not all fit).',
  ].join(' '),
  request: { params: z.object({ id: z.string() }), body: body(retryBody) },
  responses: { 200: json(answer, 'What was (or would be) retried'), ...errors(400, 404, 413, 415, 429) },
});

export interface BulkRetryDeps {
  workflows: WorkflowStore;
  executions: ExecutionStore;
  start: ExecutionStarter;
  limits: OrgLimiter;
}

/** POST /workFlow/:id/executions/retry: bulk retry with a dry run. */
export function bulkRetryRoutes(deps: BulkRetryDeps) {
  const app = createRouter<AuthEnv>();

  app.openapi(route, async (c) => {
    const caller = c.get('caller');
    const workflowId = c.req.param('id');
    if (!ID_PATTERN.test(workflowId) || !(await deps.workflows.get(caller.orgId, workflowId))) throw notFound('workflow');
    const req = c.req.valid('json');
    const { selected, total, notFound: missing } = await select(caller.orgId, workflowId, req.filter);
    const opts: RetryOptions = { from: req.from, version: req.version };
    const planned = await Promise.all(selected.map((e) => preview(caller, e, opts)));

    const runnable = planned.filter((p) => p.start !== undefined);
    if (!req.dryRun && runnable.length > 1) {
      // the request itself counted one against the execute limit; each further execution counts too
      const taken = deps.limits.take('execute', caller.orgId, runnable.length - 1);
      if (!taken.ok) throw new ApiError(429, 'RATE_LIMITED', `retrying ${runnable.length} executions is over this organisation's execute limit; retry fewer or later`, undefined, { 'Retry-After': String(taken.retryAfterSeconds) });
    }
    const items: z.infer<typeof item>[] = [];
    for (const p of planned) {
      if (req.dryRun || !p.start) {
        items.push(p.item);
        continue;
      }
      const started = await deps.start({ caller, ...p.start });
      items.push({ ...p.item, newExecutionId: started.executionId });
    }
    return c.json({ success: true as const, dryRun: req.dryRun, total, executions: items, ...(missing.length > 0 ? { notFound: missing } : {}) }, 200);
  });

  /** The executions the filter names, newest first, at most MAX_BULK_RETRY; each read by an index lookup. */
  async function select(orgId: string, workflowId: string, filter: z.infer<typeof retryBody>['filter']): Promise<{ selected: ExecutionView[]; total: number; notFound: string[] }> {
    const since = filter.dateRange && filter.dateRange !== 'all' ? new Date(Date.now() - RANGE_MS[filter.dateRange]) : undefined;
    if (filter.executionIds) {
      const ids = [...new Set(filter.executionIds)];
      const rows = await Promise.all(ids.map((id) => deps.executions.get(orgId, id, { withResumeState: true })));
      const notFound = ids.filter((_, i) => !rows[i] || rows[i]?.workflowId !== workflowId);
      const selected = rows.filter((r): r is ExecutionView => !!r && r.workflowId === workflowId && (!filter.status || r.status === filter.status) && (!since || endOrStart(r, !!filter.status) >= since));
      return { selected, total: selected.length, notFound };
    }
    const { items, total } = await deps.executions.list({ orgId, workflowId, status: filter.status, since, skip: 0, limit: MAX_BULK_RETRY });
    const full = await Promise.all(items.map((e) => deps.executions.get(orgId, e.executionId, { withResumeState: true })));
    return { selected: full.filter((r): r is ExecutionView => !!r), total, notFound: [] };
  }

  /** What retrying one execution would do, or why it cannot be retried. */
  async function preview(caller: Caller, original: ExecutionView, opts: RetryOptions) {
    const base = { executionId: original.executionId, status: original.status, stepsToRun: [] as RetryPlan['stepsToRun'], sideEffects: [] as RetryPlan['sideEffects'] };
    let start: ReturnType<typeof retryStartOf>;
    try {
      start = retryStartOf(original, opts);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      return { item: { ...base, error: { code: error.code, message: error.message } }, start: undefined };
    }
    const version = await deps.workflows.get(caller.orgId, original.workflowId, start.version);
    if (!version) return { item: { ...base, error: { code: 'NOT_FOUND', message: `version ${start.version ?? 'latest'} of the workflow is gone` } }, start: undefined };
    const logs = await deps.executions.logs(caller.orgId, original.executionId);
    const recorded = new Map(logs.filter((l) => l.status === 'completed' && l.output && typeof l.output === 'object').map((l) => [l.stepId, l.output as Record<string, unknown>]));
    const plan = planRetry({
      steps: version.steps,
      mode: start.mode,
      triggerData: start.triggerData,
      startedAt: new Date(original.startedAt),
      recorded,
      from: start.resume && start.retryOf?.resumeStepId ? { kind: 'failed_step', stepId: start.retryOf.resumeStepId, resume: start.resume } : { kind: 'start' },
    });
    const { resume: _resume, ...request } = start;
    return { item: { ...base, stepsToRun: plan.stepsToRun, sideEffects: plan.sideEffects, ...(plan.notes.length > 0 ? { notes: plan.notes } : {}) }, start: request };
  }

  return app;
}

function endOrStart(e: ExecutionView, byEnd: boolean): Date {
  return new Date((byEnd ? e.completedAt : undefined) ?? e.startedAt);
}
