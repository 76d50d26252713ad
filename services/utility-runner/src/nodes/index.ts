import type { BotCoreClient } from '@botwot/shared/http';
import type { NodeExecutors } from '@botwot/shared/runner';
import { createIntent } from './intent.js';
import { createReason } from './reason.js';
import { createSentiment } from './sentiment.js';
import { createVulnerability } from './vulnerability.js';
import { createCustom } from './custom.js';
import { createTextGen } from './text-gen.js';

export interface UtilityNodeDeps {
  botcore: BotCoreClient;
  defaultTemperature: number;
}

/** The utilities this runner runs. */
export function createUtilityNodes(deps: UtilityNodeDeps): NodeExecutors {
  return {
    'utility/text_gen': createTextGen(deps),
    'utility/sentiment': createSentiment(deps),
    'utility/intent': createIntent(deps),
    'utility/vulnerability': createVulnerability(deps),
    'utility/reason': createReason(deps),
    'utility/custom': createCustom(deps),
  };
}
