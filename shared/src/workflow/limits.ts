/**
 * The size limits every execution lives within, so that no message the engine produces can exceed
 * the broker's limit and no template can grow without bound. What exceeds one fails that execution
 * with the limit's code; other executions are not touched.
 */
export const LIMITS = {
  /** trigger data of one execution (JSON bytes): TRIGGER_DATA_TOO_LARGE */
  triggerDataBytes: 128 * 1024,
  /** one step's config after templating: TEMPLATE_TOO_LARGE */
  stepInputBytes: 192 * 1024,
  /** one step's output: OUTPUT_TOO_LARGE */
  stepOutputBytes: 192 * 1024,
  /** everything an execution carries between steps (trigger data and every output): STATE_TOO_LARGE */
  stateBytes: 384 * 1024,
} as const;
// A step's result carries the state, its input and its output: 384 + 192 + 192 KiB stays under the
// 900 KB the services produce at most (KAFKA_MAX_MESSAGE_BYTES), below the broker's 1 MiB.

/** Bytes of a value as JSON (UTF-8); what a limit is measured in. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '');
}

/** What a log row keeps of a value too large to keep: its size and the start of its text. */
export function truncated(value: unknown, keepChars = 2_000): { truncated: true; bytes: number; preview: string } {
  const text = JSON.stringify(value) ?? '';
  return { truncated: true, bytes: Buffer.byteLength(text), preview: text.slice(0, keepChars) };
}
