import { defineConfig } from 'vitest/config';

// Unit tests sit beside the code; integration tests run against the real local stack
// (Kafka, FerretDB, schema registry, stand-ins and the six services) that global setup starts once.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{shared,services,stand-ins,launcher,local-servers,tools,console}/**/src/**/*.test.ts', 'bench/*.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**', '**/*.integration.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/src/**/*.integration.test.ts'],
          globalSetup: ['tests/src/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
