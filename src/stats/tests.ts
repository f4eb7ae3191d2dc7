/**
 * Hypothesis tests for paired comparisons (issue 6: base versus fine-tuned model, MCQ versus
 * open-ended form) and multiple-testing corrections (issue 4: the alternative annotator test).
 * Each matches the scipy / statsmodels function named in its comment; the golden tests in
 * test/stats/tests.test.ts hold them to it.
 */
import { binomPmf, binomTails, chi2Sf1, normalCdf, normalSf, signedRankCounts, tCdf } from './distributions.ts';

export type Alternative = 'two-sided' | 'greater' | 'less';

/** Pairs of finite-or-infinite values; a pair with NaN on either side is dropped. */
function pairedDifferences(x: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  if (x.length !== y.length) throw new RangeError(`x and y must have the same length (${x.length} vs ${y.length})`);
  const out: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const d = x[i]! - y[i]!;
    if (!Number.isNaN(d)) out.push(d);
  }
  return Float64Array.from(out);
}

// ---------------------------------------------------------------------------------------------
// Binomial and sign tests

/**
 * p-value of the exact binomial test of k successes in n trials against success probability p
 * (scipy.stats.binomtest). The two-sided p-value sums the probabilities of all outcomes no more
 * likely than k (with scipy's relative slack of 1e-7).
 */
