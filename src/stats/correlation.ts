/**
 * Pearson, Spearman and Kendall tau-b correlations with their scipy p-values.
 *
 * Conventions shared by every function here:
 * - Pairs in which either value is NaN are dropped (scipy's `nan_policy='omit'`, done pairwise).
 * - A coefficient that is undefined is `null`, never NaN: fewer than 2 complete pairs, or an input
 *   that is constant over the complete pairs (no variance, so no correlation to speak of), or
 *   (Pearson only) an infinite value. Rank statistics treat +-Infinity as ordinary extremes.
 * - Everything runs on typed arrays with a radix sort, so that 10^6 pairs take well under a
 *   second (see bench/correlation.bench.ts).
 */
import { betaIncTails, normalCdf, normalSf, tCdf } from './distributions.ts';
import type { Alternative } from './tests.ts';

export interface CorrelationTest {
  /** The coefficient, or null when it is undefined (see the module comment). */
  statistic: number | null;
  /** The p-value as scipy computes it, or null where scipy gives NaN. */
  p_value: number | null;
  /** Number of complete pairs used. */
  n: number;
}

// ---------------------------------------------------------------------------------------------
// Sorting and ranking

const RADIX_MIN = 2048;

/**
 * The permutation that sorts v ascending (no NaN allowed). Large inputs use an LSD radix sort on
 * the IEEE-754 bits mapped to unsigned order (little-endian words, as on every platform Node
 * runs on): three passes of 11/11/10 bits over the high 32-bit word (buckets small enough to
 * stay in cache; a pass whose digit is the same for every key is skipped), then each run of equal
 * high words is put in order by the low word, which for continuous data means runs of one or two.
 * Small inputs use the built-in sort.
 */
function sortOrder(v: Float64Array): SortedKeys {
  const n = v.length;
  let idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  if (n < RADIX_MIN) {
    idx.sort((a, b) => (v[a] < v[b] ? -1 : v[a] > v[b] ? 1 : 0)); // not v[a] - v[b]: Infinity - Infinity is NaN
    return { order: idx, hi: null, lo: null };
  }
  const words = new Uint32Array(v.buffer, v.byteOffset, 2 * n);
  let hi = new Uint32Array(n);
  const lo = new Uint32Array(n); // stays in input order, read through idx
  const hist = new Uint32Array(3 * RADIX_BUCKETS);
  for (let i = 0; i < n; i++) {
    let h = words[2 * i + 1];
    let l = words[2 * i];
    if (h === 0x80000000 && l === 0) h = 0; // -0 sorts with +0, which it equals
    if (h & 0x80000000) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    } else {
      h = (h | 0x80000000) >>> 0;
    }
    hi[i] = h;
    lo[i] = l;
    hist[h & 0x7ff]++;
    hist[RADIX_BUCKETS + ((h >>> 11) & 0x7ff)]++;
    hist[2 * RADIX_BUCKETS + (h >>> 22)]++;
  }
  let hi2 = new Uint32Array(n);
  let idx2 = new Uint32Array(n);
  for (let pass = 0; pass < 3; pass++) {
    const base = pass * RADIX_BUCKETS;
    if (!prefixSums(hist, base, n)) continue;
    const shift = pass * 11;
    for (let i = 0; i < n; i++) {
      const h = hi[i];
      const p = hist[base + ((h >>> shift) & 0x7ff)]++;
      hi2[p] = h;
      idx2[p] = idx[i];
    }
    let t = hi;
    hi = hi2;
    hi2 = t;
    t = idx;
    idx = idx2;
    idx2 = t;
  }
  for (let k = 0; k < n; ) {
    const h = hi[k];
    let j = k + 1;
    while (j < n && hi[j] === h) j++;
    if (j - k > 1) sortRunByLow(idx, k, j, lo, idx2);
    k = j;
  }
  return { order: idx, hi, lo };
}

/**
 * A sort permutation; for radix-sorted input also the keys (equal keys = equal values): hi in
 * sorted order, lo in input order.
 */
interface SortedKeys {
  order: Uint32Array;
  hi: Uint32Array | null;
  lo: Uint32Array | null;
}

