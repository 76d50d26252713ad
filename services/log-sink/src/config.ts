import { baseEnvSchema, loadConfig, mongoEnvSchema } from '@botwot/shared/config';
import type { z } from 'zod';

const schema = baseEnvSchema.extend(mongoEnvSchema.shape);

export type LogSinkConfig = z.infer<typeof schema>;
export const readConfig = (): LogSinkConfig => loadConfig(schema);
