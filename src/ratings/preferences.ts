import type { PreferenceRow } from '../io/preferences.ts';
import type { Preference, Rating } from '../schema/index.ts';
import { failedRating, statusOfFailureValue } from './failures.ts';

/**
 * Pairwise verdicts (Preference records or preference-file rows) → Rating[]: the value is the
 * winner (`A`, `B`, `tie`) of (model_a, model_b). A verdict with a failure status or no winner is a
 * failed rating with its status. With `orders`, a record that kept both presentation orders also
 * gives one rating per order (`order: 'ab' | 'ba'`), so the both-orders reducer can fold them.
 */
export function preferenceRatings(prefs: readonly (Preference | PreferenceRow)[], opts: { orders?: boolean; judges?: readonly string[] } = {}): Rating[] {
  const judges = new Set(opts.judges ?? []);
  const out: Rating[] = [];
  for (const p of prefs) {
    const fp = 'judge' in p ? p.judge : undefined;
    const base: Omit<Rating, 'status' | 'value'> = {
      rater: p.rater,
      rater_type: fp || judges.has(p.rater) ? 'judge' : 'human',
      item_id: p.item_id,
      model_a: p.model_a,
      model_b: p.model_b,
    };
    if (p.dimension !== undefined) base.dimension = p.dimension;
    if (fp) base.fingerprint = fp;
    const error = 'error' in p ? p.error : undefined;
    if (p.status !== 'ok' || p.winner === null) out.push(failedRating(base, p.status === 'ok' ? 'parse_error' : statusOfFailureValue(p.status), error !== undefined ? { error } : {}));
    else out.push({ ...base, status: 'ok', value: p.winner });
    const orders = 'orders' in p ? p.orders : undefined;
    if (opts.orders && orders) {
      for (const order of ['ab', 'ba'] as const) {
        const w = orders[order];
        // an order without a verdict failed as the record did, or (in an ok or dropped record) was unreadable
        const failed = p.status === 'ok' || p.status === 'inconsistent_dropped' ? 'parse_error' : statusOfFailureValue(p.status);
        out.push(w === null ? failedRating({ ...base, order }, failed) : { ...base, order, status: 'ok', value: w });
      }
    }
  }
  return out;
}
