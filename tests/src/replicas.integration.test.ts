import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { RunningService, ServiceName } from '@botwot/launcher';
import { apiAs } from './api-client.js';
import { FAULT_WORKFLOW, runLoad, summary, verifyOutcome, waitForDrain, waitForEnds, waitUntil, withMongo } from './fault-harness.js';
import { startReplica } from './replicas.js';

/**
 * Several replicas of every service on the real stack: members join and leave consumer groups
 * while executions run, and a member that crashes and comes back over and over does not stop the
 * others (static membership: its restarts move no partition).
 */

const LONG = 600_000;
const CONSUMERS: ServiceName[] = ['orchestrator', 'agent-runner', 'utility-runner', 'action-runner', 'log-sink'];
const started: RunningService[] = [];

afterAll(async () => {
  for (const svc of started.reverse()) await svc.process.stop().catch(() => undefined);
});

async function knobs(url: string, body: Record<string, unknown>) {
  const res = await fetch(`${url}/__admin/knobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
}

async function drill(name: string) {
  const orgId = `org-replicas-${name}-${randomUUID().slice(0, 6)}`;
  const api = await apiAs(orgId);
  const created = await api.post('/workFlow', FAULT_WORKFLOW);
  expect(created.status).toBe(201);
  return { api, orgId, workflowId: created.body.id as string };
}

/** A member's own view of its group: the generation it last joined (a rebalance moves it). */
async function generationOf(opsUrl: string, group: string): Promise<number | undefined> {
  const text = await (await fetch(`${opsUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`botwot_consumer_group_generation{`) && l.includes(`group="${group}"`));
  return line ? Number(line.split(' ').pop()) : undefined;
}

describe('several replicas of every service', () => {
  it('a second replica of each joins, one of each is SIGKILLed mid-run, a third orchestrator joins: every execution ends once, nothing twice', async () => {
    const t0 = Date.now();
    const system = inject('system');
    await knobs(system.standIns.botcore, { latencyMs: 30 });
    for (const service of CONSUMERS) started.push(await startReplica(service, 2));
    const { api, orgId, workflowId } = await drill('kill');

    let struck = false;
    const load = await runLoad(api, workflowId, {
      count: 200,
      concurrency: 8,
      tag: 'replicas',
      onAccepted: (n) => {
        if (struck || n < 60) return;
        struck = true;
        // one process of each service dies mid-run (the second replicas), and a third orchestrator joins
        void (async () => {
          for (const svc of started.filter((s) => s.replica === 2)) await svc.process.kill('SIGKILL');
          started.push(await startReplica('orchestrator', 3));
        })();
      },
    });
    expect(struck).toBe(true);
    await waitForEnds(orgId, load.accepted.map((a) => a.executionId), 300_000);
    await waitForDrain(180_000);
    const { figures, problems } = await verifyOutcome(orgId, load.accepted, load.rejected.length);
    summary('replicas: kill one of two, add a third orchestrator', { ...figures }, Date.now() - t0);
    expect(problems).toEqual([]);
    expect(figures.completed).toBe(load.accepted.length);
  }, LONG);

  it('an orchestrator that crashes and restarts over and over moves no partition: the group does not rebalance, and the others keep ending executions', async () => {
    const t0 = Date.now();
    const system = inject('system');
    const looping = await startReplica('orchestrator', 4);
    started.push(looping);
    const live = system.opsUrls.orchestrator as string;
    // wait until the group has settled with the new member in it
    const settled = await waitUntil('the orchestrator group to settle', 60_000, async () => {
      const g = await generationOf(live, 'orchestrator');
      await new Promise((r) => setTimeout(r, 3_000));
      return g !== undefined && g === (await generationOf(live, 'orchestrator')) ? { done: g } : { progress: `generation ${g}` };
    });

    const { api, orgId, workflowId } = await drill('loop');
    let stop = false;
    let restarts = 0;
    const loop = (async () => {
      // SIGKILL and restart at once, as a crash-looping process under a supervisor would: back within the session timeout
      while (!stop) {
        await looping.process.kill('SIGKILL');
        await looping.process.restart();
        restarts++;
      }
    })();
    const load = await runLoad(api, workflowId, { count: 120, concurrency: 4, tag: 'crashloop' });
    const ids = load.accepted.map((a) => a.executionId);
    // While it loops (three restarts at least), only the executions keyed to its own partitions wait: the others end.
    const endedDuringLoop = await waitUntil('most executions to end while the member loops', 180_000, async () => {
      const rows = await withMongo((db) => db.collection('workflow_executions').find({ orgId, status: { $ne: 'running' } }).project({ _id: 1 }).toArray());
      return rows.length >= ids.length / 2 && restarts >= 3 ? { done: rows.length } : { progress: `${rows.length} ended, ${restarts} restarts` };
    });
    const during = await generationOf(live, 'orchestrator');
    stop = true;
    await loop;
    // left running, the member catches up with its partitions: every execution ends, once
    await waitForEnds(orgId, ids, 300_000);
    const { figures, problems } = await verifyOutcome(orgId, load.accepted, load.rejected.length);
    summary('replicas: a crash-looping orchestrator', { ...figures, restarts, endedDuringLoop, generationBefore: settled, generationDuring: during }, Date.now() - t0);
    expect(restarts).toBeGreaterThanOrEqual(3);
    expect(during).toBe(settled);
    expect(problems).toEqual([]);
    expect(figures.completed).toBe(load.accepted.length);
  }, LONG);
});