const RADIX_BUCKETS = 2048;

/**
 * Turns the histogram at hist[base..base+RADIX_BUCKETS) into bucket offsets; false (and the
 * histogram left alone) when every key has the same digit, so that the pass can be skipped.
 */
function prefixSums(hist: Uint32Array, base: number, n: number): boolean {
  for (let d = 0; d < RADIX_BUCKETS; d++) {
    const c = hist[base + d];
    if (c === n) return false;
    if (c !== 0) break;
  }
  let sum = 0;
  for (let d = 0; d < RADIX_BUCKETS; d++) {
    const c = hist[base + d];
    hist[base + d] = sum;
    sum += c;
  }
  return true;
}

/** Orders idx[from..to) by lo[idx[.]]: insertion sort for short runs, LSD radix otherwise. */
function sortRunByLow(idx: Uint32Array, from: number, to: number, lo: Uint32Array, scratch: Uint32Array): void {
  const len = to - from;
  if (len <= 32) {
    for (let i = from + 1; i < to; i++) {
      const e = idx[i];
      const key = lo[e];
      let j = i - 1;
      while (j >= from && lo[idx[j]] > key) {
        idx[j + 1] = idx[j];
        j--;
      }
      idx[j + 1] = e;
    }
    return;
  }
  let keys = new Uint32Array(len);
  let keys2 = new Uint32Array(len);
  let src = idx.subarray(from, to);
  let dst = scratch.subarray(from, to);
  const hist = new Uint32Array(3 * RADIX_BUCKETS);
  for (let t = 0; t < len; t++) {
    const l = lo[src[t]];
    keys[t] = l;
    hist[l & 0x7ff]++;
    hist[RADIX_BUCKETS + ((l >>> 11) & 0x7ff)]++;
    hist[2 * RADIX_BUCKETS + (l >>> 22)]++;
  }
  for (let pass = 0; pass < 3; pass++) {
    const base = pass * RADIX_BUCKETS;
    if (!prefixSums(hist, base, len)) continue;
    const shift = pass * 11;
    for (let t = 0; t < len; t++) {
      const l = keys[t];
      const p = hist[base + ((l >>> shift) & 0x7ff)]++;
      keys2[p] = l;
      dst[p] = src[t];
    }
    let tk = keys;
    keys = keys2;
    keys2 = tk;
    const ti = src;
    src = dst;
    dst = ti;
  }
  if (src.byteOffset !== idx.byteOffset + from * 4 || src.buffer !== idx.buffer) idx.set(src, from);
}

/** Ties of one variable: dense 0-based ranks and where each distinct value starts in sorted order. */
interface Ranking {
  /** dense[i] = index of v[i] among the distinct values, ascending. */
  dense: Int32Array;
  /** The sort permutation. */
  order: Uint32Array;
  /** groupStart[g]..groupStart[g+1]-1 are the sorted positions of distinct value g. */
  groupStart: Int32Array;
  nDistinct: number;
}

function rankValues(v: Float64Array): Ranking {
  return rankSmallIntegers(v) ?? rankBySorting(v);
}

/**
 * Counting-sort ranking for integer values over a range no wider than 4n (scores, Likert items,
 * coded labels: the usual data here): three linear passes. Undefined when the data do not fit.
 */
function rankSmallIntegers(v: Float64Array): Ranking | null {
  const n = v.length;
  if (n === 0) return null;
  let mn = v[0];
  let mx = v[0];
  for (let i = 0; i < n; i++) {
    const a = v[i];
    if (a - Math.floor(a) !== 0) return null; // also rejects +-Infinity
    if (a < mn) mn = a;
    else if (a > mx) mx = a;
  }
  const range = mx - mn + 1;
  if (range > 4 * n + 16 || range > 1 << 24) return null;
  const counts = new Int32Array(range);
  for (let i = 0; i < n; i++) counts[v[i] - mn]++;
  const rankOf = new Int32Array(range);
  const starts = new Int32Array(Math.min(range, n) + 1);
  let g = 0;
  let pos = 0;
  for (let r = 0; r < range; r++) {
    const c = counts[r];
    if (c > 0) {
      rankOf[r] = g;
      starts[g++] = pos;
      pos += c;
    }
  }
  starts[g] = n;
  const dense = new Int32Array(n);
  const next = starts.slice(0, g);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const d = rankOf[v[i] - mn];
    dense[i] = d;
    order[next[d]++] = i;
  }
  return { dense, order, groupStart: starts.subarray(0, g + 1), nDistinct: g };
}

