import type { Message } from 'kafkajs';

/** Below the broker's default message.max.bytes (1 MiB), with room for batch and record overhead. */
export const MAX_SEND_BYTES = 900 * 1024;

const sizeOf = (m: Message) => {
  const bytes = (v: unknown) => (v == null ? 0 : Buffer.isBuffer(v) ? v.length : Buffer.byteLength(String(v)));
  let headers = 0;
  for (const [k, v] of Object.entries(m.headers ?? {})) headers += k.length + bytes(v);
  return bytes(m.value) + bytes(m.key) + headers + 64;
};

/**
 * Splits one topic's messages into sends that each stay under `maxBytes`, so several large
 * messages bound for one partition are not refused as one record batch the broker cannot take.
 * A single message larger than that still goes alone (and is the caller's to limit).
 */
export function splitByBytes(messages: Message[], maxBytes = MAX_SEND_BYTES): Message[][] {
  const chunks: Message[][] = [];
  let current: Message[] = [];
  let size = 0;
  for (const m of messages) {
    const s = sizeOf(m);
    if (current.length > 0 && size + s > maxBytes) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(m);
    size += s;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
