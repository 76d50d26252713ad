import type { Models } from '@botwot/shared/db';
import { describe, expect, it } from 'vitest';
import { createMongoWorkflowStore } from './workflow-store.js';

/** Just the driver calls the store makes to read and archive a workflow, counting the reads of its document. */
function stubModels() {
  const doc = { _id: 'wf1', orgId: 'org1', name: 'w', status: 'active', latestVersion: 1, createdAt: new Date(), updatedAt: new Date() };
  const steps = [{ stepId: 't', stepType: 'trigger', config: { triggerType: 'whatsapp' }, position: 0, version: 1 }];
  const reads = { workflow: 0 };
  const models = {
    Workflow: {
      collection: {
        findOne: async () => {
          reads.workflow++;
          return { ...doc };
        },
      },
      findOneAndUpdate: (_filter: unknown, update: { $set: Record<string, unknown> }) => ({ lean: async () => Object.assign(doc, update.$set) }),
    },
    WorkflowStep: { collection: { find: () => ({ toArray: async () => steps }) } },
  } as unknown as Models;
  return { models, reads, doc };
}

/** What an execute does: read workflow wf1's latest version, allowing a recent copy. */
const readForRun = (store: ReturnType<typeof createMongoWorkflowStore>, orgId = 'org1') => store.get(orgId, 'wf1', undefined, 'recent');

describe('workflow store: recent reads', () => {
  it('answers a recent read from the copy the last read left, and a fresh read from the database', async () => {
    const { models, reads } = stubModels();
    const store = createMongoWorkflowStore(models, { recentMs: 60_000 });
    await readForRun(store);
    await readForRun(store);
    expect(reads.workflow).toBe(1);
    await store.get('org1', 'wf1');
    expect(reads.workflow).toBe(2);
  });

  it('forgets the copy when this process archives the workflow', async () => {
    const { models, reads } = stubModels();
    const store = createMongoWorkflowStore(models, { recentMs: 60_000 });
    await readForRun(store);
    await store.archive('org1', 'wf1');
    const after = await readForRun(store);
    expect(reads.workflow).toBe(2);
    expect(after?.workflow.status).toBe('archived');
  });

  it('keeps no copy when recentMs is 0, and none for another org', async () => {
    const { models, reads } = stubModels();
    const off = createMongoWorkflowStore(models, { recentMs: 0 });
    await readForRun(off);
    await readForRun(off);
    expect(reads.workflow).toBe(2);
    const on = createMongoWorkflowStore(models, { recentMs: 60_000 });
    await readForRun(on);
    await readForRun(on, 'org2');
    expect(reads.workflow).toBe(4);
  });
});
