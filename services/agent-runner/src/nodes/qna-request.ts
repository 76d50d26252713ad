import type { NodeCall } from '@botwot/shared/runner';

export type AgentConfig = { inputText?: string | undefined; systemPrompt?: string | undefined; memoryContext?: string | undefined };

/**
 * The question, memory id and history every agent sends to BotCore's /qna: the step's input text,
 * or the trigger's message, mail or transcript; the memory id the step names, or the agent's default
 * (the BotCore client prefixes either with the org).
 */
export function qnaRequest(call: NodeCall<AgentConfig>, defaultUuid: string) {
  const history = call.scope.vars.chatHistory;
  return {
    question: call.config.inputText ?? String(call.scope.vars.message_text ?? call.scope.vars.email_body ?? call.scope.vars.call_transcript ?? ''),
    uuid: call.config.memoryContext ?? defaultUuid,
    chatHistory: Array.isArray(history) ? history : [],
    ...(call.config.systemPrompt ? { systemPrompt: call.config.systemPrompt } : {}),
  };
}