function rankBySorting(v: Float64Array): Ranking {
  const n = v.length;
  const { order, hi, lo } = sortOrder(v);
  const dense = new Int32Array(n);
  const starts = new Int32Array(n + 1);
  let g = -1;
  if (hi && lo) {
    // Walk the sorted keys rather than v[order[k]]: sequential reads, and the low word is looked
    // up only inside runs of equal high words.
    for (let k = 0; k < n; k++) {
      const i = order[k];
      if (k === 0 || hi[k] !== hi[k - 1] || lo[i] !== lo[order[k - 1]]) starts[++g] = k;
      dense[i] = g;
    }
  } else {
    let prev = NaN;
    for (let k = 0; k < n; k++) {
      const i = order[k];
      const val = v[i];
      if (val !== prev) {
        starts[++g] = k;
        prev = val;
      }
      dense[i] = g;
    }
  }
  const nDistinct = g + 1;
  starts[nDistinct] = n;
  return { dense, order, groupStart: starts.subarray(0, nDistinct + 1), nDistinct };
}

function averageRanksFrom(r: Ranking, n: number): Float64Array {
  const groupRank = new Float64Array(r.nDistinct);
  for (let g = 0; g < r.nDistinct; g++) groupRank[g] = (r.groupStart[g] + r.groupStart[g + 1] + 1) / 2;
  const out = new Float64Array(n);
  const dense = r.dense;
  for (let i = 0; i < n; i++) out[i] = groupRank[dense[i]];
  return out;
}

/**
 * Average (fractional) ranks, 1-based, tied values sharing the mean of their positions
 * (scipy.stats.rankdata 'average'). NaN values get a NaN rank and the others are ranked among
 * themselves.
 */
export function rankAverage(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  let nan = 0;
  for (let i = 0; i < n; i++) if (Number.isNaN(x[i])) nan++;
  if (nan === 0) {
    const v = x instanceof Float64Array ? x : Float64Array.from(x);
    return averageRanksFrom(rankValues(v), n);
  }
  const kept = new Float64Array(n - nan);
  const where = new Int32Array(n - nan);
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isNaN(x[i])) {
      kept[m] = x[i];
      where[m++] = i;
    }
  }
  const ranks = averageRanksFrom(rankValues(kept), m);
  const out = new Float64Array(n).fill(NaN);
  for (let k = 0; k < m; k++) out[where[k]] = ranks[k];
  return out;
}

/** The complete pairs of x and y, as Float64Arrays (no copy when there is nothing to drop). */
export function dropNanPairs(x: ArrayLike<number>, y: ArrayLike<number>): [Float64Array, Float64Array] {
  const n = x.length;
  if (y.length !== n) throw new RangeError(`x and y must have the same length (${n} vs ${y.length})`);
  let keep = 0;
  for (let i = 0; i < n; i++) if (!Number.isNaN(x[i]) && !Number.isNaN(y[i])) keep++;
  if (keep === n) {
    return [x instanceof Float64Array ? x : Float64Array.from(x), y instanceof Float64Array ? y : Float64Array.from(y)];
  }
  const xs = new Float64Array(keep);
  const ys = new Float64Array(keep);
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isNaN(x[i]) && !Number.isNaN(y[i])) {
      xs[k] = x[i];
      ys[k++] = y[i];
    }
  }
  return [xs, ys];
}

