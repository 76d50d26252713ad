import type { BotCoreClient } from '@botwot/shared/http';
import type { NodeExecutor } from '@botwot/shared/runner';

/** utility `custom`: BotCore /qna with the step's own system prompt. */
export function createCustom(deps: { botcore: BotCoreClient }): NodeExecutor<'utility/custom'> {
  return async ({ config, signal, orgId }) => ({
    custom_output: await deps.botcore.qna({ question: config.inputText, uuid: 'custom-ai-uuid', chatHistory: [], systemPrompt: config.systemPrompt }, { signal, orgId }),
  });
}
