import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import { z } from 'zod';
import { ApiError } from './errors.js';

/** zod validation of one part of the request; failures are 400 with each failing field. */
export function valid<T extends keyof ValidationTargets, S extends z.ZodType>(target: T, schema: S) {
  return zValidator(target, schema, (result) => {
    if (!result.success) {
      const fields = result.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
      throw new ApiError(400, 'VALIDATION_FAILED', `invalid ${target === 'json' ? 'body' : target}`, fields);
    }
  });
}

/** Ids in paths: anything else cannot exist, so it is a 404 rather than a database query. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,100}$/;

/** Deepest nesting accepted inside a step's config or trigger data (templates render 20 levels). */
export const MAX_JSON_DEPTH = 20;

/**
 * Where a JSON value could not be stored as sent: nested deeper than `maxDepth`, a key the
 * MongoDB wire servers refuse or misread (empty, `$`-prefixed, dotted, NUL), or an array directly
 * inside an array (FerretDB refuses those). Undefined when fine. The gateway refuses such input
 * with a 400 rather than accept what the log-sink could then not record.
 */
export function unstorableAt(value: unknown, maxDepth = MAX_JSON_DEPTH): { path: (string | number)[]; message: string } | undefined {
  const walk = (v: unknown, path: (string | number)[]): { path: (string | number)[]; message: string } | undefined => {
    if (v === null || typeof v !== 'object') return undefined;
    if (path.length >= maxDepth) return { path, message: `nested deeper than ${maxDepth} levels` };
    if (Array.isArray(v)) {
      for (const [i, item] of v.entries()) {
        if (Array.isArray(item)) return { path: [...path, i], message: 'arrays must not directly contain arrays' };
        const found = walk(item, [...path, i]);
        if (found) return found;
      }
      return undefined;
    }
    for (const [k, item] of Object.entries(v)) {
      if (k === '' || k.startsWith('$') || k.includes('.') || k.includes('\0')) {
        return { path: [...path, k], message: 'keys must not be empty, start with $ or contain . or NUL' };
      }
      const found = walk(item, [...path, k]);
      if (found) return found;
    }
    return undefined;
  };
  return walk(value, []);
}
