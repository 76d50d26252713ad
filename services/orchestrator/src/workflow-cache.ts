import { isConnectionError, readWorkflowVersion, type Models, type WorkflowVersion } from '@botwot/shared/db';
import { DependencyDownError } from '@botwot/shared/kafka';

/** Reads workflow versions through a bounded cache: a version never changes once written. */
export interface WorkflowSource {
  get(q: { orgId: string; workflowId: string; version: number }): Promise<WorkflowVersion | null>;
  /** active workflows of an org whose live (latest valid) version has a trigger of this type */
  activeWithTrigger(orgId: string, triggerType: string, channelId?: string): Promise<{ workflowId: string; version: number; userId: string }[]>;
}

/** Mongo being unreachable is an outage to wait out, not a reason to dead-letter the message. */
async function orDependencyDown<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isConnectionError(error)) throw new DependencyDownError(`mongo unavailable: ${(error as Error).message}`, { cause: error });
    throw error;
  }
}

export function createWorkflowSource(models: Models, maxEntries: number): WorkflowSource {
  const cache = new Map<string, WorkflowVersion>();
  return {
    async get(q) {
      const key = `${q.orgId}/${q.workflowId}/${q.version}`;
      const hit = cache.get(key);
      if (hit) return hit;
      const found = await orDependencyDown(() => readWorkflowVersion(models, q));
      if (found) {
        if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
        cache.set(key, found);
      }
      return found;
    },
    async activeWithTrigger(orgId, triggerType, channelId) {
      const rows = await orDependencyDown(() =>
        models.Workflow.find({ orgId, status: 'active', triggerType }).select({ _id: 1, latestVersion: 1, liveVersion: 1, userId: 1, triggerChannelId: 1 }).lean(),
      );
      return rows
        .filter((r) => (!r.triggerChannelId || r.triggerChannelId === channelId) && (r.liveVersion ?? r.latestVersion))
        .map((r) => ({ workflowId: String(r._id), version: (r.liveVersion ?? r.latestVersion) as number, userId: r.userId }));
    },
  };
}
