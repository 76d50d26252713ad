import { z } from 'zod';
import type { StepDefinition } from '../events/index.js';

const text = z.string().max(20_000);
const nonEmpty = z.string().min(1).max(20_000);

/** Strict config of every node type, keyed `${stepType}/${subtype}`. */
export const NODE_CONFIGS = {
  'trigger/whatsapp': z.object({ triggerType: z.literal('whatsapp'), channelId: z.string().max(200).optional() }),
  'trigger/email': z.object({ triggerType: z.literal('email'), channelId: z.string().max(200).optional() }),
  'trigger/voice': z.object({ triggerType: z.literal('voice'), channelId: z.string().max(200).optional() }),

  'agent/conversational': z.object({
    agentType: z.literal('conversational'),
    /** the question sent to BotCore; defaults to the trigger's message text */
    inputText: text.optional(),
    systemPrompt: text.optional(),
    /** BotCore memory id (`uuid`); defaults to one per execution */
    memoryContext: z.string().max(200).optional(),
  }),
  'agent/decision': z.object({
    agentType: z.literal('decision'),
    inputText: text.optional(),
    systemPrompt: text.optional(),
    memoryContext: z.string().max(200).optional(),
  }),
  'agent/reasoning': z.object({
    agentType: z.literal('reasoning'),
    inputText: text.optional(),
    systemPrompt: text.optional(),
    memoryContext: z.string().max(200).optional(),
  }),

  'action/send_whatsapp': z
    .object({
      actionType: z.literal('send_whatsapp'),
      messageTemplate: nonEmpty,
      /** `trigger` answers the number that wrote in; `custom` sends to customRecipient */
      recipient: z.enum(['trigger', 'custom']).default('trigger'),
      customRecipient: z.string().max(100).optional(),
      /** the WhatsApp Business phone number id to send from; defaults to the runner's */
      phoneNumberId: z.string().max(100).optional(),
    })
    .refine((c) => c.recipient !== 'custom' || !!c.customRecipient, { message: 'customRecipient is required when recipient is "custom"', path: ['customRecipient'] }),
  'action/send_email': z.object({
    actionType: z.literal('send_email'),
    to: nonEmpty,
    subject: nonEmpty,
    body: text,
    from: z.string().max(300).optional(),
  }),
  'action/initiate_call': z.object({
    actionType: z.literal('initiate_call'),
    phoneNumber: nonEmpty,
    voiceAgent: nonEmpty,
  }),
  'action/update_crm': z
    .object({
      actionType: z.literal('update_crm'),
      /** a CRM configured on the action-runner (CRM_ENDPOINTS), or any name when `endpoint` is given */
      crmSystem: z.string().min(1).max(100),
      action: z.enum(['create', 'update']),
      /** field → template; an object, or a JSON string of one (as the seed stores it) */
      fields: z.union([z.record(z.string(), z.unknown()), z.string().transform(parseJsonObject)]),
      recordId: z.string().max(200).optional(),
      object: z.string().max(100).optional(),
      /** a CRM base URL; must pass the runner's outbound allowlist (no query or fragment: paths are appended to it) */
      endpoint: z
        .url()
        .refine((u) => !/[?#]/.test(u), 'a base URL has no query (?) or fragment (#)')
        .optional(),
    })
    .refine((c) => c.action !== 'update' || !!c.recordId, { message: 'recordId is required to update', path: ['recordId'] })
    .refine((c) => c.fields !== null, { message: 'fields must be an object or a JSON object string', path: ['fields'] }),

  'utility/text_gen': z.object({
    utilityType: z.literal('text_gen'),
    inputText: nonEmpty,
    systemPrompt: text.optional(),
    temperature: z.coerce.number().min(0).max(2).optional(),
  }),
  'utility/sentiment': z.object({ utilityType: z.literal('sentiment'), inputText: nonEmpty }),
  'utility/intent': z.object({ utilityType: z.literal('intent'), inputText: nonEmpty }),
  'utility/vulnerability': z.object({ utilityType: z.literal('vulnerability'), inputText: nonEmpty }),
  'utility/reason': z.object({ utilityType: z.literal('reason'), inputText: nonEmpty }),
  'utility/custom': z.object({ utilityType: z.literal('custom'), inputText: nonEmpty, systemPrompt: nonEmpty }),
} as const;

export type NodeKey = keyof typeof NODE_CONFIGS;
export type NodeConfig<K extends NodeKey> = z.infer<(typeof NODE_CONFIGS)[K]>;

/** The seed stores CRM fields as a JSON string: parse it before templating, so values cannot break the JSON. */
function parseJsonObject(s: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(s);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const SUBTYPE_FIELD: Record<string, string> = {
  trigger: 'triggerType',
  agent: 'agentType',
  action: 'actionType',
  utility: 'utilityType',
};

/** The node type of a step (`decision`, `send_email`, ...), or undefined when it names none. */
export function nodeTypeOf(step: Pick<StepDefinition, 'stepType' | 'config'>): string | undefined {
  const field = SUBTYPE_FIELD[step.stepType];
  const value = field ? step.config[field] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** The node key of a step when its type and subtype are known. */
export function nodeKeyOf(step: Pick<StepDefinition, 'stepType' | 'config'>): NodeKey | undefined {
  const key = `${step.stepType}/${nodeTypeOf(step) ?? ''}`;
  return Object.hasOwn(NODE_CONFIGS, key) ? (key as NodeKey) : undefined;
}

/** Parses a step's config against its node type: the config with defaults, or the problems. */
export function parseNodeConfig(step: Pick<StepDefinition, 'stepType' | 'config'>): { ok: true; key: NodeKey; config: unknown } | { ok: false; problems: string[] } {
  if (!Object.hasOwn(SUBTYPE_FIELD, step.stepType)) {
    return { ok: false, problems: [`unknown stepType "${step.stepType}" (expected trigger, agent, action or utility)`] };
  }
  const key = nodeKeyOf(step);
  if (!key) {
    const field = SUBTYPE_FIELD[step.stepType];
    return { ok: false, problems: [`unknown ${field} "${String(step.config[field ?? ''] ?? '')}" for a ${step.stepType} step`] };
  }
  const parsed = NODE_CONFIGS[key].safeParse(step.config);
  if (parsed.success) return { ok: true, key, config: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((i) => `config.${i.path.join('.')}: ${i.message}`) };
}
