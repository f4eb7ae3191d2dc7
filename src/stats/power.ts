/**
 * Sample-size planning for win-ratio studies: how many judged items are needed to detect that a
 * model's win ratio differs from 0.5 (one model against a baseline), or that two models' win ratios
 * differ, at level α and power 1 − β.
 *
 * Win ratio semantics follow `--ties` (see studies/winrate):
 * - `half`: per item the score is X ∈ {1, ½, 0} (win, tie, loss) and the win ratio is E[X]. With a
 *   tie rate τ, Var X = p − τ/4 − p² (p = win ratio); under H0 (p = ½) it is (1 − τ)/4. The test is
 *   the one-sample z-test on the mean score, with effect size d = Δ / σ0 (statsmodels'
 *   `NormalIndPower(ratio=0)` convention: the null standard deviation is used for both hypotheses).
 * - `drop`: ties are discarded and the win ratio is P(win | decisive). The decisive items needed
 *   come from Cohen's arcsine effect size h = 2·asin√p − 2·asin√½ (statsmodels'
 *   `proportion_effectsize`), and the total is decisive / (1 − τ). `exactBinomialItems` gives the
 *   exact-binomial alternative (smallest n whose exact two-sided binomial test has the power).
 * Two models (`itemsForWinRatioDifference`): two independent samples of items, n per model
 * (statsmodels' `NormalIndPower(ratio=1)`); for `half` with d = Δ / √((Var1 + Var2)/2), for `drop`
 * with h = 2·asin√p1 − 2·asin√p2 on decisive items. Treating the two samples as independent is
 * conservative when both models are judged on the same items.
 *
 * All powers include both rejection tails for the two-sided test, as statsmodels does, so the
 * real-valued sample sizes match `solve_power` to solver precision; `items` rounds up.
 */

import { binomPmf, normalCdf } from './distributions.ts';

export type PowerAlternative = 'two-sided' | 'larger';
export type PlanTies = 'half' | 'drop';

/** Standard normal quantile: Acklam's rational approximation refined by Halley steps on normalCdf. */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  let x: number;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - pl) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  for (let k = 0; k < 3; k++) {
    const e = normalCdf(x) - p;
    const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
    x = x - u / (1 + (x * u) / 2);
  }
  return x;
}

/** Cohen's h between two proportions (statsmodels `proportion_effectsize(p1, p2)`). */
export function proportionEffectSize(p1: number, p2: number): number {
  return 2 * Math.asin(Math.sqrt(p1)) - 2 * Math.asin(Math.sqrt(p2));
}

/**
 * Power of a z-test with standardised effect size d and effective sample size n (statsmodels
 * `normal_power`): Φ(d√n − z_{1−α/2}) + Φ(−d√n − z_{1−α/2}) two-sided; Φ(d√n − z_{1−α}) one-sided.
 */
export function zTestPower(d: number, n: number, alpha: number, alternative: PowerAlternative = 'two-sided'): number {
  const s = d * Math.sqrt(n);
  if (alternative === 'larger') return normalCdf(s - normalQuantile(1 - alpha));
  const z = normalQuantile(1 - alpha / 2);
  return normalCdf(s - z) + normalCdf(-s - z);
}

