import { resolve } from 'node:path';
import type { z } from 'zod';
import { zodToInputError } from '../io/errors.ts';
import { writeFileAtomic, writeJsonlAtomic } from '../io/atomic.ts';
import { writeStageOutcome, type StageContext, type StageOutcome } from '../pipeline/stage.ts';

/**
 * The stage config a command's flags describe, validated by the stage's own schema (so a command
 * and an experiment accept the same values); a bad value names the config field.
 */
export function stageConfig<T extends z.ZodType>(schema: T, raw: Record<string, unknown>): z.infer<T> {
  const defined = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
  const parsed = schema.safeParse(defined);
  if (!parsed.success) throw zodToInputError(parsed.error, 'command line', undefined);
  return parsed.data;
}

/** The context a command runs its stage in: paths relative to the working folder, no earlier stages. */
export function commandContext(o: { seed: number; resamples: number; out?: string | undefined; cacheDir?: string | undefined; signal?: AbortSignal }): StageContext {
  return {
    runDir: resolve(o.out ?? '.'),
    configDir: process.cwd(),
    seed: o.seed,
    resamples: o.resamples,
    cacheDir: resolve(o.cacheDir ?? '.judgekit-cache'),
    signal: o.signal ?? new AbortController().signal,
    log: (m) => process.stderr.write(m + '\n'),
  };
}

/**
 * Writes what a command's stage left under `out`: the result as `<stage>.json`, its Markdown as
 * `<stage>.md`, each ledger under its own name (`judgments.jsonl`, `mcq_records.jsonl`), or, with
 * `prefixed`, every file as a run names it (`<stage>.<suffix>`).
 */
export function writeCommandOutcome(out: string, stageName: string, outcome: StageOutcome, opts: { prefixed?: boolean } = {}): Promise<string[]> {
  const name = (suffix: string): string => (opts.prefixed || suffix === 'json' || suffix === 'md' ? `${stageName}.${suffix}` : suffix);
  return writeStageOutcome(out, stageName, outcome, name);
}

/** Writes one of a stage's files to a path the user named (`answer --out FILE`, `reformulate --out FILE`). */
export async function writeCommandFile(path: string, outcome: StageOutcome, suffix: string): Promise<void> {
  const f = outcome.files.find((x) => x.suffix === suffix);
  if (!f) throw new Error(`the stage left no ${suffix}`);
  if ('jsonl' in f) await writeJsonlAtomic(path, f.jsonl);
  else await writeFileAtomic(path, f.text);
}
