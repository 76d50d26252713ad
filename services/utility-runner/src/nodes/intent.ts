import type { BotCoreClient } from '@botwot/shared/http';
import type { NodeExecutor } from '@botwot/shared/runner';

/** utility `intent`: BotCore /intent, its answer in the output fields workflows read. */
export const createIntent =
  (deps: { botcore: BotCoreClient }): NodeExecutor<'utility/intent'> =>
  async ({ config, signal, orgId }) => {
    const r = await deps.botcore.intent(config.inputText, { signal, orgId });
    return { intent: r.intent, confidence: r.confidence };
  };
