import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // the CLI tests spawn the compiled bin: bring dist/ up to date with src/ once, before any test;
    // one temporary folder per run for the public datasets the tests convert (test/helpers/datasets.ts)
    globalSetup: ['test/helpers/fresh-dist.ts', 'test/helpers/datasets-setup.ts'],
    // Worker threads that keep their module cache from one test file to the next: the files import
    // the same modules (zod schemas, the studies), and importing them again for each file cost
    // more than most tests.
    pool: 'threads',
    isolate: false,
    // vitest's default is one worker fewer than the cores: on CI's 2 cores that is 1, and half the
    // machine idles while spawned CLIs and local servers wait. Two workers use both cores.
    maxWorkers: 2,
  },
});
