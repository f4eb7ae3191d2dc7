/**
 * Simple linear regression (ordinary least squares, one predictor with an intercept), with the
 * classical standard errors, two-sided t confidence interval and p-value of the slope, and R²
 * (statsmodels `OLS(y, add_constant(x)).fit()` conventions: residual variance on n − 2 degrees of freedom).
 */
import { tCdf } from './distributions.ts';

export interface SimpleOls {
  n: number;
  slope: number;
  intercept: number;
  /** Standard error of the slope. */
  slope_se: number;
  ci_low: number;
  ci_high: number;
  /** Two-sided p-value of slope = 0. */
  p_value: number;
  r2: number;
}

/** The q-quantile of Student's t with df degrees of freedom (bisection on tCdf; as accurate as tCdf, about 1e-8). */
export function tQuantile(q: number, df: number): number {
  if (!(q > 0 && q < 1) || !(df > 0)) return NaN;
  if (q === 0.5) return 0;
  let lo = -1;
  let hi = 1;
  while (tCdf(lo, df) > q) lo *= 2;
  while (tCdf(hi, df) < q) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, Math.abs(lo)); i++) {
    const mid = (lo + hi) / 2;
    if (tCdf(mid, df) < q) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * OLS of y on x over the pairs where both are finite. Null when it is undefined: fewer than 3
 * pairs (no residual degree of freedom) or x constant. R² is null-free: with y constant it is 0
 * and the slope 0 (the fit is exact; the interval collapses to [0, 0]).
 */
export function simpleOls(x: ArrayLike<number>, y: ArrayLike<number>, level = 0.95): SimpleOls | null {
  if (x.length !== y.length) throw new RangeError(`x and y differ in length: ${x.length} and ${y.length}`);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (Number.isFinite(x[i]!) && Number.isFinite(y[i]!)) {
      xs.push(x[i]!);
      ys.push(y[i]!);
    }
  }
  const n = xs.length;
  if (n < 3) return null;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) ((mx += xs[i]!), (my += ys[i]!));
  mx /= n;
  my /= n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let sse = 0;
  for (let i = 0; i < n; i++) {
    const e = ys[i]! - intercept - slope * xs[i]!;
    sse += e * e;
  }
  const df = n - 2;
  const se = Math.sqrt(sse / df / sxx);
  const tq = tQuantile(1 - (1 - level) / 2, df);
  const t = se > 0 ? slope / se : slope === 0 ? 0 : Infinity;
  const p = se > 0 ? 2 * tCdf(-Math.abs(t), df) : slope === 0 ? 1 : 0;
  return {
    n,
    slope,
    intercept,
    slope_se: se,
    ci_low: slope - tq * se,
    ci_high: slope + tq * se,
    p_value: Math.min(1, Math.max(0, p)),
    r2: syy > 0 ? 1 - sse / syy : 0,
  };
}
