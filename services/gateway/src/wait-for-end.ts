import { sleep } from '@botwot/shared/async';
import type { ExecutionStore, ExecutionView } from './stores/execution-store.js';

/**
 * Polls the execution until it has ended or `seconds` pass. Polling the store (not an in-memory
 * event subscription) works with any number of gateway instances behind a load balancer.
 */
export async function waitForEnd(store: ExecutionStore, orgId: string, executionId: string, seconds: number, signal?: AbortSignal): Promise<ExecutionView | null> {
  const until = Date.now() + seconds * 1000;
  let interval = 25;
  for (;;) {
    const execution = await store.get(orgId, executionId);
    if (execution && execution.status !== 'running') return execution;
    if (Date.now() + interval > until || signal?.aborted) return execution;
    await sleep(interval, signal);
    interval = Math.min(250, interval * 2);
  }
}
