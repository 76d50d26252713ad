import type { BotCoreClient } from '@botwot/shared/http';
import type { NodeExecutor } from '@botwot/shared/runner';

/** utility `sentiment`: BotCore /sentiment-analysis, its answer in the output fields workflows read. */
export const createSentiment =
  (deps: { botcore: BotCoreClient }): NodeExecutor<'utility/sentiment'> =>
  async ({ config, signal, orgId }) => {
    const r = await deps.botcore.sentiment(config.inputText, { signal, orgId });
    return { sentiment: r.sentiment, sentiment_score: r.score };
  };
