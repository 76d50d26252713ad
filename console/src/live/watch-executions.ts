import { routeMissing, type Http } from '../api/http.js';
import { jsonOf, pause, readEventStream } from './event-stream.js';
import type { LiveMode } from './watch-execution.js';

const POLL_MS = 2_000;

/**
 * Says when a workflow's executions change, until `signal` aborts: on each `execution` event of
 * `GET /workFlow/:id/executions/stream` (an execution started or ended), or every two seconds on a
 * gateway without that stream. The list page reloads its current page when told, so paging and
 * filters stay the server's.
 */
export async function watchWorkflowExecutions(
  http: Http,
  workflowId: string,
  signal: AbortSignal,
  w: { onChange(): void; onMode(mode: LiveMode): void },
): Promise<void> {
  let failures = 0;
  w.onMode('connecting');
  while (!signal.aborted) {
    try {
      await readEventStream(http, `/workFlow/${encodeURIComponent(workflowId)}/executions/stream`, {
        signal,
        onOpen: () => {
          // a reconnect may have missed changes: reload once
          if (failures > 0) w.onChange();
          failures = 0;
          w.onMode('stream');
        },
        onEvent: (e) => {
          if (e.event === 'execution' && jsonOf(e)) w.onChange();
        },
      });
    } catch (error) {
      if (signal.aborted) return;
      if (routeMissing(error) || failures > 5) break;
    }
    failures++;
    await pause(Math.min(5_000, 250 * 2 ** failures), signal);
  }
  w.onMode('polling');
  while (!signal.aborted) {
    await pause(POLL_MS, signal);
    if (!signal.aborted) w.onChange();
  }
}
