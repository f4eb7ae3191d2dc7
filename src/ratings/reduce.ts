/**
 * Reducers: the small protocol by which several ratings of one unit become one. Each is a plain
 * function over the values (or counts) of one unit; a study names the reducer, never re-writes it.
 *
 * - `reduceSamples(values, 'mean' | 'median' | 'majority')`: k samples of one judge on one criterion.
 * - `strictMajority(counts, quorum)`: the value given by MORE THAN HALF OF THE QUORUM, or none. This
 *   is judgekit's one majority rule; what varies is the quorum, and it is named where it is used:
 *   `quorumOf('present', …)` counts the raters who gave an ok rating (the human consensus of the
 *   agreement and tuning studies: a failure neither votes nor counts), `quorumOf('listed', …)` counts
 *   every listed rater (the win-ratio `majority` rater: a failure can cost a majority, never make one).
 * - `mean`, `median`: numeric consensus.
 * - `bothOrders(ab, ba, policy)`: the two presentation orders of a pairwise verdict.
 */
import type { Winner } from '../schema/index.ts';

export type Reducer = 'mean' | 'median' | 'majority';

export const mean = (values: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s / values.length;
};

/** The middle value (the mean of the two middle values for an even count, as numpy.median). */
export const median = (values: ArrayLike<number>): number => {
  const s = Array.from(values).sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * Folds one criterion's scores over k samples. `mean` is the arithmetic mean; `median` the middle
 * value; `majority` the most frequent value, ties broken towards the lower score (the conservative
 * reading of a split judge). Throws on an empty list (a programmer error: a judgment is only reduced
 * when every sample is ok).
 */
export function reduceSamples(values: readonly number[], reducer: Reducer): number {
  if (values.length === 0) throw new Error('reduceSamples: no values');
  switch (reducer) {
    case 'mean':
      return mean(values);
    case 'median':
      return median(values);
    case 'majority': {
      const counts = new Map<number, number>();
      for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
      let best = Infinity;
      let bestN = 0;
      for (const [v, n] of counts) if (n > bestN || (n === bestN && v < best)) [best, bestN] = [v, n];
      return best;
    }
  }
}

/** Who counts towards a majority: the raters with an ok rating of the unit, or every listed rater. */
export type Quorum = 'present' | 'listed';

/** The size of a named quorum. */
export const quorumOf = (kind: Quorum, n: { present: number; listed: number }): number => (kind === 'present' ? n.present : n.listed);

/** The value with more than half of `quorum` votes, or undefined when none has. */
export function strictMajority<V>(counts: ReadonlyMap<V, number>, quorum: number): V | undefined {
  for (const [v, c] of counts) if (2 * c > quorum) return v;
  return undefined;
}

export type OrderVerdict = Winner | null;
export type InconsistencyPolicy = 'tie' | 'drop';

/**
 * Combines the two order verdicts of one pair: agreeing orders give the verdict; disagreeing orders
 * give a tie (`'tie'`, FastChat's rule) or no verdict (`'drop'`, status `inconsistent_dropped`). A
 * failed order makes the combination `failed` (the caller records the order's own failure status).
 */
export function bothOrders(ab: OrderVerdict, ba: OrderVerdict, policy: InconsistencyPolicy): { winner: Winner | null; status: 'ok' | 'inconsistent_dropped' | 'failed' } {
  if (ab === null || ba === null) return { winner: null, status: 'failed' };
  if (ab === ba) return { winner: ab, status: 'ok' };
  return policy === 'tie' ? { winner: 'tie', status: 'ok' } : { winner: null, status: 'inconsistent_dropped' };
}
