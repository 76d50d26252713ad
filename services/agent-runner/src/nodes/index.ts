import type { BotCoreClient } from '@botwot/shared/http';
import type { NodeExecutors } from '@botwot/shared/runner';
import { createConversationalAgent } from './conversational.js';
import { createDecisionAgent } from './decision.js';
import { createReasoningAgent } from './reasoning.js';

export interface AgentNodeDeps {
  botcore: BotCoreClient;
  decisionAgentUuid: string;
}

/** The agents this runner runs, one executor file each. */
export function createAgentNodes(deps: AgentNodeDeps): NodeExecutors {
  return {
    'agent/conversational': createConversationalAgent(deps),
    'agent/decision': createDecisionAgent(deps),
    'agent/reasoning': createReasoningAgent(deps),
  };
}
