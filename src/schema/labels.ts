import { z } from 'zod';

/**
 * One judgment by one rater, in long form. `value` is a category or a number; `model` names the
 * rated model (single-answer studies), `model_a`/`model_b` the compared pair (pairwise studies).
 */
export const HumanLabel = z.object({
  item_id: z.string().min(1),
  rater: z.string().min(1),
  value: z.union([z.string(), z.number()]),
  dimension: z.string().optional(),
  model: z.string().optional(),
  model_a: z.string().optional(),
  model_b: z.string().optional(),
});
export type HumanLabel = z.infer<typeof HumanLabel>;
