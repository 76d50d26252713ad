import { createRoute, z } from '@hono/zod-openapi';
import type { StepDefinition } from '@botwot/shared/events';
import { validateWorkflow } from '@botwot/shared/workflow';
import { body, createRouter, errors, json } from '../api/openapi.js';
import { pageFields, stepSchema, validationSchema, workflowSummarySchema } from '../api/schemas.js';
import type { AuthEnv } from '../auth.js';
import { ApiError, notFound } from '../errors.js';
import type { SenderCheck } from '../sender-check.js';
import type { WorkflowStore } from '../stores/workflow-store.js';
import { ID_PATTERN, unstorableAt } from '../validation.js';

// Drafts may be incomplete (validateWorkflow says what is missing), but they must be storable:
// step ids unique within a version, config keys and depth that Mongo takes.
const stepsSchema = z
  .array(stepSchema)
  .max(200)
  .superRefine((steps, ctx) => {
    const seen = new Set<string>();
    for (const [i, step] of steps.entries()) {
      if (seen.has(step.stepId)) ctx.addIssue({ code: 'custom', path: [i, 'stepId'], message: `step id ${step.stepId} is used more than once` });
      seen.add(step.stepId);
      const bad = unstorableAt(step.config);
      if (bad) ctx.addIssue({ code: 'custom', path: [i, 'config', ...bad.path], message: bad.message });
    }
  });
const createBody = z.object({ name: z.string().trim().min(1).max(200), description: z.string().max(2000).optional(), steps: stepsSchema });
const replaceBody = z.object({ name: z.string().trim().min(1).max(200).optional(), description: z.string().max(2000).optional(), steps: stepsSchema });
const listQuery = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  status: z.enum(['active', 'archived']).optional(),
});
const getQuery = z.object({ version: z.coerce.number().int().min(1).optional() });
const idParams = z.object({ id: z.string().openapi({ description: 'the workflow id', example: 'wf_3Jk9c2' }) });

