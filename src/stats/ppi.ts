/**
 * Judge-corrected means: prediction-powered inference and the Rogan–Gladen correction.
 *
 * Notation as in the papers: Y the gold (human) values on the n labelled units, Ŷ the judge's
 * values on the same units, Ŷᵘ the judge's values on the N unlabelled units (disjoint from the
 * labelled ones). Conventions follow the authors' `ppi_py` (`ppi_mean_pointestimate`,
 * `ppi_mean_ci`, `_calc_lam_glm`) so that the numbers match it:
 * - the estimate is θ(λ) = mean(λŶᵘ) + mean(Y − λŶ) (Angelopoulos et al., Science 2023: λ = 1);
 * - its standard error is √(var(λŶᵘ)/N + var(Y − λŶ)/n), variances with ddof = 0;
 * - PPI++ (Angelopoulos, Duchi & Zrnic 2023) takes the power-tuned
 *   λ = cov(Y, Ŷ) / ((1 + n/N) · var(Ŷ ∪ Ŷᵘ)), where cov has ddof = 0 over the labelled units and
 *   var is numpy's `np.cov` (ddof = 1) over all judge values, clipped to [0, 1];
 * - intervals are two-sided normal intervals θ ± z_{1−α/2}·se.
 * Stratified PPI (Fisch et al., NeurIPS 2024) is the PPI++ estimate within each stratum (its own
 * λ), combined with the stratum weights w_k: θ = Σ w_k θ_k, se² = Σ w_k² se_k².
 * Rogan–Gladen and its interval follow Lee et al. 2025 (arXiv 2511.21140), see `roganGladen`.
 */
import { normalQuantile } from './power.ts';
import { Rng } from './random.ts';

export interface NormalEstimate {
  value: number;
  ci_low: number;
  ci_high: number;
  /** Standard error of `value`. */
  se: number;
}

export interface PpiEstimate extends NormalEstimate {
  lambda: number;
}

function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s / xs.length;
}

/** Population variance (ddof = 0), two-pass. */
function var0(xs: ArrayLike<number>): number {
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i]! - m) ** 2;
  return s / xs.length;
}

/** z_{1−α/2}: the two-sided normal critical value. */
export function zTwoSided(alpha: number): number {
  if (!(alpha > 0 && alpha < 1)) throw new Error(`alpha must be in (0, 1), got ${alpha}`);
  return normalQuantile(1 - alpha / 2);
}

function normal(value: number, se: number, alpha: number): NormalEstimate {
  const z = zTwoSided(alpha);
  return { value, ci_low: value - z * se, ci_high: value + z * se, se };
}

/** The classical mean with its normal interval (ddof = 0 standard error, as ppi_py's `classical_mean_ci`). */
export function classicalMean(y: ArrayLike<number>, alpha: number): NormalEstimate {
  if (y.length < 1) throw new Error('classicalMean: no values');
  return normal(mean(y), Math.sqrt(var0(y) / y.length), alpha);
}

function checkPpiInputs(y: ArrayLike<number>, yhat: ArrayLike<number>, yhatU: ArrayLike<number>): void {
  if (y.length !== yhat.length) throw new Error(`ppi: ${y.length} gold values but ${yhat.length} judge values on the labelled units`);
  if (y.length < 1) throw new Error('ppi: no labelled units');
  if (yhatU.length < 1) throw new Error('ppi: no unlabelled units');
}

/**
 * The PPI++ power-tuned λ for a mean (ppi_py `_calc_lam_glm` with an identity Hessian), clipped to
 * [0, 1]. A judge that is constant everywhere carries no information: λ = 0.
 */
