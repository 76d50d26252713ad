import { breakerSettingsFrom } from '@botwot/shared/config';
import { createBotCoreFromSettings } from '@botwot/shared/http';
import { startRunner } from '@botwot/shared/runner';
import { createKafkaRuntime } from '@botwot/shared/service';
import { readConfig } from './config.js';
import { createAgentNodes } from './nodes/index.js';

/** Composition root: runs agent steps (conversational, decision, reasoning) against BotCore. */
const config = readConfig();
const rt = await createKafkaRuntime('agent-runner', config);

await startRunner({
  rt,
  category: 'agent',
  open: async () => {
    const { botcore, close } = createBotCoreFromSettings({ baseUrl: config.BOT_SERVICE_URL, ...breakerSettingsFrom(config, 'BOTCORE') }, rt);
    return { executors: createAgentNodes({ botcore, decisionAgentUuid: config.DECISION_AGENT_UUID }), close: async () => close() };
  },
  opsPort: config.OPS_PORT,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  consumer: config,
});
