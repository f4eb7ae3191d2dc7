/**
 * Distribution functions for the hypothesis tests: normal, Student t, beta and binomial
 * CDFs/PMFs, accurate in relative terms far into the tails (tested against scipy to 1e-12).
 *
 * Written by hand rather than pulled from npm: the @stdlib equivalents bring about 220 packages
 * (25 MB) for four functions. The methods are the classical careful ones:
 * - normal: W. J. Cody's rational Chebyshev approximations (Math. Comp. 1969; as in R's pnorm),
 *   which keep full relative precision in both tails;
 * - regularised incomplete beta: the continued fraction evaluated by the modified Lentz method
 *   (Numerical Recipes §6.4), on the side where it converges, with the prefactor
 *   x^a (1-x)^b / B(a,b) computed through Loader's saddle-point binomial density ("Fast and
 *   accurate computation of binomial probabilities", 2000, as in R's dbinom/dbeta) so that large
 *   a, b do not cancel catastrophically;
 * - Student t and binomial CDFs through the incomplete beta, as cephes (scipy) does.
 */

const LN_SQRT_2PI = 0.918938533204672741780329736406; // log(sqrt(2*pi))
const LN_2PI = 1.837877066409345483560659472811;
const SQRT_32 = 5.656854249492380195206754896838;
const ONE_OVER_SQRT_2PI = 0.398942280401432677939946059934;

// ---------------------------------------------------------------------------------------------
// Gamma function helpers

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/**
 * lgamma(x) - Stirling's approximation, for x >= 10: the asymptotic series to the x^-15 term,
 * whose truncation error is below 3e-17 there.
 */
function lgammacor(x: number): number {
  const r = 1 / x;
  const r2 = r * r;
  return (
    r *
    (1 / 12 -
      r2 *
        (1 / 360 -
          r2 * (1 / 1260 - r2 * (1 / 1680 - r2 * (1 / 1188 - r2 * (691 / 360360 - r2 * (1 / 156 - r2 * (3617 / 122400))))))))
  );
}

/** Natural log of |Gamma(x)|. */
export function lgamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x >= 10) return (x - 0.5) * Math.log(x) - x + LN_SQRT_2PI + lgammacor(x);
  if (x < 0.5) {
    const s = Math.sin(Math.PI * x);
    if (s === 0) return Infinity;
    return Math.log(Math.PI / Math.abs(s)) - lgamma(1 - x);
  }
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + LANCZOS_G + 0.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return LN_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** log B(a, b), split as in R's lbeta so that large arguments do not cancel. */
export function lbeta(a: number, b: number): number {
  const p = Math.min(a, b);
  const q = Math.max(a, b);
  if (p < 0 || Number.isNaN(p) || Number.isNaN(q)) return NaN;
  if (p === 0) return Infinity;
  if (!Number.isFinite(q)) return -Infinity;
  if (p >= 10) {
    const corr = lgammacor(p) + lgammacor(q) - lgammacor(p + q);
    return -0.5 * Math.log(q) + LN_SQRT_2PI + corr + (p - 0.5) * Math.log(p / (p + q)) + q * Math.log1p(-p / (p + q));
  }
  if (q >= 10) {
    const corr = lgammacor(q) - lgammacor(p + q);
    return lgamma(p) + corr + p - p * Math.log(p + q) + (q - 0.5) * Math.log1p(-p / (p + q));
  }
  return lgamma(p) + lgamma(q) - lgamma(p + q);
}

// stirlerr(n/2) for n = 0..30, computed with mpmath at 40 digits.
const SFERR_HALVES = [
  0.0, 0.15342640972002736, 0.08106146679532726, 0.05481412105191765, 0.0413406959554093, 0.03316287351993629,
  0.02767792568499834, 0.023746163656297496, 0.020790672103765093, 0.018488450532673187, 0.016644691189821193,
  0.015134973221917378, 0.013876128823070748, 0.012810465242920227, 0.01189670994589177, 0.011104559758206917,
  0.010411265261972096, 0.009799416126158804, 0.009255462182712733, 0.008768700134139386, 0.00833056343336287,
  0.00793411456431402, 0.007573675487951841, 0.007244554301320383, 0.00694284010720953, 0.006665247032707682,
  0.006408994188004207, 0.006171712263039458, 0.0059513701127588475, 0.0057462165130101155, 0.005554733551962801,
];

