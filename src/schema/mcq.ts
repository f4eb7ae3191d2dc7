import { z } from 'zod';

/**
 * MCQ accuracy of one model over one group of items. `accuracy` counts invalid and missing answers
 * as wrong (correct / n, the Med-CMR convention) and carries the interval; `accuracy_valid` is
 * correct / answered (null when nothing was answered) with `invalid_rate` and `missing_rate`
 * beside it.
 */
export const McqGroupStats = z.object({
  n: z.number().int().positive(),
  correct: z.number().int().nonnegative(),
  invalid: z.number().int().nonnegative(),
  missing: z.number().int().nonnegative(),
  answered: z.number().int().nonnegative(),
  accuracy: z.number().min(0).max(1),
  ci_low: z.number().nullable(),
  ci_high: z.number().nullable(),
  accuracy_valid: z.number().min(0).max(1).nullable(),
  invalid_rate: z.number().min(0).max(1),
  missing_rate: z.number().min(0).max(1),
});
export type McqGroupStats = z.infer<typeof McqGroupStats>;

export const McqModelResult = McqGroupStats.extend({
  by_task: z.record(z.string(), McqGroupStats),
  by_organ_system: z.record(z.string(), McqGroupStats),
  by_modality: z.record(z.string(), McqGroupStats),
  /** How many of this model's records each extraction rule decided (including failures and `missing`). */
  by_rule: z.record(z.string(), z.number().int().nonnegative()),
  /**
   * How many of this model's records failed, per kind: the invalid rules (`ambiguous`, `no_answer`,
   * `not_an_option`, `empty`, `program`, `unfinished_thinking`) and `missing`. Optional only so that
   * results written before it was added still read.
   */
  by_failure: z.record(z.string(), z.number().int().nonnegative()).optional(),
  /**
   * With the LLM second reader on: the records each reader decided (`rules`, `llm`) and how many
   * of them are correct, and the accuracy the rules alone give (every LLM-read record counted as
   * the invalid answer it was before), so the two accuracies can be compared.
   */
  by_extractor: z.record(z.enum(['rules', 'llm']), z.object({ records: z.number().int().nonnegative(), correct: z.number().int().nonnegative() })).optional(),
  accuracy_rules_only: z.number().min(0).max(1).optional(),
});
export type McqModelResult = z.infer<typeof McqModelResult>;

/** The result of `judgekit mcq` (and of the pipeline's MCQ stage). Keys are a contract. */
export const McqResult = z.object({
  models: z.record(z.string(), McqModelResult),
  n_items: z.number().int().nonnegative(),
  seed: z.number().int(),
  resamples: z.number().int().nonnegative(),
  level: z.number().gt(0).lt(1),
  extractor_version: z.string(),
  convention: z.string(),
  /** The LLM second reader, when it was on: who it was and what it did. */
  second_reader: z
    .object({
      model: z.string(),
      endpoint: z.string(),
      prompt_version: z.string(),
      /** Replies sent (the rules' failures named in `send`), and the calls' outcomes by status. */
      sent: z.number().int().nonnegative(),
      statuses: z.record(z.string(), z.number().int().nonnegative()),
      cached: z.number().int().nonnegative(),
      requests: z.number().int().nonnegative(),
      tokens: z.object({ input: z.number().int().nonnegative(), output: z.number().int().nonnegative() }),
      cost_usd: z.number().nonnegative(),
    })
    .optional(),
});
export type McqResult = z.infer<typeof McqResult>;
