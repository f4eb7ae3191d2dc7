/**
 * An annotation plan: what human raters label, how, and who. Paths are relative to the plan file.
 * Unknown keys are errors (a misspelt `per_unit` must not silently give one rater per unit).
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { loadYamlConfig } from '../io/yaml.ts';

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
  files: { items: string; responses: string; rubric?: string; out: string };
}

export async function loadPlan(path: string): Promise<LoadedPlan> {
  const plan = await loadYamlConfig(path, AnnotationPlan, 'annotation plan');
  const at = (p: string) => (isAbsolute(p) ? p : resolve(dirname(path), p));
  return {
    path,
    plan,
    files: { items: at(plan.items), responses: at(plan.responses), ...(plan.rubric ? { rubric: at(plan.rubric) } : {}), out: at(plan.out) },
  };
}