/** stirlerr(n) = log(n!) - log(sqrt(2 pi n) (n/e)^n), Loader's correction term. */
function stirlerr(n: number): number {
  if (n <= 15) {
    const nn = n + n;
    if (nn === Math.floor(nn)) return SFERR_HALVES[nn]!;
    return lgamma(n + 1) - (n + 0.5) * Math.log(n) + n - LN_SQRT_2PI;
  }
  return lgammacor(n);
}

/** Loader's deviance term bd0(x, np) = x log(x/np) + np - x, computed without cancellation. */
function bd0(x: number, np: number): number {
  if (Math.abs(x - np) < 0.1 * (x + np)) {
    let v = (x - np) / (x + np);
    let s = (x - np) * v;
    if (Math.abs(s) < Number.MIN_VALUE) return s;
    let ej = 2 * x * v;
    v = v * v;
    for (let j = 1; j < 1000; j++) {
      ej *= v;
      const s1 = s + ej / (2 * j + 1);
      if (s1 === s) return s1;
      s = s1;
    }
  }
  return x * Math.log(x / np) + np - x;
}

/** log of the binomial density at real x (0 <= x <= n), with q = 1 - p given separately. */
function logDbinomRaw(x: number, n: number, p: number, q: number): number {
  if (p === 0) return x === 0 ? 0 : -Infinity;
  if (q === 0) return x === n ? 0 : -Infinity;
  if (x === 0) {
    if (n === 0) return 0;
    return p < 0.1 ? -bd0(n, n * q) - n * p : n * Math.log(q);
  }
  if (x === n) return q < 0.1 ? -bd0(n, n * p) - n * q : n * Math.log(p);
  if (x < 0 || x > n) return -Infinity;
  const lc = stirlerr(n) - stirlerr(x) - stirlerr(n - x) - bd0(x, n * p) - bd0(n - x, n * q);
  const lf = LN_2PI + Math.log(x) + Math.log1p(-x / n);
  return lc - 0.5 * lf;
}

// ---------------------------------------------------------------------------------------------
// Normal distribution (Cody 1969)

const CODY_A = [2.2352520354606839287, 161.02823106855587881, 1067.6894854603709582, 18154.981253343561249, 0.065682337918207449113];
const CODY_B = [47.20258190468824187, 976.09855173777669322, 10260.932208618978205, 45507.789335026729956];
const CODY_C = [
  0.39894151208813466764, 8.8831497943883759412, 93.506656132177855979, 597.27027639480026226, 2494.5375852903726711,
  6848.1904505362823326, 11602.651437647350124, 9842.7148383839780218, 1.0765576773720192317e-8,
];
const CODY_D = [
  22.266688044328115691, 235.38790178262499861, 1519.377599407554805, 6485.558298266760755, 18615.571640885098091,
  34900.952721145977266, 38912.003286093271411, 19685.429676859990727,
];
const CODY_P = [0.21589853405795699, 0.1274011611602473639, 0.022235277870649807, 0.001421619193227893466, 2.9112874951168792e-5, 0.02307344176494017303];
const CODY_Q = [1.28426009614491121, 0.468238212480865118, 0.0659881378689285515, 0.00378239633202758244, 7.29751555083966205e-5];

