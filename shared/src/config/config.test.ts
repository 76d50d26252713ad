import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { baseEnvSchema, localDefault, localOnlyVariables, mongoEnvSchema, parseConfig } from './index.js';

const schema = baseEnvSchema.extend(mongoEnvSchema.shape).extend({
  PROVIDER_URL: localDefault(z.url(), 'http://127.0.0.1:1'),
  PROVIDER_TOKEN: localDefault(z.string().min(1), 'test-token'),
  RETRIES: z.coerce.number().default(3),
  PROVIDERS: localDefault(z.string().transform((s) => JSON.parse(s) as unknown), '{"crm":"http://127.0.0.1:2"}'),
});

describe('configuration profiles', () => {
  it('knows which defaults are for the local profile only', () => {
    expect(localOnlyVariables(schema).sort()).toEqual(['KAFKA_BROKERS', 'MONGO_URL', 'PROVIDERS', 'PROVIDER_TOKEN', 'PROVIDER_URL']);
  });

  it('applies local defaults with BOTWOT_PROFILE=local', () => {
    const r = parseConfig(schema, { BOTWOT_PROFILE: 'local' });
    expect(r).toMatchObject({ ok: true, config: { PROVIDER_URL: 'http://127.0.0.1:1', PROVIDER_TOKEN: 'test-token', KAFKA_BROKERS: '127.0.0.1:19092', RETRIES: 3, PROVIDERS: { crm: 'http://127.0.0.1:2' } } });
  });

  it('names every variable a production start is missing, and keeps ordinary defaults', () => {
    expect(parseConfig(schema, {})).toEqual({ ok: false, problems: ['KAFKA_BROKERS', 'MONGO_URL', 'PROVIDER_URL', 'PROVIDER_TOKEN', 'PROVIDERS'].map((v) => `${v}: required (its default is for BOTWOT_PROFILE=local only)`) });
    const full = { KAFKA_BROKERS: 'kafka:9092', MONGO_URL: 'mongodb://mongo/botwot', PROVIDER_URL: 'https://provider.example', PROVIDER_TOKEN: 't', PROVIDERS: '{}' };
    expect(parseConfig(schema, full)).toMatchObject({ ok: true, config: { ...full, PROVIDERS: {}, RETRIES: 3, BOTWOT_PROFILE: 'production' } });
    expect(parseConfig(schema, { ...full, BOTWOT_PROFILE: 'staging' })).toMatchObject({ ok: false, problems: [expect.stringMatching(/^BOTWOT_PROFILE: /)] });
  });
});
