import { getExecution } from '../api/executions.js';
import { ApiFailure, routeMissing, type Http } from '../api/http.js';
import type { ExecutionDetail } from '../api/types.js';
import { jsonOf, pause, readEventStream } from './event-stream.js';
import { applyStreamEvent } from './merge-detail.js';

/** How the page is kept current: the gateway's event stream, or polling where it has none. */
export type LiveMode = 'connecting' | 'stream' | 'polling' | 'ended';

export interface ExecutionWatch {
  onDetail(detail: ExecutionDetail): void;
  onMode(mode: LiveMode): void;
  onError(error: unknown): void;
}

const POLL_MS = 1_000;
/** After a cancel, a step that was running may still finish (its row then has a note): look for it this long. */
const AFTER_CANCEL_MS = 35_000;
const AFTER_CANCEL_EVERY_MS = 2_000;

/** The stream's own 404 for an execution it cannot show (another org's, or none), as opposed to a missing route. */
function executionMissing(error: unknown): boolean {
  return error instanceof ApiFailure && error.status === 404 && error.code === 'NOT_FOUND' && /execution/i.test(error.message);
}

/**
 * Keeps one execution current until it ends or `signal` aborts. It follows
 * `GET /workFlow/execution/:id/stream`: a snapshot, every step row (again after a reconnect, from
 * the Last-Event-ID on), then the end. The stream waits for an execution that was requested a
 * moment ago, so a page opened right after a retry needs no retries of its own. On a gateway
 * without the stream it polls the execution every second. Either way it ends with one more read,
 * so the page settles on what the API stores.
 */
export async function watchExecution(http: Http, executionId: string, signal: AbortSignal, w: ExecutionWatch): Promise<void> {
  let detail: ExecutionDetail | undefined;
  const show = (next: ExecutionDetail) => {
    detail = next;
    w.onDetail(next);
  };
  const read = async () => {
    try {
      show(await getExecution(http, executionId, signal));
    } catch (error) {
      if (!signal.aborted) w.onError(error);
    }
  };
  const settle = async () => {
    if (signal.aborted) return;
    await read();
    if (signal.aborted) return;
    w.onMode('ended');
    if (detail?.execution.status !== 'cancelled') return;
    const rows = () => detail?.logs.length ?? 0;
    const until = Date.now() + AFTER_CANCEL_MS;
    for (const before = rows(); !signal.aborted && rows() === before && Date.now() < until; ) {
      await pause(AFTER_CANCEL_EVERY_MS, signal);
      if (!signal.aborted) await read();
    }
  };

  let lastId: string | undefined;
  let sawEnd = false;
  let failures = 0;
  w.onMode('connecting');
  while (!signal.aborted && !sawEnd) {
    try {
      await readEventStream(http, `/workFlow/execution/${encodeURIComponent(executionId)}/stream`, {
        lastEventId: lastId,
        signal,
        onOpen: () => {
          failures = 0;
          w.onMode('stream');
        },
        onEvent: (e) => {
          if (e.id !== undefined) lastId = e.id;
          const data = jsonOf(e);
          if (!data) return;
          const next = applyStreamEvent(detail, e.event, data);
          if (next && next !== detail) show(next);
          if (e.event === 'end') sawEnd = true;
        },
      });
    } catch (error) {
      if (signal.aborted) return;
      if (executionMissing(error)) return w.onError(error);
      if (routeMissing(error)) return poll();
      failures++;
      if (failures > 5) {
        w.onError(error);
        return poll();
      }
    }
    if (!sawEnd) await pause(Math.min(5_000, 250 * 2 ** failures), signal);
  }
  return settle();

  async function poll(): Promise<void> {
    w.onMode('polling');
    for (let misses = 0; !signal.aborted; ) {
      try {
        show(await getExecution(http, executionId, signal));
        if (detail?.execution.status !== 'running') break;
      } catch (error) {
        if (signal.aborted) return;
        // without the stream nothing waits for a just-requested execution to be recorded: give it a few seconds
        if (!(error instanceof ApiFailure && error.status === 404 && !detail && ++misses < 5)) {
          w.onError(error);
          if (!detail) return;
        }
      }
      await pause(POLL_MS, signal);
    }
    return settle();
  }
}
