/** One Server-Sent Event as a client receives it. */
export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/**
 * Opens an event stream the way a browser's EventSource does (GET, `Accept: text/event-stream`,
 * optional `Last-Event-ID`) and parses what arrives: events, and comment lines counted apart.
 * `until` waits for a condition on what has arrived, never for a fixed time.
 */
export async function openStream(url: string, opts: { token: string; lastEventId?: string; headers?: Record<string, string> }) {
  const controller = new AbortController();
  const res = await fetch(url, {
    headers: { authorization: `Bearer ${opts.token}`, accept: 'text/event-stream', ...(opts.lastEventId !== undefined ? { 'last-event-id': opts.lastEventId } : {}), ...opts.headers },
    signal: controller.signal,
  });
  const events: SseEvent[] = [];
  let comments = 0;
  let ended = false;
  let wake: (() => void)[] = [];
  const notify = () => {
    for (const w of wake.splice(0)) w();
  };

  const reading = (async () => {
    if (!res.body || !res.headers.get('content-type')?.startsWith('text/event-stream')) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const e: SseEvent = { event: 'message', data: '' };
          const data: string[] = [];
          let isComment = true;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            isComment = false;
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'event') e.event = value;
            else if (field === 'data') data.push(value);
            else if (field === 'id') e.id = value;
          }
          if (isComment) comments++;
          else events.push({ ...e, data: data.join('\n') });
          notify();
        }
      }
    } catch {
      // aborted by close()
    } finally {
      ended = true;
      notify();
    }
  })();

  return {
    status: res.status,
    headers: res.headers,
    /** the JSON body of a refused stream */
    json: async () => (res.headers.get('content-type')?.includes('json') ? ((await res.json()) as any) : undefined),
    events,
    comments: () => comments,
    ended: () => ended,
    /** resolves once `check` holds for what has arrived (or throws when the stream closed first or time ran out) */
    async until(check: (events: SseEvent[]) => boolean, what: string, timeoutMs = 30_000): Promise<SseEvent[]> {
      const deadline = Date.now() + timeoutMs;
      while (!check(events)) {
        if (ended) throw new Error(`stream closed before ${what}; got ${events.map((e) => e.event).join(', ')}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${events.map((e) => e.event).join(', ')}`);
        await new Promise<void>((resolve) => {
          wake.push(resolve);
          setTimeout(resolve, 250);
        });
      }
      return events;
    },
    /** resolves when the server has closed the stream */
    closed: () => reading,
    close() {
      controller.abort();
      wake = [];
    },
  };
}
export type OpenStream = Awaited<ReturnType<typeof openStream>>;
