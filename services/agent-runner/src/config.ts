import { baseEnvSchema, breakerEnvSchema, loadConfig, localDefault } from '@botwot/shared/config';
import { z } from 'zod';

export const configSchema = baseEnvSchema.extend(breakerEnvSchema('BOTCORE').shape).extend({
  /** BotCore base URL (BOT_SERVICE_URL, the name the product's action plan uses) */
  BOT_SERVICE_URL: localDefault(z.url(), 'http://127.0.0.1:15000'),
  /** BotCore memory id for decision agents without their own memoryContext; namespaced by org like every memory id */
  DECISION_AGENT_UUID: z.string().min(1).default('decorpot-agent-uuid'),
});

export type AgentRunnerConfig = z.infer<typeof configSchema>;
export const readConfig = (): AgentRunnerConfig => loadConfig(configSchema);