export function binomialTest(k: number, n: number, p = 0.5, alternative: Alternative = 'two-sided'): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`binomialTest: n must be a positive integer, got ${n}`);
  if (!Number.isInteger(k) || k < 0 || k > n) throw new RangeError(`binomialTest: k must be an integer in [0, n], got ${k}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`binomialTest: p must be in [0, 1], got ${p}`);
  if (alternative === 'less') return binomTails(k, n, p)[0];
  if (alternative === 'greater') return binomTails(k - 1, n, p)[1];
  const d = binomPmf(k, n, p);
  const rerr = 1 + 1e-7;
  let pval: number;
  if (k === p * n) return 1;
  if (k < p * n) {
    const ix = searchBinom((j) => -binomPmf(j, n, p), -d * rerr, Math.ceil(p * n), n);
    const y = n - ix + (d * rerr === binomPmf(ix, n, p) ? 1 : 0);
    pval = binomTails(k, n, p)[0] + binomTails(n - y, n, p)[1];
  } else {
    const ix = searchBinom((j) => binomPmf(j, n, p), d * rerr, 0, Math.floor(p * n));
    const y = ix + 1;
    pval = binomTails(y - 1, n, p)[0] + binomTails(k - 1, n, p)[1];
  }
  return Math.min(1, pval);
}

/** scipy's _binary_search_for_binom_tst: the i in [lo, hi] with a(i) <= d < a(i+1). */
function searchBinom(a: (j: number) => number, d: number, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = lo + Math.floor((hi - lo) / 2);
    const v = a(mid);
    if (v < d) lo = mid + 1;
    else if (v > d) hi = mid - 1;
    else return mid;
  }
  return a(lo) <= d ? lo : lo - 1;
}

export interface SignTestResult {
  /** Non-zero differences (the binomial trials). */
  n: number;
  /** Pairs with x > y, x < y, x == y. */
  positive: number;
  negative: number;
  ties: number;
  p_value: number;
}

/**
 * Sign test on paired samples: exact binomial test of the number of positive differences among
 * the non-zero ones against 1/2 (statsmodels sign_test, which calls scipy binomtest with
 * min(positive, negative); one-sided: 'greater' means x tends to exceed y). Ties are dropped;
 * with no non-zero difference at all there is no evidence either way and the p-value is 1.
 */
export function signTest(x: ArrayLike<number>, y: ArrayLike<number>, alternative: Alternative = 'two-sided'): SignTestResult {
  const d = pairedDifferences(x, y);
  let positive = 0;
  let negative = 0;
  for (let i = 0; i < d.length; i++) {
    if (d[i]! > 0) positive++;
    else if (d[i]! < 0) negative++;
  }
  const n = positive + negative;
  const ties = d.length - n;
  let p_value = 1;
  if (n > 0) {
    p_value = alternative === 'two-sided' ? binomialTest(Math.min(positive, negative), n, 0.5) : binomialTest(positive, n, 0.5, alternative);
  }
  return { n, positive, negative, ties, p_value };
}

// ---------------------------------------------------------------------------------------------
// Wilcoxon signed-rank

export interface WilcoxonOptions {
  alternative?: Alternative;
  /** 'wilcox' drops zero differences; 'pratt' ranks them and drops their ranks; 'zsplit' splits their ranks. */
  zeroMethod?: 'wilcox' | 'pratt' | 'zsplit';
  /** Continuity correction of the normal approximation. */
  correction?: boolean;
  /**
   * 'exact': the permutation distribution of the signed ranks (exact also with ties, by counting
   * on doubled ranks); 'approx': normal approximation with tie (and Pratt zero) corrections;
   * 'auto': exact when n <= 50 with no zero and no tied difference, otherwise approx (zeros
   * count even under 'wilcox', which drops them, as in scipy).
   */
  method?: 'auto' | 'exact' | 'approx';
}

export interface WilcoxonResult {
  /** Number of differences ranked (after dropping NaN pairs and, with 'wilcox', zeros). */
  n: number;
  /** Zero differences among them (0 with 'wilcox', which drops them). */
  n_zero: number;
  /** scipy's statistic: min(R+, R-) for two-sided, R+ for one-sided. */
  statistic: number;
  r_plus: number;
  r_minus: number;
  p_value: number;
  /** scipy's z statistic when the normal approximation gives the p-value, else null. */
  z: number | null;
  /**
   * Rosenthal's r = Z / sqrt(n), with Z = (R+ - E[R+]) / sd (no continuity correction): positive
   * when x tends to exceed y. Null when the null variance is 0.
   */
  effect_size_r: number | null;
  /** Matched-pairs rank-biserial correlation (R+ - R-) / (R+ + R-) (Kerby 2014); null if no ranks. */
  rank_biserial: number | null;
  method: 'exact' | 'approx';
}

/**
 * Wilcoxon signed-rank test of x - y, matching scipy.stats.wilcoxon (1.10) for the exact test
 * without ties and for the normal approximation. Two deliberate differences, both where scipy
 * 1.10 is wrong: 'auto' takes the normal approximation when |x - y| has ties (scipy 1.10 used the
 * untied exact distribution and truncated the half-integer statistic), and an explicit 'exact'
 * with ties or zeros uses the exact permutation distribution of the actual ranks (what later scipy,
 * after gh-21567, estimates with a permutation test) rather than switching or truncating.
 * Exact counting costs O(n * n^2) and is exact in double precision up to 53 non-zero differences.
 * With no differences left to rank the p-value is 1.
 */
export function wilcoxonSignedRank(x: ArrayLike<number>, y: ArrayLike<number>, opts: WilcoxonOptions = {}): WilcoxonResult {
  const alternative = opts.alternative ?? 'two-sided';
  const zeroMethod = opts.zeroMethod ?? 'wilcox';
  const correction = opts.correction ?? false;
  const requested = opts.method ?? 'auto';
  let d = pairedDifferences(x, y);
  let nZero = 0;
  for (let i = 0; i < d.length; i++) if (d[i] === 0) nZero++;
  const zerosSeen = nZero;
  if (zeroMethod === 'wilcox' && nZero > 0) {
    d = d.filter((v) => v !== 0);
    nZero = 0;
  }
  const count = d.length;
  const abs = d.map(Math.abs);
  const ranks = averageRanks(abs);
  let rPlus = 0;
  let rMinus = 0;
  let rZero = 0;
  let tied = false;
  const sortedAbs = Float64Array.from(abs).sort();
  for (let i = 1; i < count; i++) if (sortedAbs[i] === sortedAbs[i - 1] && sortedAbs[i] !== 0) tied = true;
  for (let i = 0; i < count; i++) {
    if (d[i]! > 0) rPlus += ranks[i]!;
    else if (d[i]! < 0) rMinus += ranks[i]!;
    else rZero += ranks[i]!;
  }
  if (zeroMethod === 'zsplit') {
    rPlus += rZero / 2;
    rMinus += rZero / 2;
  }
  const statistic = alternative === 'two-sided' ? Math.min(rPlus, rMinus) : rPlus;
  const nRanked = count - nZero;
  const rankBiserial = rPlus + rMinus > 0 ? (rPlus - rMinus) / (rPlus + rMinus) : null;

  // Normal approximation moments (scipy; Cureton 1967 for Pratt's zeros).
  let mn = (count * (count + 1)) / 4;
  let se2 = count * (count + 1) * (2 * count + 1);
  if (zeroMethod === 'pratt') {
    mn -= (nZero * (nZero + 1)) / 4;
    se2 -= nZero * (nZero + 1) * (2 * nZero + 1);
  }
  // Tie correction over the ranks that enter the statistic (scipy: find_repeats(r), with Pratt's
  // zero ranks removed first).
  const usedRanks: number[] = [];
  for (let i = 0; i < count; i++) if (!(zeroMethod === 'pratt' && d[i] === 0)) usedRanks.push(ranks[i]!);
  usedRanks.sort((a, b) => a - b);
  for (let i = 0; i < usedRanks.length; ) {
    let j = i + 1;
    while (j < usedRanks.length && usedRanks[j] === usedRanks[i]) j++;
    const t = j - i;
    if (t > 1) se2 -= 0.5 * t * (t * t - 1);
    i = j;
  }
  const se = Math.sqrt(se2 / 24);
  const effect = se > 0 && count > 0 ? (rPlus - mn) / se / Math.sqrt(count) : null;

  if (nRanked === 0) {
    return { n: count, n_zero: nZero, statistic, r_plus: rPlus, r_minus: rMinus, p_value: 1, z: null, effect_size_r: null, rank_biserial: rankBiserial, method: requested === 'exact' ? 'exact' : 'approx' };
  }
  let method: 'exact' | 'approx';
  if (requested === 'auto') method = count <= 50 && zerosSeen === 0 && !tied ? 'exact' : 'approx';
  else method = requested;

  if (method === 'approx') {
    let corr = 0;
    if (correction) {
      if (alternative === 'two-sided') corr = 0.5 * Math.sign(statistic - mn);
      else if (alternative === 'less') corr = -0.5;
      else corr = 0.5;
    }
    const z = (statistic - mn - corr) / se;
    let p: number;
    if (alternative === 'two-sided') p = 2 * normalSf(Math.abs(z));
    else if (alternative === 'greater') p = normalSf(z);
    else p = normalCdf(z);
    return { n: count, n_zero: nZero, statistic, r_plus: rPlus, r_minus: rMinus, p_value: Math.min(1, p), z, effect_size_r: effect, rank_biserial: rankBiserial, method };
  }

  // Exact: every sign assignment of the non-zero differences is equally likely; zero ranks are
  // fixed (dropped under Pratt, split evenly under zsplit). Doubled ranks are integers.
  const weights: number[] = [];
  let fixed2 = 0;
  for (let i = 0; i < count; i++) {
    if (d[i] !== 0) weights.push(Math.round(2 * ranks[i]!));
    else if (zeroMethod === 'zsplit') fixed2 += ranks[i]!;
  }
  const counts = signedRankCounts(weights);
  const total = Math.pow(2, weights.length);
  const observed = Math.round(2 * rPlus - fixed2); // doubled sum of positive non-zero ranks
  let below = 0;
  let above = 0;
  for (let s = 0; s < counts.length; s++) {
    if (s <= observed) below += counts[s]!;
    if (s >= observed) above += counts[s]!;
  }
  const pLess = below / total;
  const pGreater = above / total;
  let p: number;
  if (alternative === 'two-sided') p = 2 * observed === counts.length - 1 ? 1 : 2 * Math.min(pLess, pGreater);
  else if (alternative === 'greater') p = pGreater;
  else p = pLess;
  return { n: count, n_zero: nZero, statistic, r_plus: rPlus, r_minus: rMinus, p_value: Math.min(1, Math.max(0, p)), z: null, effect_size_r: effect, rank_biserial: rankBiserial, method };
}

/** Average ranks of a small array (1-based). */
function averageRanks(v: Float64Array): Float64Array {
  const n = v.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => v[a]! - v[b]!);
  const out = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && v[order[j]!] === v[order[i]!]) j++;
    const r = (i + j + 1) / 2;
    for (let k = i; k < j; k++) out[order[k]!] = r;
    i = j;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// McNemar

export interface McNemarResult {
  /** Exact conditional test: 2 P(X <= min(b, c)), X ~ Binomial(b + c, 1/2), capped at 1 (statsmodels mcnemar(exact=True)). */
  exact_p: number;
  /**
   * Mid-p (Fagerland, Lydersen and Laake 2013, BMC Med Res Methodol 13:91, eq. 3):
   * 2 [P(X <= min) - P(X = min)/2] = the uncapped exact p minus P(X = min). For b = c this is 1.
   */
  midp: number;
  /** Asymptotic McNemar statistic (b - c)^2 / (b + c), without continuity correction, and its chi^2(1) p-value. */
  chi2: number;
  chi2_p: number;
  /** Edwards' continuity-corrected statistic (|b - c| - 1)^2 / (b + c) (statsmodels' default) and its p-value. */
  chi2_corrected: number;
  chi2_corrected_p: number;
}

/**
 * McNemar's test from the discordant counts b and c of a paired 2x2 table. With b + c = 0 there
 * is no discordance: every p-value is 1 and the statistics 0.
 */
export function mcnemar(b: number, c: number): McNemarResult {
  if (!Number.isInteger(b) || !Number.isInteger(c) || b < 0 || c < 0) throw new RangeError(`mcnemar: counts must be non-negative integers, got ${b}, ${c}`);
  const n = b + c;
  if (n === 0) return { exact_p: 1, midp: 1, chi2: 0, chi2_p: 1, chi2_corrected: 0, chi2_corrected_p: 1 };
  const m = Math.min(b, c);
  const twoTail = 2 * binomTails(m, n, 0.5)[0];
  const midp = Math.min(1, twoTail - binomPmf(m, n, 0.5));
  const chi2 = ((b - c) * (b - c)) / n;
  const chi2c = (Math.abs(b - c) - 1) ** 2 / n;
  return { exact_p: Math.min(1, twoTail), midp, chi2, chi2_p: chi2Sf1(chi2), chi2_corrected: chi2c, chi2_corrected_p: chi2Sf1(chi2c) };
}

// ---------------------------------------------------------------------------------------------
// Paired t-test

export interface PairedTTestResult {
  n: number;
  /** null when the differences have no variance (scipy gives NaN or an infinite t). */
  t: number | null;
  df: number;
  p_value: number | null;
  /** Mean of x - y (0 when n = 0). */
  mean_diff: number;
}

/**
 * Paired t-test (scipy.stats.ttest_rel) over the complete pairs. Undefined (t and p null) with
 * fewer than 2 pairs or when every difference is the same.
 */
export function pairedTTest(x: ArrayLike<number>, y: ArrayLike<number>, alternative: Alternative = 'two-sided'): PairedTTestResult {
  const d = pairedDifferences(x, y);
  const n = d.length;
  const df = n - 1;
  if (n === 0) return { n, t: null, df: 0, p_value: null, mean_diff: 0 };
  let s = 0;
  for (let i = 0; i < n; i++) s += d[i]!;
  const mean = s / n;
  if (n < 2) return { n, t: null, df, p_value: null, mean_diff: mean };
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (d[i]! - mean) ** 2;
  const sd = Math.sqrt(ss / df);
  if (sd === 0) return { n, t: null, df, p_value: null, mean_diff: mean };
  const t = mean / (sd / Math.sqrt(n));
  let p: number;
  if (alternative === 'less') p = tCdf(t, df);
  else if (alternative === 'greater') p = tCdf(-t, df);
  else p = 2 * tCdf(-Math.abs(t), df);
  return { n, t, df, p_value: p, mean_diff: mean };
}

// ---------------------------------------------------------------------------------------------
// False discovery rate

function checkP(pvalues: number[]): void {
  for (const p of pvalues) if (!(p >= 0 && p <= 1)) throw new RangeError(`p-values must be in [0, 1], got ${p}`);
}

/** Step-up FDR procedure with ecdf factor i / (n c): c = 1 (Benjamini-Hochberg) or sum 1/i (Benjamini-Yekutieli). */
function stepUp(pvalues: number[], alpha: number, dependent: boolean): { rejected: boolean[]; adjusted: number[] } {
  checkP(pvalues);
  const n = pvalues.length;
  if (n === 0) return { rejected: [], adjusted: [] };
  const order = pvalues.map((_, i) => i).sort((a, b) => pvalues[a]! - pvalues[b]! || a - b);
  let cm = 1;
  if (dependent) {
    cm = 0;
    for (let i = 1; i <= n; i++) cm += 1 / i;
  }
  let lastReject = -1;
  const raw = new Array<number>(n);
  for (let k = 0; k < n; k++) {
    const factor = (k + 1) / n / cm;
    const p = pvalues[order[k]!]!;
    if (p <= factor * alpha) lastReject = k;
    raw[k] = p / factor;
  }
  const rejected = new Array<boolean>(n).fill(false);
  const adjusted = new Array<number>(n);
  let running = Infinity;
  for (let k = n - 1; k >= 0; k--) {
    running = Math.min(running, raw[k]!);
    adjusted[order[k]!] = Math.min(1, running);
    if (k <= lastReject) rejected[order[k]!] = true;
  }
  return { rejected, adjusted };
}

/** Benjamini-Hochberg FDR control (statsmodels multipletests(method='fdr_bh')). */
export function benjaminiHochberg(pvalues: number[], alpha = 0.05): { rejected: boolean[]; adjusted: number[] } {
  return stepUp(pvalues, alpha, false);
}

/** Benjamini-Yekutieli FDR control under arbitrary dependence (statsmodels multipletests(method='fdr_by')). */
export function benjaminiYekutieli(pvalues: number[], alpha = 0.05): { rejected: boolean[]; adjusted: number[] } {
  return stepUp(pvalues, alpha, true);
}