export function ppiLambda(y: ArrayLike<number>, yhat: ArrayLike<number>, yhatU: ArrayLike<number>): number {
  checkPpiInputs(y, yhat, yhatU);
  const n = y.length;
  const N = yhatU.length;
  const my = mean(y);
  const mf = mean(yhat);
  let cov = 0;
  for (let i = 0; i < n; i++) cov += (y[i]! - my) * (yhat[i]! - mf);
  cov /= n;
  const all = new Float64Array(n + N);
  for (let i = 0; i < n; i++) all[i] = yhat[i]!;
  for (let i = 0; i < N; i++) all[n + i] = yhatU[i]!;
  const varAll = n + N > 1 ? (var0(all) * (n + N)) / (n + N - 1) : 0;
  if (!(varAll > 0)) return 0;
  const lam = cov / ((1 + n / N) * varAll);
  return Math.min(1, Math.max(0, lam));
}

/**
 * The prediction-powered mean at a given λ (λ = 1: PPI; λ = 0: the classical mean of Y), or at
 * the power-tuned λ when `lambda` is omitted (PPI++).
 */
export function ppiMean(y: ArrayLike<number>, yhat: ArrayLike<number>, yhatU: ArrayLike<number>, opts: { alpha: number; lambda?: number }): PpiEstimate {
  checkPpiInputs(y, yhat, yhatU);
  const lam = opts.lambda ?? ppiLambda(y, yhat, yhatU);
  const n = y.length;
  const N = yhatU.length;
  const rect = new Float64Array(n);
  for (let i = 0; i < n; i++) rect[i] = y[i]! - lam * yhat[i]!;
  const imputed = lam * mean(yhatU);
  const value = imputed + mean(rect);
  const se = Math.sqrt((lam * lam * var0(yhatU)) / N + var0(rect) / n);
  return { ...normal(value, se, opts.alpha), lambda: lam };
}

export interface Stratum {
  y: ArrayLike<number>;
  yhat: ArrayLike<number>;
  yhatU: ArrayLike<number>;
  /** The stratum's weight (share of the population); default: its share of all units, (n_k + N_k) / Σ. */
  weight?: number;
}

export interface StratifiedEstimate extends NormalEstimate {
  strata: (PpiEstimate & { weight: number })[];
}

/**
 * Stratified PPI++ (Fisch et al. 2024): per stratum the PPI++ estimate with its own power-tuned λ,
 * combined by stratum weight. Weights are normalised to sum to 1.
 */
export function stratifiedPpiMean(strata: readonly Stratum[], opts: { alpha: number }): StratifiedEstimate {
  if (strata.length < 1) throw new Error('stratifiedPpiMean: no strata');
  const raw = strata.map((s) => s.weight ?? s.y.length + s.yhatU.length);
  const total = raw.reduce((a, b) => a + b, 0);
  const per = strata.map((s, k) => ({ ...ppiMean(s.y, s.yhat, s.yhatU, { alpha: opts.alpha }), weight: raw[k]! / total }));
  let value = 0;
  let v = 0;
  for (const s of per) {
    value += s.weight * s.value;
    v += s.weight * s.weight * s.se * s.se;
  }
  return { ...normal(value, Math.sqrt(v), opts.alpha), strata: per };
}

export interface RoganGladenInput {
  /** Judge's positive rate on the n unlabelled (test) units. */
  p: number;
  n: number;
  /** Specificity Pr(judge negative | gold negative), estimated on m0 gold-negative units. */
  q0: number;
  m0: number;
  /** Sensitivity Pr(judge positive | gold positive), estimated on m1 gold-positive units. */
  q1: number;
  m1: number;
}

export interface RoganGladenEstimate {
  value: number;
  ci_low: number;
  ci_high: number;
  sensitivity: number;
  specificity: number;
}

const clip01 = (x: number): number => Math.min(1, Math.max(0, x));

/**
 * Rogan–Gladen: θ = (p + q0 − 1)/(q0 + q1 − 1), clipped to [0, 1], with the interval of Lee et al.
 * (2025): p, q0 and q1 replaced by adjusted estimates p̃ = (np + z²/2)/(n + z²), q̃_j =
 * (m_j q_j + 1)/(m_j + 2) with ñ = n + z², m̃_j = m_j + 2; θ̃ from them; a shift
 * dθ = 2z²(−(1−θ̃)q̃0(1−q̃0)/m̃0 + θ̃ q̃1(1−q̃1)/m̃1); se = √(p̃(1−p̃)/ñ + (1−θ̃)²q̃0(1−q̃0)/m̃0 +
 * θ̃²q̃1(1−q̃1)/m̃1)/(q̃0 + q̃1 − 1); interval clip(θ̃ + dθ ∓ z·se). Written from the authors'
 * `confidence_interval(p, q0, q1, n, m0, m1, alpha)` as quoted in three independent copies of
 * their `llm_judge_reporting/calibration.py` (see README). Returns null when the judge is no
 * better than chance (q0 + q1 ≤ 1), where the correction is undefined.
 */
