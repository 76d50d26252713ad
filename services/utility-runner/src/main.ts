import { breakerSettingsFrom } from '@botwot/shared/config';
import { createBotCoreFromSettings } from '@botwot/shared/http';
import { startRunner } from '@botwot/shared/runner';
import { createKafkaRuntime } from '@botwot/shared/service';
import { readConfig } from './config.js';
import { createUtilityNodes } from './nodes/index.js';

/** Composition root: runs utility steps (text_gen, sentiment, intent, vulnerability, reason, custom) against BotCore. */
const config = readConfig();
const rt = await createKafkaRuntime('utility-runner', config);

await startRunner({
  rt,
  category: 'utility',
  open: async () => {
    const { botcore, close } = createBotCoreFromSettings({ baseUrl: config.BOT_SERVICE_URL, ...breakerSettingsFrom(config, 'BOTCORE') }, rt);
    return { executors: createUtilityNodes({ botcore, defaultTemperature: config.TEXT_GEN_DEFAULT_TEMPERATURE }), close: async () => close() };
  },
  opsPort: config.OPS_PORT,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  consumer: config,
});
