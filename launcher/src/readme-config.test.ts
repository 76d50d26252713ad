import fs from 'node:fs';
import path from 'node:path';
import { baseEnvSchema, localOnlyVariables, mongoEnvSchema } from '@botwot/shared/config';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { configSchema as actionRunner } from '../../services/action-runner/src/config.js';
import { configSchema as agentRunner } from '../../services/agent-runner/src/config.js';
import { configSchema as gateway } from '../../services/gateway/src/config.js';
import { schema as logSink } from '../../services/log-sink/src/config.js';
import { schema as orchestrator } from '../../services/orchestrator/src/config.js';
import { configSchema as utilityRunner } from '../../services/utility-runner/src/config.js';

// The README's variable tables are the operator's reference: each service's zod schema and its
// tables must name the same variables with the same defaults, local-only defaults marked "local:".

const repo = path.resolve(import.meta.dirname, '../..');
const readme = fs.readFileSync(path.join(repo, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('\n## Configuration\n'), readme.indexOf('\n## ', readme.indexOf('\n## Configuration\n') + 5));

/** Each table of the section by the paragraph that introduces it: variable → default cell. */
function tables(): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  let paragraph: string[] = [];
  let afterBlank = true;
  let rows: Map<string, string> | undefined;
  for (const line of section.split('\n')) {
    if (line.startsWith('|')) {
      const cells = line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
      if (!rows) {
        rows = new Map();
        out.set(paragraph.join(' '), rows);
      }
      const names = [...(cells[0] ?? '').matchAll(/`([A-Z0-9_<>]+)`/g)].map((m) => m[1] as string);
      for (const name of names) rows.set(name, cells[1] ?? '');
      afterBlank = false;
    } else if (line.trim()) {
      paragraph = afterBlank ? [line.trim()] : [...paragraph, line.trim()];
      rows = undefined;
      afterBlank = false;
    } else {
      rows = undefined;
      afterBlank = true;
    }
  }
  return out;
}

type Schema = z.ZodObject;
const SERVICES: Record<string, { schema: Schema; table: string }> = {
  gateway: { schema: gateway as unknown as Schema, table: 'gateway:' },
  orchestrator: { schema: orchestrator as unknown as Schema, table: 'orchestrator:' },
  'log-sink': { schema: logSink as unknown as Schema, table: 'log-sink:' },
  'agent-runner': { schema: agentRunner as unknown as Schema, table: 'agent-runner and utility-runner:' },
  'utility-runner': { schema: utilityRunner as unknown as Schema, table: 'agent-runner and utility-runner:' },
  'action-runner': { schema: actionRunner as unknown as Schema, table: 'action-runner:' },
};
const BREAKER = /^([A-Z]+)_(CALL_TIMEOUT_MS|BREAKER_ERROR_PERCENT|BREAKER_RESET_MS|BREAKER_MIN_CALLS)$/;

/** The README row's default cell against the schema: "local: `v`", "`v`" or "—". */
function checkDefault(schema: Schema, name: string, cell: string) {
  const field = schema.shape[name] as z.ZodType;
  const what = `${name}: README says ${cell}`;
  const fallback = field.safeParse(undefined);
  const code = /`([^`]*)`/.exec(cell)?.[1];
  if (localOnlyVariables(schema).includes(name)) {
    expect(cell, what).toMatch(/^local: `/);
    expect(field.parse(code), what).toEqual(fallback.success ? fallback.data : Symbol('no default'));
  } else if (cell.startsWith('—')) {
    expect(fallback.success, what).toBe(true);
    if (fallback.success && fallback.data !== undefined) expect(fallback.data, what).toEqual(field.parse(''));
  } else {
    expect(code, what).toBeDefined();
    expect(fallback.success, what).toBe(true);
    expect(field.parse(code), what).toEqual(fallback.success ? fallback.data : undefined);
  }
}

describe('README configuration tables', () => {
  const all = tables();
  const common = all.get('Common to all six:') as Map<string, string>;
  const breakers = [...all.entries()].find(([title]) => title.startsWith('Circuit breakers'))?.[1] as Map<string, string>;

  it('has the common, per-service and breaker tables', () => {
    expect(common).toBeDefined();
    expect(breakers).toBeDefined();
    for (const { table } of Object.values(SERVICES)) expect(all.has(table), table).toBe(true);
    expect([...common.keys()].sort()).toEqual([...Object.keys(baseEnvSchema.shape), ...Object.keys(mongoEnvSchema.shape)].sort());
  });

  it.each(Object.entries(SERVICES))('%s: every variable of its schema is documented with its default, and nothing else is', (_name, { schema, table }) => {
    const own = all.get(table) as Map<string, string>;
    const documented = new Map<string, string>();
    for (const name of Object.keys(schema.shape)) {
      const breaker = BREAKER.exec(name);
      const cell = common.get(name) ?? own.get(name) ?? (breaker ? breakers.get(`<P>_${breaker[2]}`) : undefined);
      expect(cell, `${name} is missing from the README`).toBeDefined();
      documented.set(name, cell as string);
    }
    for (const [name, cell] of documented) checkDefault(schema, name, cell);
    // the service's own table lists only its variables (a shared table may list its sibling's too)
    const siblings = Object.values(SERVICES).filter((s) => s.table === table).flatMap((s) => Object.keys(s.schema.shape));
    for (const name of own.keys()) expect(siblings, `${name} is in the README but in no schema`).toContain(name);
  });

  it('the container image runs a supported Node LTS (22 or 24)', () => {
    const dockerfile = fs.readFileSync(path.join(repo, 'Dockerfile'), 'utf8');
    const major = Number(/^ARG NODE_IMAGE=node:(\d+)/m.exec(dockerfile)?.[1]);
    expect([22, 24]).toContain(major);
  });
});
