import { OpenAPIHono, type z } from '@hono/zod-openapi';
import type { Env } from 'hono';
import { nulTextAt } from '@botwot/shared/db';
import { ApiError } from '../errors.js';
import { errorSchema } from './schemas.js';

/**
 * A router whose routes are declared with `createRoute`: the same zod schemas validate each
 * request and describe it in the OpenAPI document. A failed validation is the API's usual 400,
 * `VALIDATION_FAILED` with each failing field; so is text holding NUL, which no store can hold.
 */
export function createRouter<E extends Env>(): OpenAPIHono<E> {
  return new OpenAPIHono<E>({
    defaultHook: (result) => {
      const what = `invalid ${result.target === 'json' ? 'body' : result.target}`;
      if (!result.success) {
        const fields = result.error.issues.map((i) => ({ field: i.path.map(String).join('.') || '(body)', message: i.message }));
        throw new ApiError(400, 'VALIDATION_FAILED', what, fields);
      }
      const nul = nulTextAt(result.data);
      if (nul) throw new ApiError(400, 'VALIDATION_FAILED', what, [{ field: nul.path.map(String).join('.') || '(body)', message: nul.message }]);
    },
  });
}

const ERROR_TEXT = {
  400: 'Invalid input: `details` names each failing field',
  401: 'No valid Bearer token',
  404: 'Not found, or owned by another organisation',
  409: 'Conflicts with the current state',
  413: 'Request body too large',
  415: 'Body is not JSON',
  422: 'Idempotency-Key reused with another request',
  429: 'Over a per-organisation limit; `Retry-After` says when to try again',
  500: 'Internal error (nothing internal is shown)',
  503: 'Kafka, Mongo or the identity provider cannot be reached; `Retry-After` says when to try again',
} as const;
type ErrorStatus = keyof typeof ERROR_TEXT;

const retryAfter = { 'Retry-After': { description: 'seconds to wait', schema: { type: 'integer' as const } } };

/** The error answers a route can give, each `{ success: false, error: { code, message, details? } }`. */
export function errors<const S extends ErrorStatus>(...statuses: S[]) {
  const all = [...new Set<ErrorStatus>([401, 500, 503, ...statuses])];
  return Object.fromEntries(
    all.map((s) => [
      s,
      {
        description: ERROR_TEXT[s],
        content: { 'application/json': { schema: errorSchema } },
        ...(s === 429 || s === 503 ? { headers: retryAfter } : {}),
      },
    ]),
  ) as Record<S | 401 | 500 | 503, { description: string; content: { 'application/json': { schema: typeof errorSchema } } }>;
}

/** A JSON answer of one schema. */
export function json<S extends z.ZodType>(schema: S, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

/**
 * A JSON request body. A request sent without one is validated as `{}` (so a body whose fields all
 * have defaults may be left out).
 */
export function body<S extends z.ZodType>(schema: S) {
  return { required: true, content: { 'application/json': { schema } } };
}

export const BEARER = [{ bearerAuth: [] }];

/**
 * A stored view as the answer's schema types it. The stores' types come from the mongoose models
 * (nullable, Date); the schema says what goes over the wire, and the integration tests check every
 * answer they receive against it, so this is the one place the two are bridged.
 */
export const asWire = <S extends z.ZodType>(_schema: S, value: unknown): z.infer<S> => value as z.infer<S>;
