import type { Stage } from '../schema/index.ts';

/** What a stage gets from the runner. */
export interface StageContext {
  /** The run folder (reports/<run-id>); every output goes here. */
  runDir: string;
  /** The experiment config's folder: stage paths are relative to it. */
  configDir: string;
  seed: number;
  resamples: number;
  /** The content-addressed judge cache shared by all runs. */
  cacheDir: string;
  dryRun: boolean;
  signal: AbortSignal;
  /** Progress and notes for the user (stderr). */
  log(message: string): void;
}

/** What a stage leaves behind. Files are written by the stage, atomically, under runDir. */
export interface StageOutcome {
  /** Output files, relative to runDir. */
  outputs: string[];
  /** Counts by status (or any other counted thing), summed into the manifest. */
  counts: Record<string, number>;
  /** Judge spend in USD (0 for offline stages). */
  cost_usd: number;
  /** The stage's section of report.md (also written to `<name>.md`). */
  markdown: string;
}

export type StageRunner<S extends Stage = Stage> = (stage: S, ctx: StageContext) => Promise<StageOutcome>;

/** Output file name of a stage: `<stage-name>.<suffix>`. */
export function outName(stage: { name: string }, suffix: string): string {
  return `${stage.name}.${suffix}`;
}
