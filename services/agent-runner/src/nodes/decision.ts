import type { BotCoreClient } from '@botwot/shared/http';
import type { NodeExecutor } from '@botwot/shared/runner';
import { parseDecision } from './parse-decision.js';
import { qnaRequest } from './qna-request.js';

/** agent `decision`: Approve, Reject or Review with a confidence, read from BotCore's answer. */
export function createDecisionAgent(deps: { botcore: BotCoreClient; decisionAgentUuid: string }): NodeExecutor<'agent/decision'> {
  return async (call) => {
    const answer = await deps.botcore.qna(qnaRequest(call, deps.decisionAgentUuid), call);
    return { ...parseDecision(answer), agent_response: answer };
  };
}
