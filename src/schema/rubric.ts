import { z } from 'zod';

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

export const Scale = z
  .object({ min: z.number().int(), max: z.number().int() })
  .refine((s) => s.max > s.min, { message: 'scale.max must exceed scale.min' });
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
  notes: z.array(z.string()).default([]),
});
export type Rubric = z.infer<typeof Rubric>;