/** Lower and upper tail of the standard normal at x, each with full relative precision. */
function normalTails(x: number): [number, number] {
  if (Number.isNaN(x)) return [NaN, NaN];
  if (x === Infinity) return [1, 0];
  if (x === -Infinity) return [0, 1];
  const y = Math.abs(x);
  if (y <= 0.67448975) {
    const xsq = y > 1.1102230246251565e-16 ? x * x : 0;
    let xnum = CODY_A[4]! * xsq;
    let xden = xsq;
    for (let i = 0; i < 3; i++) {
      xnum = (xnum + CODY_A[i]!) * xsq;
      xden = (xden + CODY_B[i]!) * xsq;
    }
    const temp = (x * (xnum + CODY_A[3]!)) / (xden + CODY_B[3]!);
    return [0.5 + temp, 0.5 - temp];
  }
  let small: number; // the tail beyond |x|
  if (y <= SQRT_32) {
    let xnum = CODY_C[8]! * y;
    let xden = y;
    for (let i = 0; i < 7; i++) {
      xnum = (xnum + CODY_C[i]!) * y;
      xden = (xden + CODY_D[i]!) * y;
    }
    const temp = (xnum + CODY_C[7]!) / (xden + CODY_D[7]!);
    small = gaussFactor(y) * temp;
  } else {
    if (y > 38.5) small = 0;
    else {
      const xsq = 1 / (x * x);
      let xnum = CODY_P[5]! * xsq;
      let xden = xsq;
      for (let i = 0; i < 4; i++) {
        xnum = (xnum + CODY_P[i]!) * xsq;
        xden = (xden + CODY_Q[i]!) * xsq;
      }
      let temp = (xsq * (xnum + CODY_P[4]!)) / (xden + CODY_Q[4]!);
      temp = (ONE_OVER_SQRT_2PI - temp) / y;
      small = gaussFactor(y) * temp;
    }
  }
  return x > 0 ? [1 - small, small] : [small, 1 - small];
}

/** exp(-y^2/2), split so that the rounding of y^2 does not cost relative precision. */
function gaussFactor(y: number): number {
  const ysq = Math.trunc(y * 16) / 16;
  const del = (y - ysq) * (y + ysq);
  return Math.exp(-ysq * ysq * 0.5) * Math.exp(-del * 0.5);
}

/** Standard normal CDF, P(Z <= x). */
export function normalCdf(x: number): number {
  return normalTails(x)[0];
}

/** Standard normal survival function, P(Z > x), accurate for large x. */
export function normalSf(x: number): number {
  return normalTails(x)[1];
}

/** Chi-squared survival function with one degree of freedom: P(Z^2 > x) = 2 P(Z > sqrt x). */
export function chi2Sf1(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x <= 0) return 1;
  return 2 * normalSf(Math.sqrt(x));
}

// ---------------------------------------------------------------------------------------------
// Regularised incomplete beta

const CF_EPS = 1e-16;
const CF_TINY = 1e-300;
const CF_MAXIT = 100_000;

/** Continued fraction for I_x(a,b) (NR 6.4), by the modified Lentz method. */
function betacf(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < CF_TINY) d = CF_TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= CF_MAXIT; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < CF_TINY) d = CF_TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < CF_TINY) c = CF_TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < CF_TINY) d = CF_TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < CF_TINY) c = CF_TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) <= CF_EPS) return h;
  }
  throw new Error(`incomplete beta: continued fraction did not converge (x=${x}, a=${a}, b=${b})`);
}

/** log(x^a y^b / B(a,b)) with y = 1 - x. */
function logBetaFront(x: number, y: number, a: number, b: number): number {
  // log x for x near 1 loses digits that a large exponent multiplies: take it from log1p(-y)
  const lx = x > 0.5 ? Math.log1p(-y) : Math.log(x);
  const ly = y > 0.5 ? Math.log1p(-x) : Math.log(y);
  if (a <= 2 || b <= 2) return a * lx + b * ly - lbeta(a, b);
  // x^(a-1) y^(b-1) / B(a,b) = (a+b-1) * dbinom(a-1; a+b-2, x)
  return lx + ly + Math.log(a + b - 1) + logDbinomRaw(a - 1, a + b - 2, x, y);
}

