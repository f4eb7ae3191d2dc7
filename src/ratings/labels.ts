import type { HumanLabel, Rating } from '../schema/index.ts';
import { FailureStatus } from '../schema/status.ts';
import { failureName, statusOfFailureValue } from './failures.ts';

/**
 * Label values that mean "this rating failed" unless the caller says otherwise: PandaLM's `garbage`
 * and the judge and MCQ failure statuses of the one vocabulary (schema/status.ts).
 */
export const DEFAULT_FAILURE_VALUES: string[] = ['garbage', ...FailureStatus.extract(['parse_error', 'refusal', 'api_error', 'truncated', 'invalid_input', 'invalid_answer']).options];

export interface LabelRatingOptions {
  /** Values that mark a failed rating (default DEFAULT_FAILURE_VALUES). */
  failureValues?: readonly string[];
  /** Raters of the file that are judges, not people (e.g. a recorded GPT-4 column). */
  judges?: readonly string[];
}

/**
 * Long-form label rows (a human-labels CSV) → Rating[]. A value listed as a failure value becomes a
 * failed rating (status by `statusOfFailureValue`, the value kept in `recorded`); every other value
 * is an ok rating.
 */
export function labelRatings(labels: readonly HumanLabel[], opts: LabelRatingOptions = {}): Rating[] {
  const failures = new Set(opts.failureValues ?? DEFAULT_FAILURE_VALUES);
  const judges = new Set(opts.judges ?? []);
  const out: Rating[] = new Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    const failed = typeof l.value === 'string' && failures.has(l.value);
    // one literal per rating (keys in the order a spread of the base would give): this runs once
    // per label of every validation study, and a spread per label was most of its cost
    const r = { rater: l.rater, rater_type: judges.has(l.rater) ? 'judge' : 'human', item_id: l.item_id } as Rating;
    if (l.model !== undefined) r.model = l.model;
    if (l.model_a !== undefined) r.model_a = l.model_a;
    if (l.model_b !== undefined) r.model_b = l.model_b;
    if (l.dimension !== undefined) r.dimension = l.dimension;
    if (failed) {
      r.status = statusOfFailureValue(l.value as string);
      (r as Extract<Rating, { status: FailureStatus }>).recorded = l.value as string;
    } else {
      r.status = 'ok';
      (r as Extract<Rating, { status: 'ok' }>).value = l.value;
    }
    out[i] = r;
  }
  return out;
}

/**
 * Rating[] → long-form label rows (for writing a label file, or a tool that reads one): a failed
 * rating keeps its recorded value, or its status, as the value (both are failure values).
 */
export function ratingsToLabels(ratings: readonly Rating[]): HumanLabel[] {
  return ratings.map((r) => {
    const l: HumanLabel = { item_id: r.item_id, rater: r.rater, value: r.status === 'ok' ? r.value : failureName(r) };
    if (r.dimension !== undefined) l.dimension = r.dimension;
    if (r.model !== undefined) l.model = r.model;
    if (r.model_a !== undefined) l.model_a = r.model_a;
    if (r.model_b !== undefined) l.model_b = r.model_b;
    return l;
  });
}
