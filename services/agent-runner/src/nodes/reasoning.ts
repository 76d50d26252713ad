import type { BotCoreClient } from '@botwot/shared/http';
import type { NodeExecutor } from '@botwot/shared/runner';
import { qnaRequest } from './qna-request.js';

/** agent `reasoning`: BotCore's reasoning, and its conclusion (a "Conclusion:" line, or the last sentence). */
export function createReasoningAgent(deps: { botcore: BotCoreClient }): NodeExecutor<'agent/reasoning'> {
  return async (call) => {
    const answer = await deps.botcore.qna(qnaRequest(call, `reasoning-${call.executionId}`), call);
    const conclusion = /\b(?:conclusion|therefore|so)\s*[:,]\s*([^\n]+)$/im.exec(answer)?.[1]?.trim() ?? answer.split(/(?<=[.!?])\s+/).pop() ?? answer;
    return { reasoning: answer, conclusion };
  };
}
