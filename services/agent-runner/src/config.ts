import { baseEnvSchema, breakerEnvSchema, loadConfig } from '@botwot/shared/config';
import { z } from 'zod';

const schema = baseEnvSchema.extend(breakerEnvSchema('BOTCORE').shape).extend({
  /** BotCore base URL (the seed's BOT_SERVICE_URL) */
  BOT_SERVICE_URL: z.url().default('http://127.0.0.1:15000'),
  /** BotCore memory id for decision agents without their own memoryContext (the seed's) */
  DECISION_AGENT_UUID: z.string().min(1).default('decorpot-agent-uuid'),
});

export type AgentRunnerConfig = z.infer<typeof schema>;
export const readConfig = (): AgentRunnerConfig => loadConfig(schema);
