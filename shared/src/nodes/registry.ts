import type { z } from 'zod';
import { ACTION_NODES } from './actions.js';
import { AGENT_NODES } from './agents.js';
import { SUBTYPE_FIELD, type Category, type NodeDefinition } from './define-node.js';
import { TRIGGER_NODES } from './triggers.js';
import { UTILITY_NODES } from './utilities.js';

type Keyed<C extends Category, T extends Record<string, NodeDefinition>> = { [S in keyof T & string as `${C}/${S}`]: T[S] };
const keyed = <C extends Category, T extends Record<string, NodeDefinition>>(category: C, nodes: T) =>
  Object.fromEntries(Object.entries(nodes).map(([subtype, def]) => [`${category}/${subtype}`, def])) as Keyed<C, T>;

/** Every node type, keyed `${category}/${subtype}`. */
export const NODES = {
  ...keyed('trigger', TRIGGER_NODES),
  ...keyed('agent', AGENT_NODES),
  ...keyed('utility', UTILITY_NODES),
  ...keyed('action', ACTION_NODES),
};

export type NodeKey = keyof typeof NODES;
export type NodeConfig<K extends NodeKey> = z.infer<(typeof NODES)[K]['config']>;

/** What a step must have to be told apart: its category and config (the subtype is a config field). */
export interface StepShape {
  stepType: string;
  config: Record<string, unknown>;
}

/**
 * Reads steps against a set of node definitions: the engine's (`nodeRegistry`), or a test's
 * with a node of its own.
 */
export interface NodeRegistry {
  /** the step's subtype (`decision`, `send_email`, ...), or undefined when it names none */
  subtypeOf(step: StepShape): string | undefined;
  /** the step's node key when its category and subtype are known */
  keyOf(step: StepShape): string | undefined;
  definition(key: string): NodeDefinition | undefined;
  /** the step's config parsed against its node type: with defaults applied, or the problems */
  parse(step: StepShape): { ok: true; key: string; config: unknown } | { ok: false; problems: string[] };
  keys(): string[];
}

export function createNodeRegistry(nodes: Readonly<Record<string, NodeDefinition>>): NodeRegistry {
  const subtypeOf = (step: StepShape) => {
    const field = SUBTYPE_FIELD[step.stepType as Category];
    const value = field ? step.config[field] : undefined;
    return typeof value === 'string' ? value : undefined;
  };
  const keyOf = (step: StepShape) => {
    const key = `${step.stepType}/${subtypeOf(step) ?? ''}`;
    return Object.hasOwn(nodes, key) ? key : undefined;
  };
  return {
    subtypeOf,
    keyOf,
    definition: (key) => (Object.hasOwn(nodes, key) ? nodes[key] : undefined),
    keys: () => Object.keys(nodes),
    parse(step) {
      if (!Object.hasOwn(SUBTYPE_FIELD, step.stepType)) {
        return { ok: false, problems: [`unknown stepType "${step.stepType}" (expected trigger, agent, action or utility)`] };
      }
      const key = keyOf(step);
      if (!key) {
        const field = SUBTYPE_FIELD[step.stepType as Category];
        return { ok: false, problems: [`unknown ${field} "${String(step.config[field] ?? '')}" for a ${step.stepType} step`] };
      }
      const parsed = (nodes[key] as NodeDefinition).config.safeParse(step.config);
      if (parsed.success) return { ok: true, key, config: parsed.data };
      return { ok: false, problems: parsed.error.issues.map((i) => `config.${i.path.join('.')}: ${i.message}`) };
    },
  };
}

/** The engine's node types. */
export const nodeRegistry = createNodeRegistry(NODES);

/** The README's node table, as the node definitions describe it (a test keeps the README in step). */
export function nodeTable(): string {
  const rows = Object.values(NODES).map((n: NodeDefinition) => `| ${n.category} \`${n.subtype}\` | ${n.configDoc} | ${n.outputs.map((o) => `\`${o}\``).join(', ')} |`);
  return ['| node | config | output |', '|---|---|---|', ...rows].join('\n');
}
