import type { BotCoreClient } from '@botwot/shared/http';
import type { NodeExecutors } from '@botwot/shared/runner';

export interface UtilityNodeDeps {
  botcore: BotCoreClient;
  defaultTemperature: number;
}

/** The six utilities, each on its BotCore endpoint, with the seed's output field names. */
export function createUtilityNodes(deps: UtilityNodeDeps): NodeExecutors {
  const { botcore } = deps;
  return {
    'utility/text_gen': async ({ config, signal, orgId }) => ({
      generated_text: await botcore.generateAnswer(
        {
          question: config.inputText,
          uuid: 'text-gen-uuid',
          temperature: config.temperature ?? deps.defaultTemperature,
          ...(config.systemPrompt ? { systemPrompt: config.systemPrompt } : {}),
        },
        { signal, orgId },
      ),
    }),
    'utility/sentiment': async ({ config, signal, orgId }) => {
      const r = await botcore.sentiment(config.inputText, { signal, orgId });
      return { sentiment: r.sentiment, sentiment_score: r.score };
    },
    'utility/intent': async ({ config, signal, orgId }) => {
      const r = await botcore.intent(config.inputText, { signal, orgId });
      return { intent: r.intent, confidence: r.confidence };
    },
    'utility/vulnerability': async ({ config, signal, orgId }) => {
      const r = await botcore.vulnerability(config.inputText, { signal, orgId });
      return { vulnerabilities: r.vulnerabilities, risk_level: r.risk_level };
    },
    'utility/reason': async ({ config, signal, orgId }) => ({ reason: (await botcore.reason(config.inputText, { signal, orgId })).reason }),
    'utility/custom': async ({ config, signal, orgId }) => ({
      custom_output: await botcore.qna({ question: config.inputText, uuid: 'custom-ai-uuid', chatHistory: [], systemPrompt: config.systemPrompt }, { signal, orgId }),
    }),
  };
}
