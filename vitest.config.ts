import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // One temporary folder per run for the public datasets the tests convert (test/helpers/datasets.ts).
    globalSetup: ['test/helpers/datasets-setup.ts'],
  },
});
