import { baseEnvSchema, breakerEnvSchema, loadConfig, localDefault } from '@botwot/shared/config';
import { z } from 'zod';

export const configSchema = baseEnvSchema.extend(breakerEnvSchema('BOTCORE').shape).extend({
  /** BotCore base URL (BOT_SERVICE_URL, the name the product's action plan uses) */
  BOT_SERVICE_URL: localDefault(z.url(), 'http://127.0.0.1:15000'),
  /** temperature of text_gen steps that set none (default 0.7) */
  TEXT_GEN_DEFAULT_TEMPERATURE: z.coerce.number().min(0).max(2).default(0.7),
});

export type UtilityRunnerConfig = z.infer<typeof configSchema>;
export const readConfig = (): UtilityRunnerConfig => loadConfig(configSchema);
