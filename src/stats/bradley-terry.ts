/**
 * Bradley–Terry strengths from pairwise outcomes, with ties either as half-wins or through
 * Davidson's (1970) model, fitted by penalised maximum likelihood with Newton's method.
 *
 * Model. Model i has log-strength β_i. Without ties P(i beats j) = e^βi / (e^βi + e^βj).
 * - `ties: 'half'`: a tie counts as half a win for each side (fractional counts in the BT likelihood).
 * - `ties: 'davidson'`: P(i beats j) = π_i / D, P(tie) = ν·√(π_i π_j) / D, D = π_i + π_j + ν√(π_i π_j),
 *   with one tie parameter ν ≥ 0 shared by all pairs (Davidson 1970). With no ties in the data ν = 0
 *   (its boundary MLE) and the model is plain BT; when every outcome is a tie the strengths carry no
 *   information and are all 0, with `tie_parameter` null.
 *
 * Identifiability. The likelihood only depends on differences β_i − β_j, so the scale is fixed by
 * Σ β_i = 0 (geometric mean of the strengths π_i = e^βi is 1). `log_strength` always sums to 0
 * (within each connected part of the comparison graph, see below).
 *
 * Existence. The unpenalised MLE exists iff the directed "did not lose to" graph (edge i→j when i beat
 * or tied j at least once) is strongly connected (Ford 1957; Hunter 2004). It is not when a model
 * never lost (its strength would be +∞), never won, or when the comparison graph falls apart into
 * disconnected pieces (their relative scale is unidentified). Rule: with `ridge: 'auto'` (the
 * default) the fit is plain MLE when the graph is strongly connected, and otherwise adds a Gaussian
 * prior −(λ/2)·Σ β_i² with λ = AUTO_RIDGE (0.01, i.e. a N(0, 10²) prior on each log-strength), which
 * keeps every strength finite and centres each disconnected piece at 0. The fit reports
 * `regularized`, the `ridge` used and the number of strongly connected `components`, so a caller can
 * show that the numbers of such a fit rest on the prior. A number gives that λ always (0 = never).
 */

export type BtTies = 'half' | 'davidson';

/** Outcomes of one unordered pair of models (indices into the model list). */
export interface PairCounts {
  i: number;
  j: number;
  /** Times i won against j. Fractional counts are allowed (e.g. averaged verdicts). */
  wins_i: number;
  wins_j: number;
  ties: number;
}

export interface BtOptions {
  ties?: BtTies;
  /** Ridge λ, or 'auto' (0 when the MLE exists, AUTO_RIDGE otherwise). */
  ridge?: number | 'auto';
  maxIter?: number;
  /** Convergence: max |gradient| of the penalised log-likelihood. */
  tol?: number;
}

export interface BtFit {
  /** Log-strengths β (natural log), Σβ = 0. */
  log_strength: number[];
  /** Davidson's ν (null under 'half', or when every outcome is a tie). */
  tie_parameter: number | null;
  ties: BtTies;
  ridge: number;
  regularized: boolean;
  /** Number of strongly connected components of the "did not lose to" graph (1 = MLE exists). */
  components: number;
  log_likelihood: number;
  iterations: number;
  converged: boolean;
}

/** The ridge used when the unpenalised MLE does not exist (documented in the module comment). */
export const AUTO_RIDGE = 0.01;

/**
 * Number of strongly connected components of the graph with an edge i→j whenever i beat or tied j.
 * Models with no comparison at all are components of their own.
 */
