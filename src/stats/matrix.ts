/**
 * Rating matrices and the coding of category values, shared by the agreement statistics
 * (kappa, Fleiss, Krippendorff, Gwet, ICC). Everything here works on typed arrays and counts,
 * so the statistics built on it run in linear time over the ratings.
 */

/** rows = items, columns = raters; null = missing rating. Categorical values are coded as numbers by the caller. */
export type RatingMatrix = (number | null)[][];

/**
 * Codes arbitrary category labels (strings or numbers) to 0..k-1 in a stable order; returns codes and the category list.
 *
 * The order does not depend on the order of appearance, so the same label set always gets the same
 * codes: numbers first, ascending; then strings, ascending by their numeric value when every string
 * label reads as a finite number ("1", "2", "10"), otherwise in code-unit order. The number 1 and
 * the string "1" are different labels. `null`, `undefined` and `NaN` are missing and get the code
 * `null`; every other value, the empty string included, is a label.
 */
export function codeCategories(values: (string | number | null)[]): { codes: (number | null)[]; categories: (string | number)[] } {
  const numbers = new Set<number>();
  const strings = new Set<string>();
  for (const v of values) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'number') {
      if (!Number.isNaN(v)) numbers.add(v === 0 ? 0 : v); // -0 and 0 are one label
    } else if (typeof v === 'string') strings.add(v);
    else throw new TypeError(`codeCategories: a label must be a string, a number or null, got ${typeof v}`);
  }
  const nums = [...numbers].sort((x, y) => x - y);
  const strs = [...strings];
  const numeric = strs.every((s) => s.trim() !== '' && Number.isFinite(Number(s)));
  if (numeric) strs.sort((x, y) => Number(x) - Number(y) || (x < y ? -1 : x > y ? 1 : 0));
  else strs.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const categories: (string | number)[] = [...nums, ...strs];
  const numIndex = new Map<number, number>();
  nums.forEach((v, i) => numIndex.set(v, i));
  const strIndex = new Map<string, number>();
  strs.forEach((v, i) => strIndex.set(v, nums.length + i));
  const codes = values.map((v) => {
    if (v === null || v === undefined) return null;
    if (typeof v === 'number') return Number.isNaN(v) ? null : numIndex.get(v === 0 ? 0 : v)!;
    return strIndex.get(v)!;
  });
  return { codes, categories };
}

/**
 * The ratings of a matrix packed row by row (compressed sparse rows), missing ratings removed:
 * the ratings of kept item i are `values[start[i]] .. values[start[i + 1] - 1]`.
 */
export interface PackedRatings {
  values: Float64Array;
  /** Length `kept + 1`. */
  start: Int32Array;
  /** Items kept (those with at least `minRatings` ratings). */
  kept: number;
  /** Rows of the input matrix. */
  nItems: number;
  /** Longest row of the input matrix (ragged rows are padded with missing ratings). */
  nRaters: number;
}

/**
 * Packs a rating matrix, keeping only items with at least `minRatings` ratings. `null`, `undefined`
 * and `NaN` are missing; an infinite value or a non-number throws (a programmer error: the caller
 * codes categories as numbers).
 */
export function packRatings(m: RatingMatrix, minRatings: number): PackedRatings {
  const nItems = m.length;
  let capacity = 0;
  let nRaters = 0;
  for (let i = 0; i < nItems; i++) {
    const len = m[i]!.length;
    capacity += len;
    if (len > nRaters) nRaters = len;
  }
  const values = new Float64Array(capacity);
  const start = new Int32Array(nItems + 1);
  let kept = 0;
  let w = 0;
  for (let i = 0; i < nItems; i++) {
    const row = m[i]!;
    const rowStart = w;
    for (let j = 0; j < row.length; j++) {
      const v = row[j];
      if (typeof v !== 'number') {
        if (v === null || v === undefined) continue;
        throw new TypeError(`rating matrix: item ${i}, rater ${j}: a rating must be a number or null, got ${typeof v}`);
      }
      if (v !== v) continue;
      if (v === Infinity || v === -Infinity) throw new RangeError(`rating matrix: item ${i}, rater ${j}: rating is infinite`);
      values[w++] = v;
    }
    if (w - rowStart >= minRatings) start[++kept] = w;
    else w = rowStart;
  }
  return { values: values.subarray(0, w), start: start.subarray(0, kept + 1), kept, nItems, nRaters };
}

/** Values coded to 0..k-1: `codes[i]` indexes `levels`. */
export interface CodedValues {
  codes: Int32Array;
  levels: Float64Array;
}

/**
 * Codes finite numbers to category indices. Without `levels`, the levels are the distinct values in
 * ascending order; with `levels`, their given order is kept and a value outside them throws a
 * RangeError (silently dropping it would hide a data error). Small integer scales (the usual case:
 * Likert points, coded labels) are coded by direct indexing, everything else through a hash map.
 */
export function codeValues(values: ArrayLike<number>, levels?: ArrayLike<number>): CodedValues {
  const n = values.length;
  const codes = new Int32Array(n);
  if (levels !== undefined) {
    const index = new Map<number, number>();
    for (let c = 0; c < levels.length; c++) {
      const l = levels[c]!;
      if (!Number.isFinite(l)) throw new RangeError(`categories must be finite numbers, got ${l}`);
      if (index.has(l)) throw new RangeError(`categories must be distinct, ${l} is repeated`);
      index.set(l, c);
    }
    for (let i = 0; i < n; i++) {
      const c = index.get(values[i]!);
      if (c === undefined) throw new RangeError(`value ${values[i]} is not among the given categories`);
      codes[i] = c;
    }
    return { codes, levels: Float64Array.from(levels) };
  }
  if (n === 0) return { codes, levels: new Float64Array(0) };
  let lo = Infinity;
  let hi = -Infinity;
  let integral = true;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    if (integral && Math.floor(v) !== v) integral = false;
  }
  const range = hi - lo + 1;
  if (integral && range <= Math.max(4096, 2 * n)) {
    const slot = new Int32Array(range);
    for (let i = 0; i < n; i++) slot[values[i]! - lo] = 1;
    let k = 0;
    for (let s = 0; s < range; s++) if (slot[s] !== 0) slot[s] = k++;
    const lv = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      const c = slot[values[i]! - lo]!;
      codes[i] = c;
      lv[c] = values[i]! === 0 ? 0 : values[i]!;
    }
    return { codes, levels: lv };
  }
  const index = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    let c = index.get(v);
    if (c === undefined) {
      c = index.size;
      index.set(v, c);
    }
    codes[i] = c;
  }
  const distinct = Float64Array.from(index.keys()).sort();
  const remap = new Int32Array(distinct.length);
  for (let r = 0; r < distinct.length; r++) remap[index.get(distinct[r]!)!] = r;
  for (let i = 0; i < n; i++) codes[i] = remap[codes[i]!]!;
  for (let r = 0; r < distinct.length; r++) if (distinct[r] === 0) distinct[r] = 0;
  return { codes, levels: distinct };
}

/**
 * The distribution of raters by item and category (Gwet's "distribution" form, Fleiss' n_ij):
 * `counts[i * k + c]` is how many raters put kept item i into category c.
 */
export function itemCategoryCounts(packed: PackedRatings, codes: Int32Array, k: number): Int32Array {
  const counts = new Int32Array(packed.kept * k);
  const { start } = packed;
  for (let i = 0; i < packed.kept; i++) {
    const base = i * k;
    for (let p = start[i]!; p < start[i + 1]!; p++) counts[base + codes[p]!]!++;
  }
  return counts;
}
