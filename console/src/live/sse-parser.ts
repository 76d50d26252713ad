/** One Server-Sent Event as the HTML standard defines the fields. */
export interface SseEvent {
  event: string;
  data: string;
  /** the last `id:` seen so far on the stream (it carries over to later events) */
  id: string | undefined;
}

/**
 * An incremental parser for `text/event-stream`: feed it chunks as they arrive, it calls `onEvent`
 * for each complete event. Follows the standard's rules: lines end in CRLF, LF or CR; `:` starts
 * a comment; one optional space after the colon is dropped; `data` lines join with "\n"; an event
 * with no data is not dispatched; an `id` containing NUL is ignored.
 */
export function createSseParser(onEvent: (e: SseEvent) => void): { push(chunk: string): void } {
  let buffer = '';
  let lastId: string | undefined;
  let event = '';
  let data: string[] = [];
  let pendingCr = false;

  const line = (l: string) => {
    if (l === '') {
      if (data.length > 0) onEvent({ event: event || 'message', data: data.join('\n'), id: lastId });
      event = '';
      data = [];
      return;
    }
    if (l.startsWith(':')) return;
    const colon = l.indexOf(':');
    const field = colon === -1 ? l : l.slice(0, colon);
    let value = colon === -1 ? '' : l.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id' && !value.includes('\0')) lastId = value;
  };

  return {
    push(chunk) {
      let text = chunk;
      // a CR at the end of the last chunk already ended its line: a LF opening this one belongs to it
      if (pendingCr && text.startsWith('\n')) text = text.slice(1);
      pendingCr = false;
      buffer += text;
      let start = 0;
      for (let i = 0; i < buffer.length; i++) {
        const c = buffer[i];
        if (c !== '\n' && c !== '\r') continue;
        line(buffer.slice(start, i));
        if (c === '\r') {
          if (i + 1 < buffer.length) {
            if (buffer[i + 1] === '\n') i++;
          } else pendingCr = true;
        }
        start = i + 1;
      }
      buffer = buffer.slice(start);
    },
  };
}