function isConstant(v: Float64Array): boolean {
  const first = v[0];
  for (let i = 1; i < v.length; i++) if (v[i] !== first) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Pearson

/** r on complete, non-constant data with n >= 2, clipped to [-1, 1] as scipy does. */
function pearsonCore(x: Float64Array, y: Float64Array): number {
  const n = x.length;
  if (n === 2) return Math.sign(x[1] - x[0]) * Math.sign(y[1] - y[0]);
  // centred on a value of the data first: differences of nearby values are exact (Sterbenz), so
  // a mean of humans that differs from the others by one rounding step (0.2 against
  // 0.20000000000000004) is not lost in the rounding of a mean of raw values
  const cx = x[0];
  const cy = y[0];
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += x[i] - cx;
    sy += y[i] - cy;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - cx - mx;
    const dy = y[i] - cy - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  const r = sxy / (Math.sqrt(sxx) * Math.sqrt(syy));
  return Math.max(-1, Math.min(1, r));
}

/**
 * Pearson's r over the complete pairs; null when fewer than 2 pairs remain or either input is
 * constant over them.
 */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  const [xs, ys] = dropNanPairs(x, y);
  if (xs.length < 2 || isConstant(xs) || isConstant(ys)) return null;
  const r = pearsonCore(xs, ys);
  return Number.isNaN(r) ? null : r; // an infinite value leaves r undefined
}

/**
 * Pearson's r with scipy.stats.pearsonr's p-value: r is Beta(n/2-1, n/2-1) on [-1, 1] under
 * independent normal data; with n = 2 the p-value is 1.
 */
export function pearsonTest(x: ArrayLike<number>, y: ArrayLike<number>, alternative: Alternative = 'two-sided'): CorrelationTest {
  const [xs, ys] = dropNanPairs(x, y);
  const n = xs.length;
  if (n < 2 || isConstant(xs) || isConstant(ys)) return { statistic: null, p_value: null, n };
  const r = pearsonCore(xs, ys);
  if (Number.isNaN(r)) return { statistic: null, p_value: null, n }; // an infinite value
  if (n === 2) return { statistic: r, p_value: 1, n };
  const ab = n / 2 - 1;
  // For B ~ Beta(ab, ab) on [-1, 1]: P(B <= r) = I_{(1+r)/2}(ab, ab).
  const below = (t: number): number => betaIncTails((1 + t) / 2, (1 - t) / 2, ab, ab)[0];
  let p: number;
  if (alternative === 'two-sided') p = 2 * below(-Math.abs(r));
  else if (alternative === 'less') p = below(r);
  else p = below(-r);
  return { statistic: r, p_value: Math.min(1, p), n };
}

// ---------------------------------------------------------------------------------------------
// Spearman

/** Spearman's rho (Pearson's r of average ranks) over the complete pairs; null as for pearson. */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  const [xs, ys] = dropNanPairs(x, y);
  if (xs.length < 2 || isConstant(xs) || isConstant(ys)) return null;
  return pearsonCore(averageRanksFrom(rankValues(xs), xs.length), averageRanksFrom(rankValues(ys), ys.length));
}

/**
 * Spearman's rho with scipy.stats.spearmanr's p-value (t = rho sqrt((n-2)/(1-rho^2)) on n-2
 * degrees of freedom). With n = 2 scipy's p-value is NaN, here null.
 */
export function spearmanTest(x: ArrayLike<number>, y: ArrayLike<number>, alternative: Alternative = 'two-sided'): CorrelationTest {
  const [xs, ys] = dropNanPairs(x, y);
  const n = xs.length;
  if (n < 2 || isConstant(xs) || isConstant(ys)) return { statistic: null, p_value: null, n };
  const rs = pearsonCore(averageRanksFrom(rankValues(xs), n), averageRanksFrom(rankValues(ys), n));
  const dof = n - 2;
  if (dof === 0) return { statistic: rs, p_value: null, n };
  const t = rs * Math.sqrt(Math.max(0, dof / ((rs + 1) * (1 - rs))));
  return { statistic: rs, p_value: tTestP(t, dof, alternative), n };
}

/** scipy's _ttest_finish. */
export function tTestP(t: number, df: number, alternative: Alternative): number {
  if (alternative === 'less') return tCdf(t, df);
  if (alternative === 'greater') return tCdf(-t, df);
  return 2 * tCdf(-Math.abs(t), df);
}

