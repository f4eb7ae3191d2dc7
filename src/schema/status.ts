import { z } from 'zod';

/**
 * The one status vocabulary of judgekit. Every record a producer writes (MCQ records, judgments,
 * pairwise preferences) and every Rating a study folds uses these names; a producer's own status
 * type is a subset of them (`Status.extract([...])`), never a new word for the same thing.
 *
 * - `ok`: a value was read; it is the only status that carries one.
 * - `parse_error`: output that no parser could read (also a label file's `garbage`).
 * - `refusal`: the judge declined, or the endpoint withheld the answer.
 * - `api_error`: the request failed after the retries.
 * - `truncated`: the output hit max_tokens before a verdict.
 * - `invalid_input`: the unit could not be judged as given (e.g. a missing reference).
 * - `invalid_answer`: an MCQ answer that is no option, ambiguous, or empty.
 * - `missing`: no output for a unit that should have one.
 * - `inconsistent_dropped`: the two answer orders disagreed and the policy drops the pair.
 */
export const FailureStatus = z.enum([
  'parse_error',
  'refusal',
  'api_error',
  'truncated',
  'invalid_input',
  'invalid_answer',
  'missing',
  'inconsistent_dropped',
]);
export type FailureStatus = z.infer<typeof FailureStatus>;

export const Status = z.enum(['ok', ...FailureStatus.options]);
export type Status = z.infer<typeof Status>;

/** Counts by status (only the statuses that occur). */
export const StatusCounts = z.record(z.string(), z.number().int().nonnegative());
export type StatusCounts = z.infer<typeof StatusCounts>;

export const isFailureStatus = (s: string): s is FailureStatus => (FailureStatus.options as readonly string[]).includes(s);
