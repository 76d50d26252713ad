import { getExecution } from '../api/executions.js';
import { routeMissing, type Http } from '../api/http.js';
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

/**
 * Keeps one execution current until it ends or `signal` aborts: reads it once, then follows
 * `GET /workFlow/execution/:id/stream` (reconnecting with Last-Event-ID when the connection drops),
 * or polls the execution every second on a gateway without the stream. Ends with one more read, so
 * the page settles on what the API stores.
 */
export async function watchExecution(http: Http, executionId: string, signal: AbortSignal, w: ExecutionWatch): Promise<void> {
  let detail: ExecutionDetail;
  try {
    detail = await getExecution(http, executionId, signal);
  } catch (error) {
    if (!signal.aborted) w.onError(error);
    return;
  }
  w.onDetail(detail);
  const ended = () => detail.execution.status !== 'running';
  const settle = async () => {
    if (signal.aborted) return;
    try {
      w.onDetail(await getExecution(http, executionId, signal));
    } catch (error) {
      if (!signal.aborted) w.onError(error);
    }
    if (!signal.aborted) w.onMode('ended');
  };
  if (ended()) return settle();

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
          if (next && next !== detail) {
            detail = next;
            w.onDetail(detail);
          }
          if (e.event === 'end') sawEnd = true;
        },
      });
    } catch (error) {
      if (signal.aborted) return;
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
    while (!signal.aborted && !ended()) {
      await pause(POLL_MS, signal);
      if (signal.aborted) return;
      try {
        detail = await getExecution(http, executionId, signal);
        w.onDetail(detail);
      } catch (error) {
        if (!signal.aborted) w.onError(error);
      }
    }
    return settle();
  }
}