// ---------------------------------------------------------------------------------------------
// Kendall tau-b

/** Pair counts behind tau-b (Knight 1966), all exact integers below 2^53 for n < 10^8. */
export interface KendallCounts {
  n: number;
  /** n(n-1)/2 */
  total: number;
  /** Pairs tied in x, in y, in both. */
  tiesX: number;
  tiesY: number;
  tiesXY: number;
  discordant: number;
  /** Sum over tie groups in x of t(t-1)(t-2) and t(t-1)(2t+5) (variance terms). */
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/**
 * Strict inversions (i < j, s[i] > s[j]) of values in [0, k), with a Fenwick tree as in scipy's
 * _kendall_dis. Knight's (1966) algorithm counts the exchanges of a merge sort instead; both are
 * O(n log n), and the tree measured about three times faster on 10^6 correlated pairs (its hot
 * nodes stay in cache), so it is the one kept.
 */
function countInversions(s: Int32Array, k: number): number {
  const tree = new Int32Array(k + 1);
  let inv = 0;
  const n = s.length;
  for (let j = 0; j < n; j++) {
    // Elements seen so far that are <= s[j]; the other j - le are greater: one discordant pair each.
    const v = s[j] + 1;
    let le = 0;
    for (let i = v; i > 0; i -= i & -i) le += tree[i];
    inv += j - le;
    for (let i = v; i <= k; i += i & -i) tree[i]++;
  }
  return inv;
}

function tieStats(r: Ranking): [number, number, number] {
  let ties = 0;
  let t0 = 0;
  let t1 = 0;
  for (let g = 0; g < r.nDistinct; g++) {
    const c = r.groupStart[g + 1] - r.groupStart[g];
    if (c > 1) {
      ties += (c * (c - 1)) / 2;
      t0 += c * (c - 1) * (c - 2);
      t1 += c * (c - 1) * (2 * c + 5);
    }
  }
  return [ties, t0, t1];
}

/**
 * Concordance counts in O(n log n) after Knight (1966): both variables ranked by radix sort, the
 * pairs ordered by (x, y) with a stable counting sort, then the inversions of the y sequence
 * counted (each is a discordant pair; pairs tied in x are in y order and contribute none).
 */
export function kendallCounts(xs: Float64Array, ys: Float64Array): KendallCounts {
  const n = xs.length;
  const rx = rankValues(xs);
  const ry = rankValues(ys);
  const seq = new Int32Array(n);
  const pos = Int32Array.from(rx.groupStart);
  const ordY = ry.order;
  const dx = rx.dense;
  const dy = ry.dense;
  for (let j = 0; j < n; j++) {
    const i = ordY[j];
    seq[pos[dx[i]]++] = dy[i];
  }
  let tiesXY = 0;
  for (let g = 0; g < rx.nDistinct; g++) {
    const end = rx.groupStart[g + 1];
    let run = 1;
    for (let k = rx.groupStart[g] + 1; k < end; k++) {
      if (seq[k] === seq[k - 1]) run++;
      else {
        tiesXY += (run * (run - 1)) / 2;
        run = 1;
      }
    }
    tiesXY += (run * (run - 1)) / 2;
  }
  const discordant = countInversions(seq, ry.nDistinct);
  const [tiesX, x0, x1] = tieStats(rx);
  const [tiesY, y0, y1] = tieStats(ry);
  return { n, total: (n * (n - 1)) / 2, tiesX, tiesY, tiesXY, discordant, x0, x1, y0, y1 };
}

function tauB(c: KendallCounts): number | null {
  if (c.n < 2 || c.tiesX === c.total || c.tiesY === c.total) return null;
  const conMinusDis = c.total - c.tiesX - c.tiesY + c.tiesXY - 2 * c.discordant;
  const tau = conMinusDis / Math.sqrt(c.total - c.tiesX) / Math.sqrt(c.total - c.tiesY);
  return Math.min(1, Math.max(-1, tau));
}

/**
 * Kendall's tau-b over the complete pairs, exact with ties in x, y and both, in O(n log n);
 * null when fewer than 2 pairs remain or either input is constant.
 */
export function kendallTauB(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  const [xs, ys] = dropNanPairs(x, y);
  if (xs.length < 2) return null;
  return tauB(kendallCounts(xs, ys));
}

/**
 * Kendall's tau-b with scipy.stats.kendalltau's p-value (method 'auto'): the exact null
 * distribution when there are no ties and n <= 33 (or at most one discordant or concordant pair),
 * otherwise the normal approximation with the tie-corrected variance.
 */
export function kendallTest(x: ArrayLike<number>, y: ArrayLike<number>, alternative: Alternative = 'two-sided'): CorrelationTest {
  const [xs, ys] = dropNanPairs(x, y);
  const n = xs.length;
  if (n < 2) return { statistic: null, p_value: null, n };
  const c = kendallCounts(xs, ys);
  const tau = tauB(c);
  if (tau === null) return { statistic: null, p_value: null, n };
  const { total, tiesX, tiesY, tiesXY, discordant } = c;
  let p: number;
  if (tiesX === 0 && tiesY === 0 && (n <= 33 || Math.min(discordant, total - discordant) <= 1)) {
    p = kendallExactP(n, total - discordant, alternative);
  } else {
    const conMinusDis = total - tiesX - tiesY + tiesXY - 2 * discordant;
    const m = n * (n - 1);
    const variance = (m * (2 * n + 5) - c.x1 - c.y1) / 18 + (2 * tiesX * tiesY) / m + (c.x0 * c.y0) / (9 * m * (n - 2));
    const z = conMinusDis / Math.sqrt(variance);
    if (alternative === 'less') p = normalCdf(z);
    else if (alternative === 'greater') p = normalSf(z);
    else p = 2 * normalSf(Math.abs(z));
    if (Number.isNaN(p)) return { statistic: tau, p_value: null, n };
  }
  return { statistic: tau, p_value: p, n };
}

function factorial(k: number): number {
  let f = 1;
  for (let i = 2; i <= k; i++) f *= i;
  return f;
}

/** Exact p-value of Kendall's tau without ties (Kendall 1970), as scipy's _kendall_p_exact. */
export function kendallExactP(n: number, concordant: number, alternative: Alternative): number {
  const total = (n * (n - 1)) / 2;
  const inRightTail = concordant >= total - concordant;
  const c = Math.min(concordant, total - concordant);
  let prob: number;
  let massAtC = 0;
  if (n === 1) {
    prob = 1;
    massAtC = 1;
  } else if (n === 2) {
    prob = 1;
    massAtC = 0.5;
  } else if (c === 0) {
    prob = n < 171 ? 2 / factorial(n) : 0;
    massAtC = prob / 2;
  } else if (c === 1) {
    prob = n < 172 ? 2 / factorial(n - 1) : 0;
    massAtC = (n - 1) / factorial(n);
  } else if (4 * c === n * (n - 1) && alternative === 'two-sided') {
    prob = 1;
  } else {
    // Number of permutations of 1..j with k inversions, k <= c, by the running-sum recurrence.
    let cur = new Float64Array(c + 1);
    cur[0] = 1;
    cur[1] = 1;
    const scaled = n >= 171;
    for (let j = 3; j <= n; j++) {
      const next = new Float64Array(c + 1);
      let acc = 0;
      for (let k = 0; k <= c; k++) {
        acc += cur[k];
        next[k] = scaled ? acc / j : acc;
      }
      if (j <= c) {
        // Subtract the shifted cumulative sums (windows longer than j), from the top down.
        for (let k = c; k >= j; k--) next[k] -= next[k - j];
      }
      cur = next;
    }
    let sum = 0;
    for (let k = 0; k <= c; k++) sum += cur[k];
    if (scaled) {
      prob = sum;
      massAtC = cur[c] / 2;
    } else {
      const f = factorial(n);
      prob = (2 * sum) / f;
      massAtC = cur[c] / f;
    }
  }
  if (alternative !== 'two-sided') {
    if (inRightTail === (alternative === 'greater')) prob /= 2;
    else prob = 1 - prob / 2 + massAtC;
  }
  return Math.min(1, Math.max(0, prob));
}
