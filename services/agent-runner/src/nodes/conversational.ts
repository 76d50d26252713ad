import type { BotCoreClient } from '@botwot/shared/http';
import type { NodeExecutor } from '@botwot/shared/runner';
import { qnaRequest } from './qna-request.js';

/** agent `conversational`: BotCore's answer, with a memory per execution unless the step names one. */
export function createConversationalAgent(deps: { botcore: BotCoreClient }): NodeExecutor<'agent/conversational'> {
  return async (call) => ({ agent_response: await deps.botcore.qna(qnaRequest(call, `conversation-${call.executionId}`), call) });
}