/**
 * Both tails of the regularised incomplete beta: [I_x(a,b), 1 - I_x(a,b)], each with relative
 * precision. `y` must be 1 - x, passed separately so that callers can form it without
 * cancellation (e.g. t^2/(df+t^2) for the t distribution).
 */
export function betaIncTails(x: number, y: number, a: number, b: number): [number, number] {
  if (Number.isNaN(x) || Number.isNaN(a) || Number.isNaN(b)) return [NaN, NaN];
  if (x <= 0) return [0, 1];
  if (y <= 0) return [1, 0];
  const front = Math.exp(logBetaFront(x, y, a, b));
  if (x < (a + 1) / (a + b + 2)) {
    const lower = (front * betacf(x, a, b)) / a;
    return [lower, 1 - lower];
  }
  const upper = (front * betacf(y, b, a)) / b;
  return [1 - upper, upper];
}

/** Regularised incomplete beta I_x(a, b). */
export function betaInc(x: number, a: number, b: number): number {
  return betaIncTails(x, 1 - x, a, b)[0];
}

// ---------------------------------------------------------------------------------------------
// Student t

/** P(T <= t) for Student's t with df degrees of freedom (scipy.special.stdtr). */
export function tCdf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (t === 0) return 0.5;
  const lowerTail = tTailBeyond(Math.abs(t), df);
  return t < 0 ? lowerTail : 1 - lowerTail;
}

/** P(T > t). */
export function tSf(t: number, df: number): number {
  return tCdf(-t, df);
}

/** P(T > s) for s >= 0: half of I_{df/(df+s^2)}(df/2, 1/2). */
function tTailBeyond(s: number, df: number): number {
  if (s === Infinity) return 0;
  if (df === Infinity) return normalSf(s);
  const s2 = s * s;
  if (!Number.isFinite(s2)) return 0;
  const den = df + s2;
  return 0.5 * betaIncTails(df / den, s2 / den, df / 2, 0.5)[0];
}

// ---------------------------------------------------------------------------------------------
// Binomial

function checkBinom(n: number, p: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`binomial: n must be a non-negative integer, got ${n}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`binomial: p must be in [0, 1], got ${p}`);
}

/** P(X = k) for X ~ Binomial(n, p). */
export function binomPmf(k: number, n: number, p: number): number {
  checkBinom(n, p);
  if (!Number.isInteger(k) || k < 0 || k > n) return 0;
  return Math.exp(logDbinomRaw(k, n, p, 1 - p));
}

/** [P(X <= k), P(X > k)] for X ~ Binomial(n, p), each with relative precision. */
export function binomTails(k: number, n: number, p: number): [number, number] {
  checkBinom(n, p);
  const kk = Math.floor(k);
  if (kk < 0) return [0, 1];
  if (kk >= n) return [1, 0];
  if (p === 0) return [1, 0];
  if (p === 1) return [0, 1];
  // P(X <= k) = I_{1-p}(n-k, k+1) = 1 - I_p(k+1, n-k)
  const [lowerP, upperP] = betaIncTails(p, 1 - p, kk + 1, n - kk);
  return [upperP, lowerP];
}

/** P(X <= k). */
export function binomCdf(k: number, n: number, p: number): number {
  return binomTails(k, n, p)[0];
}

/** P(X > k). */
export function binomSf(k: number, n: number, p: number): number {
  return binomTails(k, n, p)[1];
}

// ---------------------------------------------------------------------------------------------
// Wilcoxon signed-rank null distribution

/**
 * Number of sign assignments giving each value of the positive rank sum, for integer rank weights
 * (pass doubled ranks when ranks can be half-integers): counts[s] = #{subsets with sum s}.
 * Exact in double precision up to 53 weights (counts <= 2^n).
 */
export function signedRankCounts(weights: ArrayLike<number>): Float64Array {
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i]!;
  const counts = new Float64Array(total + 1);
  counts[0] = 1;
  let reach = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    reach += w;
    for (let s = reach; s >= w; s--) counts[s] += counts[s - w];
  }
  return counts;
}
