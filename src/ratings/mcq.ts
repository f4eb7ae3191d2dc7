import type { McqRecord, Rating } from '../schema/index.ts';
import { failedRating } from './failures.ts';

/** The reference rater of MCQ ratings: the answer key. */
export const ANSWER_KEY = 'answer-key';

/**
 * MCQ records → Rating[]: the answer key (a reference rater) rates each model's answer 1 (correct)
 * or 0 on the dimension `correct`; an answer that could not be read is a failed rating with the
 * record's status (`invalid_answer`, `missing`), never a 0.
 */
export function mcqRatings(records: readonly McqRecord[]): Rating[] {
  return records.map((r) => {
    const base = { rater: ANSWER_KEY, rater_type: 'reference' as const, item_id: r.item_id, model: r.model, dimension: 'correct' };
    if (r.status !== 'ok' || r.correct === null) return failedRating(base, r.status === 'ok' ? 'invalid_answer' : r.status, { error: r.rule });
    return { ...base, status: 'ok' as const, value: r.correct ? 1 : 0 };
  });
}
