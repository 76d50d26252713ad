import type { BotCoreClient } from '@botwot/shared/http';
import type { NodeExecutor } from '@botwot/shared/runner';

/** utility `reason`: BotCore /reason-analysis, its answer in the output fields workflows read. */
export const createReason =
  (deps: { botcore: BotCoreClient }): NodeExecutor<'utility/reason'> =>
  async ({ config, signal, orgId }) => ({ reason: (await deps.botcore.reason(config.inputText, { signal, orgId })).reason });