export function roganGladen(x: RoganGladenInput, alpha: number): RoganGladenEstimate | null {
  const { p, n, q0, m0, q1, m1 } = x;
  if (!(n > 0 && m0 > 0 && m1 > 0)) throw new Error('roganGladen: n, m0 and m1 must be positive');
  if (!(q0 + q1 > 1)) return null;
  const z = zTwoSided(alpha);
  const z2 = z * z;
  const value = clip01((p + q0 - 1) / (q0 + q1 - 1));
  const pa = (n * p + z2 / 2) / (n + z2);
  const q0a = (m0 * q0 + 1) / (m0 + 2);
  const q1a = (m1 * q1 + 1) / (m1 + 2);
  const na = n + z2;
  const m0a = m0 + 2;
  const m1a = m1 + 2;
  const th = (pa + q0a - 1) / (q0a + q1a - 1);
  const dth = 2 * z2 * (-(1 - th) * q0a * (1 - q0a) / m0a + th * q1a * (1 - q1a) / m1a);
  const se = Math.sqrt(pa * (1 - pa) / na + (1 - th) ** 2 * q0a * (1 - q0a) / m0a + th ** 2 * q1a * (1 - q1a) / m1a) / (q0a + q1a - 1);
  return { value, ci_low: clip01(th + dth - z * se), ci_high: clip01(th + dth + z * se), sensitivity: q1, specificity: q0 };
}

export interface BinaryCounts extends RoganGladenInput {
  /** Gold-positive units the judge called positive (m1·q1) and gold-negative it called negative (m0·q0). */
  tp: number;
  tn: number;
}

/** Sensitivity, specificity and the judge's positive rate from binary verdicts (gold on labelled units). */
export function binaryCounts(gold: ArrayLike<boolean>, judgeL: ArrayLike<boolean>, judgeU: ArrayLike<boolean>): BinaryCounts {
  if (gold.length !== judgeL.length) throw new Error('binaryCounts: gold and judge lengths differ');
  let m1 = 0, tp = 0, m0 = 0, tn = 0, pos = 0;
  for (let i = 0; i < gold.length; i++) {
    if (gold[i]) {
      m1++;
      if (judgeL[i]) tp++;
    } else {
      m0++;
      if (!judgeL[i]) tn++;
    }
  }
  for (let i = 0; i < judgeU.length; i++) if (judgeU[i]) pos++;
  const n = judgeU.length;
  return { p: n ? pos / n : NaN, n, q0: m0 ? tn / m0 : NaN, m0, q1: m1 ? tp / m1 : NaN, m1, tp, tn };
}

/**
 * Percentile bootstrap of the clipped Rogan–Gladen point estimate, resampling the labelled units
 * and the unlabelled units independently (each resample: n_labelled draws, then n_unlabelled draws,
 * from one generator). Resamples where the judge is no better than chance are counted and skipped.
 * The alternative to Lee et al.'s interval for those who prefer one.
 */
