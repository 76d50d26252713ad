import type { ExecutionStore, ExecutionView } from '../stores/execution-store.js';

/**
 * Reads an execution once the log-sink has written its end. The lifecycle feed hears an ending
 * before (or while) the log-sink writes it; answering with the stored row keeps `execution` and
 * `end` exactly what `GET /workFlow/execution/:id` returns. Concurrent callers for one execution
 * share one poll, so many streams on one replica cost one read per try.
 */
export function createEndedReader(store: ExecutionStore, opts: { giveUpMs?: number; sleep?: (ms: number) => Promise<void> } = {}) {
  const giveUpMs = opts.giveUpMs ?? 60_000;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref()));
  const polls = new Map<string, Promise<ExecutionView | null>>();

  async function poll(orgId: string, executionId: string): Promise<ExecutionView | null> {
    const until = Date.now() + giveUpMs;
    for (let wait = 20; ; wait = Math.min(1_000, wait * 2)) {
      const row = await store.get(orgId, executionId);
      if (row && row.status !== 'running') return row;
      if (Date.now() + wait > until) return null;
      await sleep(wait);
    }
  }

  /** The ended execution, or null when it is still running after `giveUpMs` (the log-sink is behind or down). */
  return (orgId: string, executionId: string): Promise<ExecutionView | null> => {
    const key = `${orgId}\u0000${executionId}`;
    let p = polls.get(key);
    if (!p) {
      p = poll(orgId, executionId).finally(() => polls.delete(key));
      polls.set(key, p);
    }
    return p;
  };
}
export type EndedReader = ReturnType<typeof createEndedReader>;