/** Real-valued n with zTestPower(d, n) = power (bisection on a monotone function; n ≥ 1e-6). */
export function zTestSampleSize(d: number, alpha: number, power: number, alternative: PowerAlternative = 'two-sided'): number {
  if (d === 0) return Infinity;
  const ad = Math.abs(d);
  const zb = normalQuantile(power);
  const za = normalQuantile(alternative === 'larger' ? 1 - alpha : 1 - alpha / 2);
  let hi = Math.max(1, ((za + zb) / ad) ** 2 * 2 + 1);
  while (zTestPower(ad, hi, alpha, alternative) < power) hi *= 2;
  let lo = 0;
  for (let k = 0; k < 200 && hi - lo > 1e-12 * hi; k++) {
    const mid = (lo + hi) / 2;
    if (zTestPower(ad, mid, alpha, alternative) < power) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface WinRatioPlanInput {
  /** Expected win ratio of the model under the alternative (0.5 + Δ), in the `ties` semantics. */
  win_ratio: number;
  alpha?: number;
  power?: number;
  /** Expected share of ties among judged items, in [0, 1). */
  tie_rate?: number;
  ties?: PlanTies;
  alternative?: PowerAlternative;
}

export interface WinRatioPlan {
  /** Judged items needed (rounded up), ties included. */
  items: number;
  /** The real-valued solution before rounding. */
  items_real: number;
  /** Decisive (non-tie) items among them, for `drop`; null for `half`. */
  decisive_items: number | null;
  effect_size: number;
  method: 'z_mean_score' | 'arcsine';
  alpha: number;
  power: number;
  tie_rate: number;
}

function checkCommon(alpha: number, power: number, tieRate: number): void {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), not ${alpha}`);
  if (!(power > 0 && power < 1)) throw new RangeError(`power must be in (0, 1), not ${power}`);
  if (!(tieRate >= 0 && tieRate < 1)) throw new RangeError(`tie rate must be in [0, 1), not ${tieRate}`);
}

/** Variance of the per-item score X ∈ {1, ½, 0} with mean p and tie rate τ (needs p ≥ τ/2, p ≤ 1 − τ/2). */
export function halfScoreVariance(p: number, tieRate: number): number {
  if (p < tieRate / 2 - 1e-12 || p > 1 - tieRate / 2 + 1e-12) throw new RangeError(`win ratio ${p} is impossible with tie rate ${tieRate}`);
  return Math.max(0, p - tieRate / 4 - p * p);
}

/** Items needed to detect that a model's win ratio (against one opponent or baseline) differs from 0.5. */
export function itemsForWinRatio(input: WinRatioPlanInput): WinRatioPlan {
  const alpha = input.alpha ?? 0.05;
  const power = input.power ?? 0.8;
  const tau = input.tie_rate ?? 0;
  const ties = input.ties ?? 'half';
  const alt = input.alternative ?? 'two-sided';
  checkCommon(alpha, power, tau);
  const p = input.win_ratio;
  if (!(p > 0 && p < 1)) throw new RangeError(`win ratio must be in (0, 1), not ${p}`);
  if (ties === 'half') {
    halfScoreVariance(p, tau);
    const d = (p - 0.5) / (Math.sqrt(1 - tau) / 2);
    const n = zTestSampleSize(d, alpha, power, alt);
    return { items: Math.ceil(n - 1e-9), items_real: n, decisive_items: null, effect_size: d, method: 'z_mean_score', alpha, power, tie_rate: tau };
  }
  const h = proportionEffectSize(p, 0.5);
  const nd = zTestSampleSize(h, alpha, power, alt);
  const n = nd / (1 - tau);
  return { items: Math.ceil(n - 1e-9), items_real: n, decisive_items: Math.ceil(nd - 1e-9), effect_size: h, method: 'arcsine', alpha, power, tie_rate: tau };
}

export interface WinRatioDifferenceInput {
  win_ratio_1: number;
  win_ratio_2: number;
  alpha?: number;
  power?: number;
  tie_rate?: number;
  ties?: PlanTies;
  alternative?: PowerAlternative;
}

/** Items needed per model to detect that two models' win ratios (each against a common baseline) differ. */
export function itemsForWinRatioDifference(input: WinRatioDifferenceInput): WinRatioPlan {
  const alpha = input.alpha ?? 0.05;
  const power = input.power ?? 0.8;
  const tau = input.tie_rate ?? 0;
  const ties = input.ties ?? 'half';
  const alt = input.alternative ?? 'two-sided';
  checkCommon(alpha, power, tau);
  const { win_ratio_1: p1, win_ratio_2: p2 } = input;
  for (const p of [p1, p2]) if (!(p > 0 && p < 1)) throw new RangeError(`win ratio must be in (0, 1), not ${p}`);
  if (ties === 'half') {
    const v = (halfScoreVariance(p1, tau) + halfScoreVariance(p2, tau)) / 2;
    const d = (p1 - p2) / Math.sqrt(v);
    // NormalIndPower with ratio 1: effective n is n/2.
    const n = 2 * zTestSampleSize(d, alpha, power, alt);
    return { items: Math.ceil(n - 1e-9), items_real: n, decisive_items: null, effect_size: d, method: 'z_mean_score', alpha, power, tie_rate: tau };
  }
  const h = proportionEffectSize(p1, p2);
  const nd = 2 * zTestSampleSize(h, alpha, power, alt);
  const n = nd / (1 - tau);
  return { items: Math.ceil(n - 1e-9), items_real: n, decisive_items: Math.ceil(nd - 1e-9), effect_size: h, method: 'arcsine', alpha, power, tie_rate: tau };
}

/**
 * Exact power of the two-sided binomial test of p = ½ on n decisive items when the true win
 * probability is p. Under the symmetric null the "minimum likelihood" p-value (scipy `binomtest`) is
 * min(1, 2·min(P(X ≤ k), P(X ≥ k))); k is rejected when that is ≤ α.
 */
export function exactBinomialPower(n: number, p: number, alpha: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a whole number ≥ 0, not ${n}`);
  const null0 = new Float64Array(n + 1);
  for (let k = 0; k <= n; k++) null0[k] = binomPmf(k, n, 0.5);
  const lower = new Float64Array(n + 1);
  let acc = 0;
  for (let k = 0; k <= n; k++) lower[k] = acc += null0[k]!;
  let pow = 0;
  for (let k = 0; k <= n; k++) {
    const upper = 1 - (k > 0 ? lower[k - 1]! : 0);
    const pv = Math.min(1, 2 * Math.min(lower[k]!, upper));
    // The relative slack absorbs rounding of the tail sums at the boundary of the region.
    if (pv <= alpha * (1 + 1e-7)) pow += binomPmf(k, n, p);
  }
  return pow;
}

/**
 * Smallest number of decisive items whose exact two-sided binomial test of ½ reaches `power` at
 * level α when the true win probability is p (the power of the exact test is not monotone in n; this
 * is the first n that reaches it). Searches up to `maxN`; null if none does.
 */
export function exactBinomialItems(p: number, alpha = 0.05, power = 0.8, maxN = 100000): number | null {
  if (!(p > 0 && p < 1) || p === 0.5) return null;
  for (let n = 1; n <= maxN; n++) if (exactBinomialPower(n, p, alpha) >= power) return n;
  return null;
}