const summaryWith = (more: z.ZodRawShape) => workflowSummarySchema.extend({ success: z.literal(true), ...more });
const withSteps = summaryWith({ steps: z.array(stepSchema), validation: validationSchema });
const detail = z
  .object({
    success: z.literal(true),
    id: z.string(),
    name: z.string(),
    description: z.string().nullish(),
    status: z.enum(['active', 'archived']),
    version: z.int().min(1).openapi({ description: 'the version shown' }),
    latestVersion: z.int().min(1),
    steps: z.array(stepSchema),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('Workflow');

const tags = ['workflows'];
const routes = {
  create: createRoute({
    method: 'post', path: '/', tags, summary: 'Create a workflow (version 1); drafts may be invalid',
    request: { body: body(createBody) },
    responses: { 201: json(withSteps, 'Created, with its validation'), ...errors(400, 413, 415, 429) },
  }),
  list: createRoute({
    method: 'get', path: '/', tags, summary: "List the organisation's workflows",
    request: { query: listQuery },
    responses: { 200: json(z.object({ success: z.literal(true), workflows: z.array(workflowSummarySchema), ...pageFields }), 'One page'), ...errors(400, 429) },
  }),
  get: createRoute({
    method: 'get', path: '/{id}', tags, summary: 'One workflow with the steps of a version (the latest by default)',
    request: { params: idParams, query: getQuery },
    responses: { 200: json(detail, 'The workflow'), ...errors(400, 404, 429) },
  }),
  replace: createRoute({
    method: 'put', path: '/{id}', tags, summary: 'Replace the steps: a new immutable version',
    request: { params: idParams, body: body(replaceBody) },
    responses: { 200: json(withSteps, 'The new version, with its validation'), ...errors(400, 404, 409, 413, 415, 429) },
  }),
  archive: createRoute({
    method: 'delete', path: '/{id}', tags, summary: 'Archive: no new executions, history kept',
    request: { params: idParams },
    responses: { 200: json(summaryWith({}), 'Archived'), ...errors(404, 429) },
  }),
  validate: createRoute({
    method: 'post', path: '/{id}/validate', tags, summary: 'Validate the latest version: the five structural checks and more',
    request: { params: idParams },
    responses: { 200: json(validationSchema.extend({ success: z.literal(true) }), 'The validation'), ...errors(404, 429) },
  }),
};

function idParam(id: string): string {
  if (!ID_PATTERN.test(id)) throw notFound('workflow');
  return id;
}

/** Workflow definitions: create, list, read, replace (new version), archive, validate. */
export function workflowRoutes(deps: { workflows: WorkflowStore; senders: SenderCheck }) {
  const app = createRouter<AuthEnv>();

  /** The structural checks plus the org's senders: a step may only send from what its org registered. */
  const validation = async (orgId: string, steps: StepDefinition[]) => {
    const result = validateWorkflow(steps);
    const errors = [...result.errors, ...(await deps.senders.problems(orgId, steps))];
    return { valid: errors.length === 0, errors };
  };

  app.openapi(routes.create, async (c) => {
    const { orgId, userId } = c.get('caller');
    const body = c.req.valid('json');
    const created = await deps.workflows.create({ orgId, userId, name: body.name, description: body.description, steps: body.steps });
    return c.json({ success: true, ...created, steps: body.steps, validation: await validation(orgId, body.steps) }, 201);
  });

  app.openapi(routes.list, async (c) => {
    const q = c.req.valid('query');
    const { items, total } = await deps.workflows.list(c.get('caller').orgId, { skip: (q.page - 1) * q.limit, limit: q.limit, status: q.status });
    return c.json({ success: true, workflows: items, total, page: q.page, limit: q.limit, pages: Math.ceil(total / q.limit) }, 200);
  });

  app.openapi(routes.get, async (c) => {
    const found = await deps.workflows.get(c.get('caller').orgId, idParam(c.req.param('id')), c.req.valid('query').version);
    if (!found) throw notFound('workflow');
    const w = found.workflow;
    return c.json({
      success: true,
      id: w._id,
      name: w.name,
      description: w.description,
      status: w.status === 'archived' ? ('archived' as const) : ('active' as const),
      version: found.version,
      latestVersion: w.latestVersion,
      steps: found.steps,
      createdAt: w.createdAt,
      updatedAt: w.updatedAt,
    }, 200);
  });

  app.openapi(routes.replace, async (c) => {
    const { orgId, userId } = c.get('caller');
    const body = c.req.valid('json');
    const current = await deps.workflows.get(orgId, idParam(c.req.param('id')));
    if (!current) throw notFound('workflow');
    if (current.workflow.status === 'archived') throw new ApiError(409, 'WORKFLOW_ARCHIVED', 'workflow is archived; it cannot be changed');
    const updated = await deps.workflows.replace(orgId, idParam(c.req.param('id')), { userId, name: body.name, description: body.description, steps: body.steps });
    if (!updated) throw notFound('workflow');
    if (updated === 'conflict') throw new ApiError(409, 'EDIT_IN_PROGRESS', 'another change to this workflow is being saved; try again');
    return c.json({ success: true, ...updated, steps: body.steps, validation: await validation(orgId, body.steps) }, 200);
  });

  app.openapi(routes.archive, async (c) => {
    const archived = await deps.workflows.archive(c.get('caller').orgId, idParam(c.req.param('id')));
    if (!archived) throw notFound('workflow');
    return c.json({ success: true, ...archived }, 200);
  });

  app.openapi(routes.validate, async (c) => {
    const { orgId } = c.get('caller');
    const found = await deps.workflows.get(orgId, idParam(c.req.param('id')));
    if (!found) throw notFound('workflow');
    return c.json({ success: true, ...(await validation(orgId, found.steps)) }, 200);
  });

  return app;
}
