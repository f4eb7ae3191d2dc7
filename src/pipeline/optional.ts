import { access } from 'node:fs/promises';
import { relative } from 'node:path';
import type { Stage, StageManifest } from '../schema/index.ts';
import { stageDependencies, stageInputs } from './reads.ts';

const exists = (p: string): Promise<boolean> => access(p).then(() => true, () => false);

/**
 * Why an optional stage cannot run (the first input file it names that is absent, or the first
 * stage it reads that was skipped or not run), or null when it can. A stage that is not optional
 * always runs, and fails on what is missing.
 */
export async function absentInput(stage: Stage, configDir: string, upstream: (name: string) => StageManifest['status'] | undefined): Promise<string | null> {
  if (!stage.optional) return null;
  for (const f of stageInputs(stage, configDir)) if (!(await exists(f))) return `its input ${relative(configDir, f) || f} is absent`;  // as the config names it
  for (const dep of stageDependencies(stage)) {
    const st = upstream(dep);
    if (st === 'skipped') return `it reads stage "${dep}", which was skipped`;
    if (st === undefined) return `it reads stage "${dep}", which has not run`;
  }
  return null;
}
