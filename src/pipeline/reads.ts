import type { Stage } from '../schema/index.ts';
import { resolveFrom, stageRefs, STAGE_INPUT_FIELDS } from './config.ts';

/** The files a stage reads, resolved against the config folder (outputs of earlier stages not included). */
export function stageInputs(stage: Stage, configDir: string): string[] {
  const files: string[] = [];
  const s = stage as unknown as Record<string, unknown>;
  for (const f of STAGE_INPUT_FIELDS) {
    const v = s[f];
    if (typeof v === 'string') files.push(resolveFrom(configDir, v));
    else if (Array.isArray(v)) for (const x of v) if (typeof x === 'string') files.push(resolveFrom(configDir, x));
  }
  if (stage.kind === 'judge' && stage.judge.kind === 'replay') files.push(resolveFrom(configDir, stage.judge.verdicts));
  if (stage.truth) files.push(resolveFrom(configDir, stage.truth.file));
  return files;
}

/** Earlier stages of the same run whose outputs a stage reads. */
export function stageDependencies(stage: Stage): string[] {
  return [...new Set(stageRefs(stage).map((r) => r.stage))];
}
