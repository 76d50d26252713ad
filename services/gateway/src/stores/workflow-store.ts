import { randomBytes } from 'node:crypto';
import type { StepDefinition } from '@botwot/shared/events';
import { readWorkflowVersion, type Models, type WorkflowVersion } from '@botwot/shared/db';

export interface WorkflowSummary {
  id: string;
  name: string;
  description?: string | undefined;
  status: 'active' | 'archived';
  version: number;
  triggerType?: string | undefined;
  createdAt: Date;
  updatedAt: Date;
}

/** The gateway's workflow definitions: every change of steps is a new immutable version. */
export interface WorkflowStore {
  create(input: { orgId: string; userId: string; name: string; description?: string | undefined; steps: StepDefinition[] }): Promise<WorkflowSummary>;
  list(orgId: string, page: { skip: number; limit: number; status?: 'active' | 'archived' | undefined }): Promise<{ items: WorkflowSummary[]; total: number }>;
  get(orgId: string, id: string, version?: number): Promise<WorkflowVersion | null>;
  replace(orgId: string, id: string, input: { userId: string; name?: string | undefined; description?: string | undefined; steps: StepDefinition[] }): Promise<WorkflowSummary | null>;
  archive(orgId: string, id: string): Promise<WorkflowSummary | null>;
}

function triggerTypeOf(steps: StepDefinition[]): string | undefined {
  const t = steps.find((s) => s.stepType === 'trigger')?.config.triggerType;
  return typeof t === 'string' ? t : undefined;
}
function channelOf(steps: StepDefinition[]): string | undefined {
  const c = steps.find((s) => s.stepType === 'trigger')?.config.channelId;
  return typeof c === 'string' ? c : undefined;
}

function summary(doc: { _id: unknown; name: string; description?: string | null; status?: string | null; latestVersion: number; triggerType?: string | null; createdAt: Date; updatedAt: Date }): WorkflowSummary {
  return {
    id: String(doc._id),
    name: doc.name,
    ...(doc.description ? { description: doc.description } : {}),
    status: doc.status === 'archived' ? 'archived' : 'active',
    version: doc.latestVersion,
    ...(doc.triggerType ? { triggerType: doc.triggerType } : {}),
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

export function createMongoWorkflowStore(models: Models): WorkflowStore {
  const writeSteps = async (workflowId: string, orgId: string, version: number, steps: StepDefinition[]) => {
    // Steps go in before the workflow points at their version, so no reader sees a half-written version.
    if (steps.length === 0) return;
    await models.WorkflowStep.insertMany(
      steps.map((s, position) => ({
        workflowId,
        orgId,
        version,
        position,
        stepId: s.stepId,
        stepType: s.stepType,
        config: s.config,
        nextStepId: s.nextStepId ?? undefined,
        routes: s.routes,
        onFailureStepId: s.onFailureStepId ?? undefined,
        timeoutMs: s.timeoutMs,
        retry: s.retry,
      })),
    );
  };

  const claimVersion = async (workflowId: string, orgId: string, from: number): Promise<number> => {
    for (let version = from; version < from + 50; version++) {
      try {
        await models.WorkflowVersionClaim.create({ _id: `${workflowId}:${version}`, orgId });
        return version;
      } catch (error) {
        if ((error as { code?: number }).code !== 11000) throw error;
      }
    }
    throw new Error(`could not claim a version of ${workflowId}`);
  };

  return {
    async create(input) {
      const id = randomBytes(12).toString('hex');
      await writeSteps(id, input.orgId, 1, input.steps);
      const doc = await models.Workflow.create({
        _id: id,
        orgId: input.orgId,
        userId: input.userId,
        name: input.name,
        description: input.description,
        status: 'active',
        latestVersion: 1,
        triggerType: triggerTypeOf(input.steps),
        triggerChannelId: channelOf(input.steps),
      });
      return summary(doc.toObject());
    },
    async list(orgId, page) {
      const filter = { orgId, ...(page.status ? { status: page.status } : {}) };
      const [rows, total] = await Promise.all([
        models.Workflow.find(filter).sort({ updatedAt: -1, _id: 1 }).skip(page.skip).limit(page.limit).lean(),
        models.Workflow.countDocuments(filter),
      ]);
      return { items: rows.map(summary), total };
    },
    get: (orgId, id, version) => readWorkflowVersion(models, { orgId, workflowId: id, ...(version ? { version } : {}) }),
    async replace(orgId, id, input) {
      // Each edit claims its own version number with a unique insert (atomic on any Mongo-wire
      // server, unlike a read-modify-write), writes its steps under it, then becomes the latest
      // unless a later number already has: concurrent edits never share a version.
      const current = await models.Workflow.findOne({ _id: id, orgId }).lean();
      if (!current) return null;
      const version = await claimVersion(id, orgId, current.latestVersion + 1);
      await writeSteps(id, orgId, version, input.steps);
      const updated = await models.Workflow.findOneAndUpdate(
        { _id: id, orgId, latestVersion: { $lt: version } },
        {
          $set: {
            latestVersion: version,
            triggerType: triggerTypeOf(input.steps),
            triggerChannelId: channelOf(input.steps),
            ...(input.name ? { name: input.name } : {}),
            ...(input.description !== undefined ? { description: input.description } : {}),
          },
        },
        { new: true },
      ).lean();
      if (updated) return summary(updated);
      // a later edit became the latest first; this version stays readable by number
      const latest = await models.Workflow.findOne({ _id: id, orgId }).lean();
      return latest ? { ...summary(latest), version } : null;
    },
    async archive(orgId, id) {
      const updated = await models.Workflow.findOneAndUpdate({ _id: id, orgId }, { $set: { status: 'archived' } }, { new: true }).lean();
      return updated ? summary(updated) : null;
    },
  };
}
