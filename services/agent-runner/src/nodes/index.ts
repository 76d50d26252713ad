import type { BotCoreClient } from '@botwot/shared/http';
import type { NodeCall, NodeExecutors } from '@botwot/shared/runner';
import { parseDecision } from './parse-decision.js';

export interface AgentNodeDeps {
  botcore: BotCoreClient;
  decisionAgentUuid: string;
}

type AgentConfig = { inputText?: string | undefined; systemPrompt?: string | undefined; memoryContext?: string | undefined };

/** The question, memory id and history every agent sends to BotCore's /qna. */
function qnaRequest(call: NodeCall<AgentConfig>, defaultUuid: string) {
  const history = call.scope.vars.chatHistory;
  return {
    question: call.config.inputText ?? String(call.scope.vars.message_text ?? call.scope.vars.email_body ?? call.scope.vars.call_transcript ?? ''),
    uuid: call.config.memoryContext ?? defaultUuid,
    chatHistory: Array.isArray(history) ? history : [],
    ...(call.config.systemPrompt ? { systemPrompt: call.config.systemPrompt } : {}),
  };
}

/** Conversational, decision and reasoning agents: BotCore /qna, each shaping its own output. */
export function createAgentNodes(deps: AgentNodeDeps): NodeExecutors {
  return {
    'agent/conversational': async (call) => {
      const answer = await deps.botcore.qna(qnaRequest(call, `conversation-${call.executionId}`), call);
      return { agent_response: answer };
    },
    'agent/decision': async (call) => {
      const answer = await deps.botcore.qna(qnaRequest(call, deps.decisionAgentUuid), call);
      return { ...parseDecision(answer), agent_response: answer };
    },
    'agent/reasoning': async (call) => {
      const answer = await deps.botcore.qna(qnaRequest(call, `reasoning-${call.executionId}`), call);
      const conclusion = /\b(?:conclusion|therefore|so)\s*[:,]\s*([^\n]+)$/im.exec(answer)?.[1]?.trim() ?? answer.split(/(?<=[.!?])\s+/).pop() ?? answer;
      return { reasoning: answer, conclusion };
    },
  };
}
