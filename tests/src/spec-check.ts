import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

type Doc = { paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>; components?: unknown };

/**
 * Checks answers against the gateway's own OpenAPI document: the route must be in it, the status
 * must be one it declares for that route, and a JSON body must match the declared schema. The
 * integration tests' API client runs every answer it receives through this.
 */
export function createSpecCheck(doc: Doc) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  const compiled = new Map<string, ValidateFunction>();
  const templates = Object.keys(doc.paths).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^/}]+\}/g, '[^/]+')}$`),
    // the most specific template wins: /workFlow/dead-letters before /workFlow/{id}
    literal: template.replace(/\{[^/}]+\}/g, '').length,
  }));

  /** The problem with an answer, or undefined when the spec describes it. */
  return function check(method: string, url: string, status: number, contentType: string | null, body: unknown): string | undefined {
    const path = new URL(url).pathname;
    const match = templates.filter((t) => t.pattern.test(path) && doc.paths[t.template]?.[method.toLowerCase()]).sort((x, y) => y.literal - x.literal)[0];
    if (!match) return `${method} ${path} is not in the OpenAPI document`;
    const operation = doc.paths[match.template]?.[method.toLowerCase()];
    const response = operation?.responses?.[String(status)];
    if (!response) return `${method} ${match.template} answered ${status}, which the OpenAPI document does not declare (it declares ${Object.keys(operation?.responses ?? {}).join(', ')})`;
    if (!contentType?.includes('application/json')) return undefined;
    const schema = response.content?.['application/json']?.schema;
    if (!schema) return `${method} ${match.template} ${status} answered JSON, which the OpenAPI document does not declare`;
    const key = `${method} ${match.template} ${status}`;
    let validate = compiled.get(key);
    if (!validate) {
      validate = ajv.compile({ ...(schema as object), components: doc.components });
      compiled.set(key, validate);
    }
    if (validate(body)) return undefined;
    return `${key}: the answer does not match the schema: ${ajv.errorsText(validate.errors, { separator: '; ' })}; body: ${JSON.stringify(body).slice(0, 500)}`;
  };
}
export type SpecCheck = ReturnType<typeof createSpecCheck>;
