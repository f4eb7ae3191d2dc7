import { z } from 'zod';

const Interval = z.object({ value: z.number(), ci_low: z.number(), ci_high: z.number() });

export const CorrectedModel = z.object({
  n_labelled: z.number().int(),
  n_unlabelled: z.number().int(),
  human_only: Interval.nullable(),
  judge_naive: Interval.nullable(),
  ppi: Interval.nullable(),
  ppi_plus_plus: Interval.extend({ lambda: z.number() }).nullable(),
  stratified_ppi: Interval.extend({
    strata: z.record(
      z.string(),
      z.object({ weight: z.number(), n_labelled: z.number().int(), n_unlabelled: z.number().int(), value: z.number(), lambda: z.number() }),
    ),
  })
    .nullable()
    .optional(),
  rogan_gladen: Interval.extend({
    sensitivity: z.number(),
    specificity: z.number(),
    /** Judge's positive rate on the unlabelled units, and the calibration counts. */
    p: z.number(),
    m_positive: z.number().int(),
    m_negative: z.number().int(),
    bootstrap: z.object({ ci_low: z.number().nullable(), ci_high: z.number().nullable(), resamples: z.number().int(), undefined_resamples: z.number().int() }).optional(),
  })
    .nullable()
    .optional(),
  /** With a label fraction: the humans' mean over all units with a gold value and a judge rating (the withheld ones too). */
  human_all: Interval.nullable().optional(),
  /** The judge's bias on this model: mean(judge − gold) over the labelled units. */
  bias: Interval.nullable(),
  plan: z
    .object({ width: z.number(), human_only: z.number().int(), ppi_plus_plus: z.number().int(), pilot_n: z.number().int(), unlabelled_n: z.number().int() })
    .nullable()
    .optional(),
  notes: z.array(z.string()),
});
export type CorrectedModel = z.infer<typeof CorrectedModel>;

export const METHODS = ['judge_naive', 'human_only', 'ppi', 'ppi_plus_plus', 'stratified_ppi', 'rogan_gladen'] as const;
export type Method = (typeof METHODS)[number];

export const CorrectedResult = z.object({
  study: z.literal('corrected'),
  target: z.enum(['score', 'win_ratio']),
  judge: z.string(),
  humans: z.array(z.string()),
  dimension: z.string().nullable(),
  strata: z.string().nullable(),
  threshold: z.number().nullable(),
  alpha: z.number(),
  /** With a label fraction: the items whose human ratings were kept, of those that had some. */
  label_fraction: z.object({ fraction: z.number(), items_kept: z.number().int(), items_with_humans: z.number().int() }).nullable(),
  models: z.record(z.string(), CorrectedModel),
  /** Models from best to worst under each estimate (models without one are left out). */
  rankings: z.record(z.string(), z.array(z.string())),
  /** Units and ratings left out, by reason. */
  counts: z.record(z.string(), z.number().int()),
});
export type CorrectedResult = z.infer<typeof CorrectedResult>;
