import { join } from 'node:path';
import type { InputRef, ResponsesRef, Stage } from '../schema/index.ts';
import type { Item, Response } from '../schema/index.ts';
import { readResponses } from '../io/records.ts';
import { writeFileAtomic, writeJsonAtomic, writeJsonlAtomic } from '../io/atomic.ts';
import { resolveFrom } from './config.ts';

/** What a stage gets from the runner (or from the command that calls it). */
export interface StageContext {
  /** The run folder (reports/<run-id>): earlier stages' outputs are read from here. */
  runDir: string;
  /** The experiment config's folder: stage paths are relative to it. */
  configDir: string;
  seed: number;
  resamples: number;
  /** The content-addressed judge cache shared by all runs. */
  cacheDir: string;
  signal: AbortSignal;
  /** Progress and notes for the user (stderr). */
  log(message: string): void;
  /** The configs of the experiment's other stages, for a stage that reads an earlier one. */
  stages?: ReadonlyMap<string, Stage>;
}

/** A file a stage leaves beside its result, written as `<stage>.<suffix>` in a run. */
export type StageFile = { suffix: string; jsonl: readonly unknown[] } | { suffix: string; text: string };

/**
 * What a stage computes. Stages write nothing themselves: the runner writes `<stage>.json` (the
 * result), the files and `<stage>.md`; a command writes the same content under its own names, so
 * `judgekit run` and the command give byte-identical results from the same inputs.
 */
export interface StageOutcome {
  /** The stage's result: `<stage>.json`. */
  result: unknown;
  /** Ledgers and tables beside the result. */
  files: StageFile[];
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

/**
 * Writes a stage's outcome under `dir`, each file atomically, the files first and the result and
 * its Markdown last; `name` maps a suffix to a file name (default `<stage>.<suffix>`). Returns the
 * names written, in that order.
 */
export async function writeStageOutcome(dir: string, stageName: string, outcome: StageOutcome, name: (suffix: string) => string = (s) => outName({ name: stageName }, s)): Promise<string[]> {
  const written: string[] = [];
  for (const f of outcome.files) {
    const file = name(f.suffix);
    if ('jsonl' in f) await writeJsonlAtomic(join(dir, file), f.jsonl);
    else await writeFileAtomic(join(dir, file), f.text);
    written.push(file);
  }
  const json = name('json');
  await writeJsonAtomic(join(dir, json), outcome.result);
  const md = name('md');
  await writeFileAtomic(join(dir, md), outcome.markdown.replace(/\n*$/, '\n'));
  return [...written, json, md];
}

/** The output suffix an `{stage: NAME}` input names, by field. */
const REF_SUFFIX = { items: 'items.jsonl', responses: 'responses.jsonl' } as const;

/** A stage input: a file relative to the config, or the matching output of an earlier stage of the run. */
export function resolveInput(ctx: Pick<StageContext, 'configDir' | 'runDir'>, ref: InputRef, field: keyof typeof REF_SUFFIX): string {
  return typeof ref === 'string' ? resolveFrom(ctx.configDir, ref) : join(ctx.runDir, outName({ name: ref.stage }, REF_SUFFIX[field]));
}

/** A stage's responses: one file or earlier answer stage, or several read as one set. */
export async function readResponsesInput(ctx: Pick<StageContext, 'configDir' | 'runDir'>, ref: ResponsesRef, items: Map<string, Item>): Promise<Response[]> {
  const out: Response[] = [];
  for (const r of Array.isArray(ref) ? ref : [ref]) out.push(...(await readResponses(resolveInput(ctx, r, 'responses'), items)));
  return out;
}

/** A stage's `max_image_mb` as the byte cap the image reader takes (unset: its default). */
export function imageCapBytes(mb: number | undefined): { maxImageBytes?: number } {
  return mb === undefined ? {} : { maxImageBytes: Math.round(mb * 1024 * 1024) };
}
