import { z } from 'zod';
import { VerdictSpec } from './verdict.ts';

/** What a judge may be shown for a criterion. */
export const JudgeInput = z.enum([
  'question',
  'options',
  'reference',
  'reasoning',
  'answer',
  'visual_description',
  'image',
]);
export type JudgeInput = z.infer<typeof JudgeInput>;

/** Most levels a scale may have: every level needs an anchor, so a larger scale is a mistake (or an attack on memory). */
export const MAX_SCALE_LEVELS = 101;

export const Scale = z
  .object({ min: z.number().int(), max: z.number().int() })
  .refine((s) => s.max > s.min, { message: 'scale.max must exceed scale.min' })
  .refine((s) => s.max - s.min < MAX_SCALE_LEVELS, { message: `a scale has at most ${MAX_SCALE_LEVELS} levels (max − min ≤ ${MAX_SCALE_LEVELS - 1}), each with an anchor` });
export type Scale = z.infer<typeof Scale>;

export const Criterion = z.object({
  key: z.string().regex(/^[a-z][a-z0-9_]*$/, 'criterion keys are snake_case'),
  name: z.string(),
  description: z.string(),
  weight: z.number().nonnegative(),
  /** Overrides the rubric's scale for this criterion. */
  scale: Scale.optional(),
  /** Score level (as a string key) → what that level means. */
  anchors: z.record(z.string(), z.string()),
  inputs: z.array(JudgeInput).min(1),
  requires_image: z.boolean().default(false),
});
export type Criterion = z.infer<typeof Criterion>;

/** A cap on one criterion that depends on another (MedReason's visual-accuracy gate). */
export const Gate = z.object({
  target: z.string(),
  by: z.string(),
  rules: z.array(z.object({ when_at_most: z.number(), cap: z.number() })).min(1),
});
export type Gate = z.infer<typeof Gate>;

export const Aggregation = z.discriminatedUnion('method', [
  z.object({
    method: z.literal('weighted_mean'),
    /** Each criterion is mapped from its raw scale to [0, 1], then the weighted mean is scaled to [min, max]. */
    normalise: z.object({ min: z.number(), max: z.number() }).default({ min: 0, max: 100 }),
  }),
  z.object({
    /** Criteria are reported apart; no total (MedReason). */
    method: z.literal('separate'),
    report: z.array(z.string()).min(1),
  }),
]);
export type Aggregation = z.infer<typeof Aggregation>;

export const Rubric = z.object({
  id: z.string().min(1),
  version: z.string().min(1),
  title: z.string().optional(),
  description: z.string().optional(),
  /** The raw per-criterion scale, unless a criterion overrides it. */
  scale: Scale,
  criteria: z.array(Criterion).min(1),
  gates: z.array(Gate).default([]),
  aggregation: Aggregation,
  /** The prompt template (a file under rubrics/templates or inline text). */
  template: z.string().optional(),
  /** How the verdict is read: JSON (default) or the source's own pattern rules (MT-Bench, Prometheus). */
  verdict: VerdictSpec.optional(),
  /** Where a rubric taken from another project comes from, and its license. */
  source: z.string().optional(),
  license: z.string().optional(),
  notes: z.array(z.string()).default([]),
}).superRefine((r, ctx) => {
  const keys = new Set<string>();
  r.criteria.forEach((c, i) => {
    if (keys.has(c.key)) ctx.addIssue({ code: 'custom', path: ['criteria', i, 'key'], message: `duplicate criterion "${c.key}"` });
    keys.add(c.key);
    const scale = c.scale ?? r.scale;
    if (scale.max - scale.min >= MAX_SCALE_LEVELS) return; // reported by Scale; never walk a huge range
    // An anchor for every level: the judge is told what each score means, and no level is unnamed.
    for (let v = scale.min; v <= scale.max; v++) {
      if (c.anchors[String(v)] === undefined) ctx.addIssue({ code: 'custom', path: ['criteria', i, 'anchors'], message: `no anchor for level ${v}` });
    }
    for (const k of Object.keys(c.anchors)) {
      const v = Number(k);
      if (!Number.isInteger(v) || v < scale.min || v > scale.max) ctx.addIssue({ code: 'custom', path: ['criteria', i, 'anchors', k], message: `anchor "${k}" is not a level of the scale ${scale.min}–${scale.max}` });
    }
    if (c.requires_image && !c.inputs.includes('image') && !c.inputs.includes('visual_description')) {
      ctx.addIssue({ code: 'custom', path: ['criteria', i, 'inputs'], message: 'a criterion that requires the image must take "image" or "visual_description"' });
    }
  });
  r.gates.forEach((g, i) => {
    for (const f of ['target', 'by'] as const) {
      if (!keys.has(g[f])) ctx.addIssue({ code: 'custom', path: ['gates', i, f], message: `unknown criterion "${g[f]}"` });
    }
  });
  if (r.verdict?.format === 'pattern') {
    if (r.verdict.rules && r.criteria.length !== 1) ctx.addIssue({ code: 'custom', path: ['verdict', 'rules'], message: 'rules without criteria need a one-criterion rubric; give criteria: {key: rules}' });
    for (const k of Object.keys(r.verdict.criteria ?? {})) if (!keys.has(k)) ctx.addIssue({ code: 'custom', path: ['verdict', 'criteria', k], message: `unknown criterion "${k}"` });
    if (r.verdict.criteria) for (const k of keys) if (!r.verdict.criteria[k]) ctx.addIssue({ code: 'custom', path: ['verdict', 'criteria'], message: `no rules for criterion "${k}"` });
  }
  if (r.aggregation.method === 'separate') {
    r.aggregation.report.forEach((k, i) => {
      if (!keys.has(k)) ctx.addIssue({ code: 'custom', path: ['aggregation', 'report', i], message: `unknown criterion "${k}"` });
    });
  } else if (!r.criteria.some((c) => c.weight > 0)) {
    ctx.addIssue({ code: 'custom', path: ['criteria'], message: 'a weighted mean needs at least one positive weight' });
  }
});
export type Rubric = z.infer<typeof Rubric>;