export function roganGladenBootstrap(
  gold: ArrayLike<boolean>,
  judgeL: ArrayLike<boolean>,
  judgeU: ArrayLike<boolean>,
  opts: { alpha: number; resamples: number; seed: number },
): { ci_low: number | null; ci_high: number | null; resamples: number; undefined_resamples: number } {
  const rng = new Rng(opts.seed);
  const nl = gold.length;
  const nu = judgeU.length;
  const reps: number[] = [];
  let undef = 0;
  for (let b = 0; b < opts.resamples; b++) {
    let m1 = 0, tp = 0, m0 = 0, tn = 0, pos = 0;
    for (let i = 0; i < nl; i++) {
      const j = rng.int(nl);
      if (gold[j]) {
        m1++;
        if (judgeL[j]) tp++;
      } else {
        m0++;
        if (!judgeL[j]) tn++;
      }
    }
    for (let i = 0; i < nu; i++) if (judgeU[rng.int(nu)]) pos++;
    const q0 = m0 ? tn / m0 : NaN;
    const q1 = m1 ? tp / m1 : NaN;
    if (!(q0 + q1 > 1)) {
      undef++;
      continue;
    }
    reps.push(clip01((pos / nu + q0 - 1) / (q0 + q1 - 1)));
  }
  if (!reps.length) return { ci_low: null, ci_high: null, resamples: opts.resamples, undefined_resamples: undef };
  reps.sort((a, b) => a - b);
  return { ci_low: quantileLinear(reps, opts.alpha / 2), ci_high: quantileLinear(reps, 1 - opts.alpha / 2), resamples: opts.resamples, undefined_resamples: undef };
}

/** numpy's default (linear) quantile of sorted values. */
function quantileLinear(sorted: readonly number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export interface LabelPlan {
  /** Target full width (ci_high − ci_low) of the 1−α interval. */
  width: number;
  /** Human labels the classical mean needs: ⌈(2z·σ_Y / W)²⌉. */
  human_only: number;
  /**
   * Human labels PPI++ needs with N judge-only units held fixed, from the pilot's σ_Y², σ_Ŷ² and
   * cov(Y, Ŷ): the smallest n whose PPI++ variance at its best λ ∈ [0, 1],
   * (σ_Y² − 2λ·cov + λ²σ_Ŷ²(1 + n/N))/n, gives 2z·se ≤ W. Never more than `human_only` (λ = 0).
   */
  ppi_plus_plus: number;
  /** The pilot moments the plan rests on. */
  pilot: { n: number; N: number; var_y: number; var_yhat: number; cov: number };
}

/**
 * Sample-size planner for one mean: how many human labels reach an interval of full width W,
 * with humans alone and with PPI++ (population moments from the pilot, ddof = 0).
 */
export function planLabels(y: ArrayLike<number>, yhat: ArrayLike<number>, N: number, opts: { width: number; alpha: number }): LabelPlan {
  if (y.length !== yhat.length || y.length < 2) throw new Error('planLabels: the pilot needs at least 2 labelled units');
  if (!(opts.width > 0)) throw new Error('planLabels: width must be positive');
  const z = zTwoSided(opts.alpha);
  const vy = var0(y);
  const vf = var0(yhat);
  const my = mean(y);
  const mf = mean(yhat);
  let cov = 0;
  for (let i = 0; i < y.length; i++) cov += (y[i]! - my) * (yhat[i]! - mf);
  cov /= y.length;
  const need = (v: number): number => Math.max(1, Math.ceil(((2 * z) / opts.width) ** 2 * v));
  const humanOnly = need(vy);
  // Per-label variance of PPI++ at its optimal λ (λ clipped): σ_Y² − 2λ cov + λ²σ_Ŷ²(1 + n/N).
  const perLabel = (n: number): number => {
    const ratio = N > 0 ? n / N : Infinity;
    if (!Number.isFinite(ratio) || !(vf > 0)) return vy;
    const lam = Math.min(1, Math.max(0, cov / ((1 + ratio) * vf)));
    return vy - 2 * lam * cov + lam * lam * vf * (1 + ratio);
  };
  const ok = (n: number): boolean => (4 * z * z * perLabel(n)) / n <= opts.width * opts.width;
  // For each λ the variance falls with n, so their minimum does too: bisection finds the first n.
  let lo = 1;
  let hi = humanOnly;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (ok(mid)) hi = mid;
    else lo = mid + 1;
  }
  return { width: opts.width, human_only: humanOnly, ppi_plus_plus: lo, pilot: { n: y.length, N, var_y: vy, var_yhat: vf, cov } };
}
