import { quorumOf, strictMajority } from './reduce.ts';

/**
 * The consensus of some raters on each unit, built in one place for every study that compares a
 * rater with "the humans". Columns are unit-aligned, NaN where a rater gave no ok rating.
 * - nominal: the strict majority over the raters present (`strictMajority`, quorum `present`);
 *   a unit without one is NaN and flagged in `noMajority`;
 * - numeric: the mean of the raters present.
 * Units with fewer than `minRaters` ratings are NaN and flagged in `tooFew`; units nobody rated are
 * NaN and unflagged. With `need`, only units where `need` has a value are considered.
 */
export function consensusColumn(
  columns: readonly Float64Array[],
  opts: { nominal: boolean; minRaters: number; need?: Float64Array | undefined },
): { values: Float64Array; noMajority: Uint8Array; tooFew: Uint8Array } {
  const n = columns[0]?.length ?? opts.need?.length ?? 0;
  const values = new Float64Array(n).fill(NaN);
  const noMajority = new Uint8Array(n);
  const tooFew = new Uint8Array(n);
  const counts = new Map<number, number>();
  const present: number[] = [];
  for (let u = 0; u < n; u++) {
    if (opts.need && Number.isNaN(opts.need[u]!)) continue;
    counts.clear();
    present.length = 0;
    for (const col of columns) {
      const v = col[u]!;
      if (Number.isNaN(v)) continue;
      present.push(v);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    const m = present.length;
    if (m === 0) continue;
    if (m < opts.minRaters) {
      tooFew[u] = 1;
      continue;
    }
    if (!opts.nominal) {
      values[u] = sum(present) / m;
      continue;
    }
    const v = strictMajority(counts, quorumOf('present', { present: m, listed: columns.length }));
    if (v === undefined) noMajority[u] = 1;
    else values[u] = v;
  }
  return { values, noMajority, tooFew };
}

// the running sum in rater order, exactly as the studies always added it (a mean of the same
// numbers in another order can differ in the last bit, and the goldens are compared to 1e-12)
const sum = (xs: number[]): number => {
  let s = 0;
  for (const x of xs) s += x;
  return s;
};
