import { readWorkflowVersion, type Models, type WorkflowVersion } from '@botwot/shared/db';

/** Reads workflow versions through a bounded cache: a version never changes once written. */
export interface WorkflowSource {
  get(q: { orgId: string; workflowId: string; version: number }): Promise<WorkflowVersion | null>;
  /** active workflows of an org whose trigger is of this type */
  activeWithTrigger(orgId: string, triggerType: string, channelId?: string): Promise<{ workflowId: string; version: number; userId: string }[]>;
}

export function createWorkflowSource(models: Models, maxEntries: number): WorkflowSource {
  const cache = new Map<string, WorkflowVersion>();
  return {
    async get(q) {
      const key = `${q.orgId}/${q.workflowId}/${q.version}`;
      const hit = cache.get(key);
      if (hit) return hit;
      const found = await readWorkflowVersion(models, q);
      if (found) {
        if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
        cache.set(key, found);
      }
      return found;
    },
    async activeWithTrigger(orgId, triggerType, channelId) {
      const rows = await models.Workflow.find({ orgId, status: 'active', triggerType }).select({ _id: 1, latestVersion: 1, userId: 1, triggerChannelId: 1 }).lean();
      return rows
        .filter((r) => !r.triggerChannelId || r.triggerChannelId === channelId)
        .map((r) => ({ workflowId: String(r._id), version: r.latestVersion, userId: r.userId }));
    },
  };
}
