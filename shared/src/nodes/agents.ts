import { z } from 'zod';
import { defineNode } from './define-node.js';

const text = z.string().max(20_000);
const agent = <T extends string>(subtype: T) =>
  z.object({
    agentType: z.literal(subtype),
    /** the question sent to BotCore; defaults to the trigger's message text */
    inputText: text.optional(),
    systemPrompt: text.optional(),
    /** BotCore memory id (`uuid`), namespaced by org; defaults to one per execution */
    memoryContext: z.string().max(200).optional(),
  });

/** The three agents: BotCore `/qna`, each reading its answer its own way. */
export const AGENT_NODES = {
  conversational: defineNode({
    category: 'agent',
    subtype: 'conversational',
    config: agent('conversational'),
    configDoc: '`agentType`, `inputText?` (default the message text), `systemPrompt?`, `memoryContext?` (BotCore `uuid`)',
    outputs: ['agent_response'],
  }),
  decision: defineNode({
    category: 'agent',
    subtype: 'decision',
    config: agent('decision'),
    configDoc: 'as above',
    outputs: ['decision', 'confidence', 'agent_response'],
  }),
  reasoning: defineNode({
    category: 'agent',
    subtype: 'reasoning',
    config: agent('reasoning'),
    configDoc: 'as above',
    outputs: ['reasoning', 'conclusion'],
  }),
} as const;

export type AgentType = keyof typeof AGENT_NODES;
export const AGENT_TYPES = Object.keys(AGENT_NODES) as [AgentType, ...AgentType[]];
