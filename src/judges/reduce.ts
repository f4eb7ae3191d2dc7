export type Reducer = 'mean' | 'median' | 'majority';

/**
 * Folds one criterion's scores over k samples. `mean` is the arithmetic mean; `median` the middle
 * value (the mean of the two middle values for even k, as numpy.median); `majority` the most
 * frequent value, ties broken towards the lower score (the conservative reading of a split judge).
 * Throws on an empty list (a programmer error: a judgment is only reduced when every sample is ok).
 */
export function reduceSamples(values: readonly number[], reducer: Reducer): number {
  if (values.length === 0) throw new Error('reduceSamples: no values');
  switch (reducer) {
    case 'mean':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'median': {
      const s = [...values].sort((a, b) => a - b);
      const m = s.length >> 1;
      return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
    }
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
