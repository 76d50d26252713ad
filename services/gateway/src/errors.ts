import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isConnectionError } from '@botwot/shared/db';
import type { Logger } from '@botwot/shared/observability';

/** An error the API answers as is: a status, a stable code, a message and optional details. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new ApiError(404, 'NOT_FOUND', `${what} not found`);

/** The one place errors become responses; nothing internal (no stack, no driver message) leaks. */
export function errorResponse(error: Error, c: Context, logger: Logger): Response {
  if (error instanceof ApiError) {
    if (error.headers) for (const [k, v] of Object.entries(error.headers)) c.header(k, v);
    return c.json({ success: false, error: { code: error.code, message: error.message, ...(error.details !== undefined ? { details: error.details } : {}) } }, error.status);
  }
  if (error instanceof HTTPException) {
    const status = error.status;
    const code = status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 401 ? 'UNAUTHORIZED' : 'BAD_REQUEST';
    return c.json({ success: false, error: { code, message: error.message || 'request refused' } }, status);
  }
  if (isUnavailable(error)) {
    logger.warn({ err: error, path: c.req.path }, 'dependency unavailable');
    c.header('Retry-After', '1');
    return c.json({ success: false, error: { code: 'UNAVAILABLE', message: 'the engine cannot take this request right now; try again shortly' } }, 503);
  }
  logger.error({ err: error, path: c.req.path, method: c.req.method }, 'unhandled error');
  return c.json({ success: false, error: { code: 'INTERNAL', message: 'internal error' } }, 500);
}

/** Kafka or Mongo out of reach: the caller may retry, nothing was started. */
function isUnavailable(error: Error): boolean {
  return error.name.startsWith('KafkaJS') || isConnectionError(error);
}
