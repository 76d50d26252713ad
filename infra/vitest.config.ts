import { defineConfig } from "vitest/config";

// Only for infra's own stack test (the root config's projects do not include it):
//   cd /work/main && npx vitest run -c infra/vitest.config.ts
export default defineConfig({
  test: {
    root: new URL(".", import.meta.url).pathname,
    include: ["src/**/*.integration.test.ts"],
    testTimeout: 180_000,
    hookTimeout: 1_200_000,
  },
});
