import { randomBytes } from 'node:crypto';
import type { StepDefinition } from '@botwot/shared/events';
import { Lru } from '@botwot/shared/cache';
import { readWorkflowVersion, StepsCache, type Models, type WorkflowVersion } from '@botwot/shared/db';
import { validateWorkflow } from '@botwot/shared/workflow';

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
  /**
   * One version (the latest when absent) with its steps. `recent` may answer from this process's
   * cache of the workflow document, up to `recentMs` old (executes: one read fewer each); edits
   * through this process clear it at once, edits through another replica show within `recentMs`.
   */
  get(orgId: string, id: string, version?: number, read?: 'fresh' | 'recent'): Promise<WorkflowVersion | null>;
  /** null when there is no such workflow; 'conflict' while another edit of it is being written */
  replace(orgId: string, id: string, input: { userId: string; name?: string | undefined; description?: string | undefined; steps: StepDefinition[] }): Promise<WorkflowSummary | null | 'conflict'>;
  archive(orgId: string, id: string): Promise<WorkflowSummary | null>;
}

/**
 * What trigger events start: the version and its trigger, set only when a version passes
 * validation, so that saving a draft never makes incoming events run it.
 */
function liveFields(version: number, steps: StepDefinition[]): { liveVersion: number; triggerType?: string; triggerChannelId?: string } | undefined {
  if (!validateWorkflow(steps).valid) return undefined;
  const triggerType = triggerTypeOf(steps);
  const channel = channelOf(steps);
  return { liveVersion: version, ...(triggerType ? { triggerType } : {}), ...(channel ? { triggerChannelId: channel } : {}) };
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

const LOCK_TTL_MS = 30_000;

export function createMongoWorkflowStore(models: Models, opts: { recentMs: number } = { recentMs: 0 }): WorkflowStore {
  const stepsCache = new StepsCache();
  // the latest version read of each workflow, by org and id: what `recent` reads answer from
  const recent = new Lru<string, WorkflowVersion>({ maxEntries: 10_000, ttlMs: opts.recentMs });
  const recentKey = (orgId: string, id: string) => `${orgId}\u0000${id}`;
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

  /** Takes the edit lock; a lock older than LOCK_TTL_MS was left by a crashed edit and is taken over. */
  const takeLock = async (lock: string, orgId: string): Promise<boolean> => {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await models.WorkflowEditLock.create({ _id: lock, orgId });
        return true;
      } catch (error) {
        if ((error as { code?: number }).code !== 11000) throw error;
        await models.WorkflowEditLock.deleteOne({ _id: lock, createdAt: { $lt: new Date(Date.now() - LOCK_TTL_MS) } });
      }
    }
    return false;
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
        ...liveFields(1, input.steps),
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
    async get(orgId, id, version, read = 'fresh') {
      const key = recentKey(orgId, id);
      const hit = read === 'recent' ? recent.get(key) : undefined;
      if (hit && (version === undefined || version === hit.version)) return hit;
      const found = await readWorkflowVersion(models, { orgId, workflowId: id, ...(version ? { version } : {}) }, stepsCache);
      if (found && version === undefined && opts.recentMs > 0) recent.set(key, found);
      return found;
    },
    async replace(orgId, id, input) {
      // One edit at a time per workflow, under a lock taken by a unique insert (atomic on any
      // Mongo-wire server; FerretDB's conditional updates are not), so versions never interleave.
      const lock = `edit:${id}`;
      if (!(await takeLock(lock, orgId))) return 'conflict';
      recent.delete(recentKey(orgId, id));
      try {
        const current = await models.Workflow.findOne({ _id: id, orgId }).lean();
        if (!current) return null;
        const version = current.latestVersion + 1;
        // An edit that died after writing its steps left them under a version nothing points at yet:
        // clear them (under the lock) so this edit can write that version.
        await models.WorkflowStep.deleteMany({ workflowId: id, version });
        await writeSteps(id, orgId, version, input.steps);
        const live = liveFields(version, input.steps);
        const updated = await models.Workflow.findOneAndUpdate(
          { _id: id, orgId },
          {
            $set: {
              latestVersion: version,
              ...(live ? { liveVersion: live.liveVersion, triggerType: live.triggerType ?? null, triggerChannelId: live.triggerChannelId ?? null } : {}),
              ...(input.name ? { name: input.name } : {}),
              ...(input.description !== undefined ? { description: input.description } : {}),
            },
          },
          { new: true },
        ).lean();
        return updated ? summary(updated) : null;
      } finally {
        recent.delete(recentKey(orgId, id));
        await models.WorkflowEditLock.deleteOne({ _id: lock });
      }
    },
    async archive(orgId, id) {
      recent.delete(recentKey(orgId, id));
      const updated = await models.Workflow.findOneAndUpdate({ _id: id, orgId }, { $set: { status: 'archived' } }, { new: true }).lean();
      return updated ? summary(updated) : null;
    },
  };
}
