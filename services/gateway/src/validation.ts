import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { z } from 'zod';
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

/** What is storable is decided in one place, beside the models. */
export { MAX_JSON_DEPTH, unstorableAt } from '@botwot/shared/db';
