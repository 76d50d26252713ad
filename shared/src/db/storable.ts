/** Deepest nesting accepted inside a step's config or trigger data (templates render 20 levels). */
export const MAX_JSON_DEPTH = 20;

type Problem = { path: (string | number)[]; message: string };

const NUL_IN_TEXT = 'text must not contain NUL (U+0000)';

/**
 * Where a string holds NUL (U+0000): PostgreSQL's jsonb, under FerretDB, cannot store one, so a
 * request carrying it is refused before it reaches a store (a 500 from the database otherwise).
 */
export function nulTextAt(value: unknown, path: (string | number)[] = []): Problem | undefined {
  if (typeof value === 'string') return value.includes('\0') ? { path, message: NUL_IN_TEXT } : undefined;
  if (value === null || typeof value !== 'object' || value instanceof Date) return undefined;
  for (const [k, item] of Array.isArray(value) ? value.entries() : Object.entries(value)) {
    const found = nulTextAt(item, [...path, k]);
    if (found) return found;
  }
  return undefined;
}

/**
 * Where a JSON value could not be stored as sent: nested deeper than `maxDepth`, a key the
 * MongoDB wire servers refuse or misread (empty, `$`-prefixed, dotted, NUL), text holding NUL, or
 * an array directly inside an array (FerretDB refuses those). Undefined when fine. The one rule of what is storable:
 * the gateway refuses such input with a 400, and the log-sink stores such output as JSON text.
 */
export function unstorableAt(value: unknown, maxDepth = MAX_JSON_DEPTH): Problem | undefined {
  const walk = (v: unknown, path: (string | number)[]): Problem | undefined => {
    if (typeof v === 'string') return nulTextAt(v, path);
    if (v === null || typeof v !== 'object' || v instanceof Date) return undefined;
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

/** A value kept as its JSON text because the database could not hold it as is. */
export interface JsonText {
  encoding: 'json';
  json: string;
}

/**
 * Provider outputs may hold what a Mongo server refuses; rather than fail the row, such a value
 * goes in as its JSON text. The depth bound is loose (90): deeper than the server's own limit is
 * what must not reach it.
 */
export function storable<T>(value: T): T | JsonText {
  return unstorableAt(value, 90) ? { encoding: 'json', json: JSON.stringify(value) } : value;
}

/** The value as it was before `storable`: what readers must hand on (a retry's trigger data, an API answer). */
export function fromStorable<T = unknown>(value: T | JsonText): T {
  if (value && typeof value === 'object' && (value as JsonText).encoding === 'json' && typeof (value as JsonText).json === 'string' && Object.keys(value).length === 2) {
    return JSON.parse((value as JsonText).json) as T;
  }
  return value as T;
}