export function winGraphComponents(n: number, pairs: readonly PairCounts[]): number {
  if (n === 0) return 0;
  // Reachability rows as bitsets (32 models a word): the closure is run on every bootstrap
  // resample of a study, and with 100 models boolean rows cost more than the fit itself.
  const words = (n + 31) >>> 5;
  const reach = new Uint32Array(n * words);
  const has = (i: number, j: number): boolean => (reach[i * words + (j >>> 5)]! & (1 << (j & 31))) !== 0;
  const set = (i: number, j: number): void => {
    reach[i * words + (j >>> 5)]! |= 1 << (j & 31);
  };
  for (let i = 0; i < n; i++) set(i, i);
  for (const p of pairs) {
    if (p.wins_i > 0 || p.ties > 0) set(p.i, p.j);
    if (p.wins_j > 0 || p.ties > 0) set(p.j, p.i);
  }
  // Warshall's transitive closure: row i takes in row k whenever i reaches k.
  for (let k = 0; k < n; k++) {
    const rk = k * words;
    for (let i = 0; i < n; i++) {
      if (!has(i, k)) continue;
      const ri = i * words;
      for (let w = 0; w < words; w++) reach[ri + w]! |= reach[rk + w]!;
    }
  }
  const comp = new Int32Array(n).fill(-1);
  let c = 0;
  for (let i = 0; i < n; i++) {
    if (comp[i] !== -1) continue;
    for (let j = i; j < n; j++) if (comp[j] === -1 && has(i, j) && has(j, i)) comp[j] = c;
    c += 1;
  }
  return c;
}

interface Totals {
  decisive: number;
  ties: number;
}

function totals(pairs: readonly PairCounts[]): Totals {
  let decisive = 0;
  let ties = 0;
  for (const p of pairs) {
    decisive += p.wins_i + p.wins_j;
    ties += p.ties;
  }
  return { decisive, ties };
}

interface Derivatives {
  g: Float64Array;
  H: Float64Array;
}
const EMPTY = new Float64Array(0);

/**
 * Penalised log-likelihood, gradient and Hessian at θ = (β_0..β_{n−1}[, log ν]). The objective is
 * ℓ(θ) − (λ/2)Σβ² − (1/2)(Σβ)²; the last term only removes the flat direction of ℓ (ℓ is invariant
 * to a common shift of β, so the optimum of the penalised objective has Σβ = 0 and the same ℓ).
 * The derivatives are written into `work` (zeroed first): one fit reuses the same buffers on
 * every Newton step instead of allocating a dim × dim Hessian each time.
 */
function evaluate(
  n: number,
  pairs: readonly PairCounts[],
  theta: Float64Array,
  withNu: boolean,
  ridge: number,
  work: Derivatives | null,
): { f: number; ll: number; g: Float64Array; H: Float64Array } {
  const dim = theta.length;
  const needDerivs = work !== null;
  // Gradient and Hessian (row-major dim × dim); empty without derivatives.
  const g = work ? work.g.fill(0) : EMPTY;
  const H = work ? work.H.fill(0) : EMPTY;
  const gamma = withNu ? theta[n]! : -Infinity;
  const nu = withNu ? Math.exp(gamma) : 0;
  let ll = 0;
  for (const p of pairs) {
    const bi = theta[p.i]!;
    const bj = theta[p.j]!;
    let wi = p.wins_i;
    let wj = p.wins_j;
    let t = p.ties;
    if (!withNu) {
      // half-wins (or Davidson with ν fixed at 0, where the data have no ties)
      wi += t / 2;
      wj += t / 2;
      t = 0;
    }
    const N = wi + wj + t;
    if (N === 0) continue;
    const m = Math.max(bi, bj);
    const a = Math.exp(bi - m);
    const b = Math.exp(bj - m);
    const s = withNu ? nu * Math.exp((bi + bj) / 2 - m) : 0;
    const D = a + b + s;
    const logD = m + Math.log(D);
    ll += wi * bi + wj * bj - N * logD;
    if (t > 0) ll += t * (gamma + (bi + bj) / 2);
    if (!needDerivs) continue;
    const pi = (a + s / 2) / D;
    const pj = (b + s / 2) / D;
    g[p.i]! += wi + t / 2 - N * pi;
    g[p.j]! += wj + t / 2 - N * pj;
    const hii = (a + s / 4) / D - pi * pi;
    const hjj = (b + s / 4) / D - pj * pj;
    const hij = s / 4 / D - pi * pj;
    H[p.i * dim + p.i]! -= N * hii;
    H[p.j * dim + p.j]! -= N * hjj;
    H[p.i * dim + p.j]! -= N * hij;
    H[p.j * dim + p.i]! -= N * hij;
    if (withNu) {
      const q = s / D;
      g[n]! += t - N * q;
      const hiq = s / 2 / D - pi * q;
      const hjq = s / 2 / D - pj * q;
      H[p.i * dim + n]! -= N * hiq;
      H[n * dim + p.i]! -= N * hiq;
      H[p.j * dim + n]! -= N * hjq;
      H[n * dim + p.j]! -= N * hjq;
      H[n * dim + n]! -= N * (q - q * q);
    }
  }
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    sum += theta[i]!;
    sq += theta[i]! * theta[i]!;
  }
  const f = ll - (ridge / 2) * sq - sum * sum / 2;
  if (needDerivs) {
    for (let i = 0; i < n; i++) {
      g[i]! -= ridge * theta[i]! + sum;
      H[i * dim + i]! -= ridge;
      for (let j = 0; j < n; j++) H[i * dim + j]! -= 1;
    }
  }
  return { f, ll, g, H };
}

