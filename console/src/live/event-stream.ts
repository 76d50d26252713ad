import { ApiFailure, type Http } from '../api/http.js';
import { createSseParser, type SseEvent } from './sse-parser.js';

/**
 * Reads one Server-Sent-Events response to its end, calling `onEvent` per event. Uses fetch, not
 * EventSource, because EventSource cannot send the Authorization header. Resolves when the server
 * closes the stream; rejects with ApiFailure when it refuses to open one, or when the connection
 * drops (then `status` is 0 and the caller may reconnect with the last id).
 */
export async function readEventStream(
  http: Http,
  path: string,
  opts: { lastEventId?: string | undefined; signal: AbortSignal; onEvent: (e: SseEvent) => void; onOpen?: () => void },
): Promise<void> {
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (opts.lastEventId !== undefined) headers['last-event-id'] = opts.lastEventId;
  const res = await http.open(path, { headers, signal: opts.signal, cache: 'no-store' });
  if (!res.ok || !res.body) {
    let code = `HTTP_${res.status}`;
    let message = `the stream answered ${res.status}`;
    try {
      const body = (await res.json()) as { error?: { code?: string; message?: string } };
      code = body.error?.code ?? code;
      message = body.error?.message ?? message;
    } catch {
      // not JSON
    }
    throw new ApiFailure(res.status, code, message);
  }
  opts.onOpen?.();
  const parser = createSseParser(opts.onEvent);
  const decoder = new TextDecoder();
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.push(decoder.decode(value, { stream: true }));
    }
  } catch (error) {
    if ((error as Error).name === 'AbortError' || opts.signal.aborted) throw error;
    throw new ApiFailure(0, 'STREAM_DROPPED', 'the live connection dropped');
  }
}

/** Parses an event's JSON data; undefined when it is not JSON (such an event is skipped). */
export function jsonOf(e: SseEvent): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(e.data) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Resolves after `ms`, or at once when the signal aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}
