import type { BotCoreClient } from '@botwot/shared/http';
import type { NodeExecutor } from '@botwot/shared/runner';

/** utility `text_gen`: BotCore /generate-answer at the step's temperature (or the runner's default). */
export function createTextGen(deps: { botcore: BotCoreClient; defaultTemperature: number }): NodeExecutor<'utility/text_gen'> {
  return async ({ config, signal, orgId }) => ({
    generated_text: await deps.botcore.generateAnswer(
      { question: config.inputText, uuid: 'text-gen-uuid', temperature: config.temperature ?? deps.defaultTemperature, ...(config.systemPrompt ? { systemPrompt: config.systemPrompt } : {}) },
      { signal, orgId },
    ),
  });
}