/**
 * Solves (−H) x = b for a small dense system, H row-major n × n (Gaussian elimination with
 * partial pivoting) in the workspace M (n × n); H is left untouched. This runs on every Newton
 * step of every bootstrap resample: the row update is unrolled by four (each element is still
 * computed as M[r][j] − k·M[c][j], so the result does not depend on the unrolling).
 */
function solveNegated(H: Float64Array, b: Float64Array, M: Float64Array): Float64Array | null {
  const n = b.length;
  for (let k = 0; k < n * n; k++) M[k] = -H[k]!;
  const x = Float64Array.from(b);
  for (let c = 0; c < n; c++) {
    let piv = c;
    let best = Math.abs(M[c * n + c]!);
    for (let r = c + 1; r < n; r++) {
      const v = Math.abs(M[r * n + c]!);
      if (v > best) {
        best = v;
        piv = r;
      }
    }
    if (best < 1e-300) return null;
    if (piv !== c) {
      for (let j = 0; j < n; j++) {
        const t = M[c * n + j]!;
        M[c * n + j] = M[piv * n + j]!;
        M[piv * n + j] = t;
      }
      const t = x[c]!;
      x[c] = x[piv]!;
      x[piv] = t;
    }
    const oc = c * n;
    const pivot = M[oc + c]!;
    const xc = x[c]!;
    for (let r = c + 1; r < n; r++) {
      const or = r * n;
      const k = M[or + c]! / pivot;
      if (k === 0) continue;
      let j = c;
      for (; j + 3 < n; j += 4) {
        const a0 = M[or + j]! - k * M[oc + j]!;
        const a1 = M[or + j + 1]! - k * M[oc + j + 1]!;
        const a2 = M[or + j + 2]! - k * M[oc + j + 2]!;
        const a3 = M[or + j + 3]! - k * M[oc + j + 3]!;
        M[or + j] = a0;
        M[or + j + 1] = a1;
        M[or + j + 2] = a2;
        M[or + j + 3] = a3;
      }
      for (; j < n; j++) M[or + j] = M[or + j]! - k * M[oc + j]!;
      x[r] = x[r]! - k * xc;
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    const or = r * n;
    let s = x[r]!;
    for (let j = r + 1; j < n; j++) s -= M[or + j]! * x[j]!;
    x[r] = s / M[or + r]!;
  }
  return x;
}

/**
 * Fits Bradley–Terry (or Davidson) strengths for `n` models from pair counts. See the module
 * comment for the model, the Σβ = 0 convention and the rule for data where the MLE does not exist.
 */
export function bradleyTerry(n: number, pairs: readonly PairCounts[], opts: BtOptions = {}): BtFit {
  const ties = opts.ties ?? 'half';
  const maxIter = opts.maxIter ?? 200;
  const tol = opts.tol ?? 1e-10;
  for (const p of pairs) {
    if (!(p.i >= 0 && p.i < n && p.j >= 0 && p.j < n) || p.i === p.j) throw new Error(`bradleyTerry: bad pair (${p.i}, ${p.j}) for ${n} models`);
    if (!(p.wins_i >= 0 && p.wins_j >= 0 && p.ties >= 0)) throw new Error('bradleyTerry: negative count');
  }
  const components = winGraphComponents(n, pairs);
  const ridge = opts.ridge === undefined || opts.ridge === 'auto' ? (components > 1 ? AUTO_RIDGE : 0) : opts.ridge;
  const tot = totals(pairs);
  const base = { ties, ridge, regularized: ridge > 0, components };
  if (n === 0) return { ...base, log_strength: [], tie_parameter: ties === 'davidson' ? null : null, log_likelihood: 0, iterations: 0, converged: true };
  if (ties === 'davidson' && tot.ties > 0 && tot.decisive === 0) {
    // Every outcome is a tie: ν → ∞ and the strengths are not informed by the data.
    return { ...base, log_strength: new Array<number>(n).fill(0), tie_parameter: null, log_likelihood: 0, iterations: 0, converged: true };
  }
  const withNu = ties === 'davidson' && tot.ties > 0;
  const theta = new Float64Array(withNu ? n + 1 : n);
  if (withNu) {
    // Start ν at its value for equal strengths: P(tie) = ν/(2+ν) = share of ties.
    const share = tot.ties / (tot.ties + tot.decisive);
    theta[n] = Math.log((2 * share) / (1 - share));
  }
  const dim = theta.length;
  const work: Derivatives = { g: new Float64Array(dim), H: new Float64Array(dim * dim) };
  const elimination = new Float64Array(dim * dim);
  let cur = evaluate(n, pairs, theta, withNu, ridge, work);
  let converged = false;
  let iterations = 0;
  for (; iterations < maxIter; iterations++) {
    let gmax = 0;
    for (const v of cur.g) gmax = Math.max(gmax, Math.abs(v));
    if (gmax < tol) {
      converged = true;
      break;
    }
    // Newton direction: −H d = g (−H is positive definite wherever the objective is strictly concave).
    let step = solveNegated(cur.H, cur.g, elimination);
    if (!step || step.some((v) => !Number.isFinite(v))) step = Float64Array.from(cur.g); // gradient ascent fallback
    // Backtracking line search. A trial is evaluated with its derivatives (the step no longer
    // needs the old ones): the first trial is nearly always accepted, and its evaluation is then
    // the next iterate's, the same numbers a second evaluation at the accepted point would give.
    let t = 1;
    let accepted = false;
    const fCur = cur.f;
    for (let k = 0; k < 60; k++) {
      const trial = new Float64Array(theta.length);
      for (let i = 0; i < trial.length; i++) trial[i] = theta[i]! + t * step[i]!;
      const next = evaluate(n, pairs, trial, withNu, ridge, work);
      if (Number.isFinite(next.f) && next.f >= fCur - 1e-12 * Math.abs(fCur)) {
        theta.set(trial);
        cur = next;
        accepted = true;
        break;
      }
      t /= 2;
    }
    if (!accepted) break;
  }
  // Centre exactly (the penalty already puts the optimum at Σβ = 0; this removes rounding).
  let mean = 0;
  for (let i = 0; i < n; i++) mean += theta[i]!;
  mean /= n;
  const log_strength = Array.from(theta.subarray(0, n), (v) => v - mean);
  const final = evaluate(n, pairs, Float64Array.from(theta, (v, i) => (i < n ? v - mean : v)), withNu, ridge, null);
  return {
    ...base,
    log_strength,
    tie_parameter: ties === 'davidson' ? (withNu ? Math.exp(theta[n]!) : 0) : null,
    log_likelihood: final.ll,
    iterations,
    converged,
  };
}

/** P(i beats j), P(j beats i), P(tie) under a fit (Davidson when the fit has a tie parameter > 0). */
export function btProbabilities(fit: BtFit, i: number, j: number): { win: number; loss: number; tie: number } {
  const bi = fit.log_strength[i]!;
  const bj = fit.log_strength[j]!;
  const m = Math.max(bi, bj);
  const a = Math.exp(bi - m);
  const b = Math.exp(bj - m);
  const s = fit.ties === 'davidson' && fit.tie_parameter ? fit.tie_parameter * Math.exp((bi + bj) / 2 - m) : 0;
  const D = a + b + s;
  return { win: a / D, loss: b / D, tie: s / D };
}
