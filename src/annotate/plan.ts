/**
 * An annotation plan: what human raters label, how, and who. Paths are relative to the plan file.
 * Unknown keys are errors (a misspelt `per_unit` must not silently give one rater per unit).
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { InputError } from '../io/errors.ts';
import { readConfigFile, validateConfig } from '../io/yaml.ts';

const RaterId = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'rater ids are 1–64 letters, digits, _ . or -');

export const AnnotationPlan = z
  .strictObject({
    task: z.enum(['pairwise', 'rubric']),
    items: z.string().min(1),
    responses: z.string().min(1),
    /** The models whose answers are shown (default: every model with a response). */
    models: z.array(z.string().min(1)).min(1).optional(),
    /** Pairwise: the dimensions each pair is judged on (default: one, `overall`). */
    dimensions: z.array(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/)).min(1).optional(),
    /** Rubric: the rubric whose criteria (with their anchors) are scored. */
    rubric: z.string().min(1).optional(),
    raters: z.array(RaterId).min(1),
    /** Raters per unit (on the overlapping units). */
    per_unit: z.number().int().positive().default(1),
    /** Share of units that get `per_unit` raters (the rest get one): the overlap that measures the human ceiling. */
    overlap: z.number().min(0).max(1).default(1),
    /**
     * Take the units from a judge stage of a run: the (item, model) units its judge rated ok
     * (rubric task), or the pairs of models it rated ok on the same item (pairwise task). The
     * answers still come from `items` and `responses`; `models` and `sample` still apply.
     */
    judge_stage: z
      .strictObject({
        run: z.string().min(1),
        stage: z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/, 'a stage name is letters, digits, _ . or -'),
      })
      .optional(),
    /**
     * Show each rater this many of their own units again, later, under a new opaque id (pairwise:
     * in the other order), to measure their self-consistency; written to `<out>.repeats.csv`.
     */
    repeat: z.number().int().min(0).default(0),
    /** Label a seeded sample of this many units instead of all. */
    sample: z.number().int().positive().optional(),
    seed: z.number().int().min(0).max(2 ** 32 - 1).default(1),
    /** The label file (CSV, long form). */
    out: z.string().min(1),
    title: z.string().max(200).optional(),
    /** Show the reference answer to raters (default true). */
    show_reference: z.boolean().default(true),
  })
  .superRefine((p, ctx) => {
    if (p.task === 'rubric' && p.rubric === undefined) ctx.addIssue({ code: 'custom', path: ['rubric'], message: 'a rubric task needs `rubric: FILE`' });
    if (p.task === 'pairwise' && p.rubric !== undefined) ctx.addIssue({ code: 'custom', path: ['rubric'], message: 'a pairwise task takes `dimensions`, not a rubric' });
    if (p.task === 'rubric' && p.dimensions !== undefined) ctx.addIssue({ code: 'custom', path: ['dimensions'], message: 'a rubric task scores the rubric\'s criteria; `dimensions` is for pairwise tasks' });
    if (new Set(p.raters).size !== p.raters.length) ctx.addIssue({ code: 'custom', path: ['raters'], message: 'a rater is listed twice' });
    if (p.per_unit > p.raters.length) ctx.addIssue({ code: 'custom', path: ['per_unit'], message: `per_unit (${p.per_unit}) exceeds the number of raters (${p.raters.length}): no rater may see a unit twice` });
    if (p.models && p.task === 'pairwise' && new Set(p.models).size < 2) ctx.addIssue({ code: 'custom', path: ['models'], message: 'a pairwise task needs at least two models' });
  });
export type AnnotationPlan = z.infer<typeof AnnotationPlan>;

export interface LoadedPlan {
  path: string;
  plan: AnnotationPlan;
  /** Absolute paths of the plan's files. */
  files: { items: string; responses: string; rubric?: string; out: string; judgments?: string };
}

export async function loadPlan(path: string): Promise<LoadedPlan> {
  const parsed = await readConfigFile(path, 'annotation plan');
  const plan = validateConfig(AnnotationPlan, parsed, path);
  const at = (p: string) => (isAbsolute(p) ? p : resolve(dirname(path), p));
  let judgments: string | undefined;
  if (plan.judge_stage) {
    const run = at(plan.judge_stage.run);
    judgments = join(run, `${plan.judge_stage.stage}.judgments.jsonl`);
    if (!existsSync(judgments)) {
      const key = existsSync(run) ? 'stage' : 'run';
      throw new InputError(
        key === 'run' ? `no run directory ${run}` : `the run ${run} has no judge stage "${plan.judge_stage.stage}" (no ${judgments})`,
        { file: path, line: parsed.lineOf(['judge_stage', key]), field: `judge_stage.${key}` },
      );
    }
  }
  return {
    path,
    plan,
    files: {
      items: at(plan.items),
      responses: at(plan.responses),
      ...(plan.rubric ? { rubric: at(plan.rubric) } : {}),
      out: at(plan.out),
      ...(judgments ? { judgments } : {}),
    },
  };
}
