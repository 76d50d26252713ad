import { baseEnvSchema, breakerEnvSchema, loadConfig } from '@botwot/shared/config';
import { z } from 'zod';

const schema = baseEnvSchema.extend(breakerEnvSchema('BOTCORE').shape).extend({
  /** BotCore base URL (the seed's BOT_SERVICE_URL) */
  BOT_SERVICE_URL: z.url().default('http://127.0.0.1:15000'),
  /** temperature of text_gen steps that set none (the seed's 0.7) */
  TEXT_GEN_DEFAULT_TEMPERATURE: z.coerce.number().min(0).max(2).default(0.7),
});

export type UtilityRunnerConfig = z.infer<typeof schema>;
export const readConfig = (): UtilityRunnerConfig => loadConfig(schema);
