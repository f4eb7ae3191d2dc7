import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** One temporary datasets folder for the whole test run (see test/helpers/datasets.ts). */
    datasetsDir: string;
  }
}

/** Vitest global setup: one datasets folder per run, so each dataset is converted once, then removed. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'judgekit-datasets-'));
  project.provide('datasetsDir', dir);
  return () => rm(dir, { recursive: true, force: true });
}
