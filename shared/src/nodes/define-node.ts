import type { z } from 'zod';

/** Where a step runs: triggers inline in the orchestrator, the others on their category's runner. */
export type Category = 'trigger' | 'agent' | 'action' | 'utility';

/** The outside channel an action sends on (for previews of what a retry would send again). */
export type SideEffectChannel = 'whatsapp' | 'email' | 'call' | 'crm';

/**
 * Everything the engine knows of one node type, in one place: validation, runner categories and
 * command topics, trigger shaping, retry previews and the README's node table are derived from it.
 * Adding a node type is its definition here and its executor in its runner, nothing else.
 */
export interface NodeDefinition<C extends z.ZodType = z.ZodType> {
  category: Category;
  subtype: string;
  /** the step's config, strictly: the subtype field included (e.g. `actionType: 'send_email'`) */
  config: C;
  /** the config's fields as the README's node table lists them */
  configDoc: string;
  /** the fields a successful run outputs */
  outputs: readonly string[];
  /**
   * actions: the channel they send on, to whom (from the rendered config and the flat variables; ''
   * when nobody) and what, in a line. The runner sends to `to`; a retry preview shows all three.
   */
  sends?: { channel: SideEffectChannel; to(config: z.infer<C>, vars: Record<string, unknown>): string; summary(config: z.infer<C>): string };
  /** triggers: the trigger data shaped into the step's output */
  shape?: (data: Record<string, unknown>, now: Date) => Record<string, unknown>;
}

/** Types a definition (its config's type flows into `sends`). */
export function defineNode<C extends z.ZodType>(definition: NodeDefinition<C>): NodeDefinition<C> {
  return definition;
}

/** A trigger's definition: it always shapes its data. */
export function defineTrigger<C extends z.ZodType>(definition: NodeDefinition<C> & { shape: NonNullable<NodeDefinition['shape']> }) {
  return definition;
}

/** The field of a step's config that names its subtype, per category. */
export const SUBTYPE_FIELD: Record<Category, string> = {
  trigger: 'triggerType',
  agent: 'agentType',
  action: 'actionType',
  utility: 'utilityType',
};
