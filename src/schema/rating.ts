import { z } from 'zod';
import { JudgeFingerprint } from './records.ts';
import { FailureStatus } from './status.ts';

/** Who gave a rating: a person, a judge (LLM or replayed), a reference (an answer key, gold) or a rater derived from others (a majority, a mean). */
export const RaterType = z.enum(['human', 'judge', 'reference', 'derived']);
export type RaterType = z.infer<typeof RaterType>;

const RatingBase = z.object({
  rater: z.string().min(1),
  rater_type: RaterType,
  item_id: z.string().min(1),
  /** The rated model (single-answer studies). */
  model: z.string().optional(),
  /** The compared pair (pairwise studies); `value` A means model_a. */
  model_a: z.string().optional(),
  model_b: z.string().optional(),
  /** A criterion, a task or any other facet rated separately. */
  dimension: z.string().optional(),
  /** A pairwise verdict given under one presentation order (`ab`: A shown first). */
  order: z.enum(['ab', 'ba']).optional(),
  /** The index of a repeated sample (k > 1 samples of one judge). */
  sample: z.number().int().nonnegative().optional(),
  /** The judge configuration that gave it; survives every conversion, so a study can group by it. */
  fingerprint: JudgeFingerprint.optional(),
});

export const RatingOk = RatingBase.extend({
  status: z.literal('ok'),
  /** A category (string, e.g. A/B/tie) or a number on the rater's scale. */
  value: z.union([z.string(), z.number()]),
});
export type RatingOk = z.infer<typeof RatingOk>;

export const RatingFailed = RatingBase.extend({
  status: FailureStatus,
  /** A failure never carries a value. */
  value: z.never().optional(),
  /** The value the source recorded for this failure (e.g. a label file's `garbage`), so counts can name it as the source did. */
  recorded: z.string().optional(),
  error: z.string().optional(),
});
export type RatingFailed = z.infer<typeof RatingFailed>;

/**
 * The one record every study folds: who rated (`rater`, `rater_type`), what was rated (`item_id`;
 * `model` or `model_a`/`model_b`; `dimension`), the status (`ok` carries a `value`, a failure its
 * kind and never a value) and the judge fingerprint. Adapters in src/ratings/ make it from MCQ
 * records, judgments, preferences, label files and replayed verdicts.
 */
export const Rating = z.union([RatingOk, RatingFailed]);
export type Rating = z.infer<typeof Rating>;

export const isOk = (r: Rating): r is RatingOk => r.status === 'ok';
