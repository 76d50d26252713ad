/**
 * Templates are data: `{{name}}` reads a flat variable, `{{steps.<stepId>.<field>}}` a step's output.
 * Lookups only follow own properties of plain data, so `{{__proto__}}` or `{{constructor}}` find
 * nothing. A missing variable is left as written and reported, never thrown.
 */
export interface TemplateScope {
  vars: Record<string, unknown>;
  steps: Record<string, Record<string, unknown>>;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_$-]+(?:\.[A-Za-z0-9_$-]+)*)\s*\}\}/g;
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

function lookup(root: unknown, path: string[]): { found: boolean; value?: unknown } {
  let current: unknown = root;
  for (const segment of path) {
    if (FORBIDDEN.has(segment)) return { found: false };
    if (current === null || typeof current !== 'object') return { found: false };
    if (!Object.hasOwn(current, segment)) return { found: false };
    current = (current as Record<string, unknown>)[segment];
  }
  return current === undefined ? { found: false } : { found: true, value: current };
}

/** Finds a variable by its template path. */
export function resolvePath(scope: TemplateScope, path: string): { found: boolean; value?: unknown } {
  const parts = path.split('.');
  if (parts[0] === 'steps' && parts.length >= 2) {
    const fromSteps = lookup(scope.steps, parts.slice(1));
    if (fromSteps.found) return fromSteps;
  }
  return lookup(scope.vars, parts);
}

/** A rendering grew past its byte budget; it is stopped before it takes the process's memory. */
export class TemplateTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`templates rendered to more than ${limitBytes} bytes`);
    this.name = 'TemplateTooLargeError';
  }
}

/** Counts what a rendering produces, across every string of a config. */
class Budget {
  private used = 0;
  constructor(private readonly limit: number) {}
  take(chars: number): void {
    // a character is at most 3 UTF-8 bytes in a JS string's BMP; counting chars keeps this cheap
    this.used += chars;
    if (this.used > this.limit) throw new TemplateTooLargeError(this.limit);
  }
}

function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? '';
}

/** Renders one template string; throws TemplateTooLargeError past the budget (default: no limit). */
export function renderTemplate(template: string, scope: TemplateScope, budget: { take(chars: number): void } = new Budget(Number.POSITIVE_INFINITY)): { text: string; missing: string[] } {
  const missing: string[] = [];
  let literal = template.length;
  const text = template.replace(PLACEHOLDER, (whole, path: string) => {
    literal -= whole.length;
    const hit = resolvePath(scope, path);
    if (!hit.found) {
      missing.push(path);
      budget.take(whole.length);
      return whole;
    }
    const value = stringify(hit.value);
    budget.take(value.length);
    return value;
  });
  budget.take(literal);
  return { text, missing };
}

/**
 * Renders every string inside a config (objects and arrays included); other values pass through.
 * `maxBytes` bounds what the whole rendering may produce: a config with many placeholders of a
 * large value stops with TemplateTooLargeError instead of filling memory.
 */
export function renderConfig<T>(config: T, scope: TemplateScope, opts: { maxBytes?: number } = {}): { value: T; missing: string[] } {
  const missing: string[] = [];
  const budget = new Budget(opts.maxBytes ?? Number.POSITIVE_INFINITY);
  const walk = (value: unknown, depth: number): unknown => {
    if (depth > 20) return value;
    if (typeof value === 'string') {
      const r = renderTemplate(value, scope, budget);
      missing.push(...r.missing);
      return r.text;
    }
    if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1));
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) if (!FORBIDDEN.has(k)) out[k] = walk(v, depth + 1);
      return out;
    }
    return value;
  };
  return { value: walk(config, 0) as T, missing: [...new Set(missing)] };
}
