import type { Judgment, Rating } from '../schema/index.ts';
import { failedRating } from './failures.ts';

export interface JudgmentRatingOptions {
  /** The rater name (default: the fingerprint's model). */
  rater?: string;
  /** Put before each criterion key to make the dimension (e.g. `summarization/`). */
  dimensionPrefix?: string;
  /** The criteria a judgment rates (default: every criterion key of an ok judgment). */
  criteria?: readonly string[];
  /** Also the aggregated total of each ok judgment, as dimension prefix + `overall` (when the rubric has one). */
  overall?: boolean;
  /** Also each of the k samples of a sampled judgment, per criterion (`sample` = its index). */
  samples?: boolean;
}

/** The dimension of a judgment's aggregated total. */
export const OVERALL = 'overall';

/**
 * Rubric judgments → Rating[]: one rating per criterion score of each ok judgment (`dimension` =
 * prefix + criterion key, `model` = the judged model), carrying the judge fingerprint. A failed
 * judgment gives one failed rating per criterion, with its status (the rule of failures.ts).
 */
export function judgmentRatings(judgments: readonly Judgment[], opts: JudgmentRatingOptions = {}): Rating[] {
  const prefix = opts.dimensionPrefix ?? '';
  const criteria = opts.criteria ?? [...new Set(judgments.flatMap((j) => (j.status === 'ok' ? Object.keys(j.scores) : [])))];
  const out: Rating[] = [];
  for (const j of judgments) {
    const base = { rater: opts.rater ?? j.judge.model, rater_type: 'judge' as const, item_id: j.item_id, model: j.model, fingerprint: j.judge };
    if (j.status === 'ok') {
      for (const [key, value] of Object.entries(j.scores)) out.push({ ...base, dimension: prefix + key, status: 'ok', value });
      if (opts.overall && j.score !== null) out.push({ ...base, dimension: prefix + OVERALL, status: 'ok', value: j.score });
      if (opts.samples && j.samples && j.samples.length > 1) {
        j.samples.forEach((s, sample) => {
          for (const [key, value] of Object.entries(s)) out.push({ ...base, dimension: prefix + key, sample, status: 'ok', value });
        });
      }
      continue;
    }
    if (criteria.length === 0) out.push(failedRating(base, j.status, { error: j.error }));
    for (const key of criteria) out.push(failedRating({ ...base, dimension: prefix + key }, j.status, { error: j.error }));
    if (opts.overall) out.push(failedRating({ ...base, dimension: prefix + OVERALL }, j.status, { error: j.error }));
  }
  return out;
}
