import { z } from 'zod';
import { defineNode } from './define-node.js';

const text = z.string().max(20_000);
const nonEmpty = z.string().min(1).max(20_000);
const simple = <T extends string>(subtype: T) => z.object({ utilityType: z.literal(subtype), inputText: nonEmpty });

/** The six utilities, each on its BotCore endpoint. */
export const UTILITY_NODES = {
  text_gen: defineNode({
    category: 'utility',
    subtype: 'text_gen',
    config: z.object({ utilityType: z.literal('text_gen'), inputText: nonEmpty, systemPrompt: text.optional(), temperature: z.coerce.number().min(0).max(2).optional() }),
    configDoc: '`utilityType`, `inputText`, `systemPrompt?`, `temperature?` (0.7)',
    outputs: ['generated_text'],
  }),
  sentiment: defineNode({ category: 'utility', subtype: 'sentiment', config: simple('sentiment'), configDoc: '`inputText`', outputs: ['sentiment', 'sentiment_score'] }),
  intent: defineNode({ category: 'utility', subtype: 'intent', config: simple('intent'), configDoc: '`inputText`', outputs: ['intent', 'confidence'] }),
  vulnerability: defineNode({ category: 'utility', subtype: 'vulnerability', config: simple('vulnerability'), configDoc: '`inputText`', outputs: ['vulnerabilities', 'risk_level'] }),
  reason: defineNode({ category: 'utility', subtype: 'reason', config: simple('reason'), configDoc: '`inputText`', outputs: ['reason'] }),
  custom: defineNode({
    category: 'utility',
    subtype: 'custom',
    config: z.object({ utilityType: z.literal('custom'), inputText: nonEmpty, systemPrompt: nonEmpty }),
    configDoc: '`inputText`, `systemPrompt`',
    outputs: ['custom_output'],
  }),
} as const;

export type UtilityType = keyof typeof UTILITY_NODES;
export const UTILITY_TYPES = Object.keys(UTILITY_NODES) as [UtilityType, ...UtilityType[]];
