/**
 * Coverage and width of judge-corrected intervals on simulations with known truth (issue 12).
 * Not a speed benchmark: it checks that 95% intervals cover the truth 95% of the time.
 *
 *   node bin/run-ts.js bench/ppi-coverage.ts [reps=2000]
 *
 * Scores: Y ~ N(60, 15²) per unit; the judge Ŷ = 0.8·Y + 17 + N(0, 8²) (biased: its mean is 65);
 * n = 100 labelled and N = 1000 unlabelled units, fresh each repetition; truth E[Y] = 60.
 * Stratified: three strata (weights ⅓) with means 50, 60, 70 and the judge's bias 0, +5, +10; in
 * each stratum 34 labelled and 333 unlabelled units; truth 60.
 * Binary (Rogan–Gladen): Z ~ Bernoulli(0.7), the judge's sensitivity 0.9 and specificity 0.8;
 * n = 200 labelled and N = 1000 unlabelled; truth 0.7. Near the boundary: Z ~ Bernoulli(0.9), a
 * lenient judge (sensitivity 0.95, specificity 0.7), n = 100 labelled (about 10 gold negatives).
 * Ranking: three models with true means 66 > 60 > 50, a judge +8 on the second only (and fair on
 * the others, noise as above); share of repetitions where each ranking equals the true one.
 */
import { Rng } from '../src/stats/random.ts';
import { binaryCounts, classicalMean, ppiMean, roganGladen, stratifiedPpiMean } from '../src/stats/ppi.ts';

function normals(rng: Rng): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = rng.next();
    const v = rng.next();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

export interface CoverageRow {
  method: string;
  coverage: number;
  mean_width: number;
  reps: number;
}

interface Acc {
  hit: number;
  width: number;
  n: number;
}
const acc = (): Acc => ({ hit: 0, width: 0, n: 0 });
function add(a: Acc, e: { ci_low: number; ci_high: number } | null, truth: number): void {
  if (!e) return;
  a.n++;
  a.width += e.ci_high - e.ci_low;
  if (e.ci_low <= truth && truth <= e.ci_high) a.hit++;
}

/** Coverage and mean width over `reps` seeded repetitions of each design above. */
export function simulateCoverage(reps: number, seed = 20260112): CoverageRow[] {
  const rng = new Rng(seed);
  const z = normals(rng);
  const a: Record<string, Acc> = {
    'scores: humans only': acc(),
    'scores: judge naive': acc(),
    'scores: PPI': acc(),
    'scores: PPI++': acc(),
    'strata: humans only': acc(),
    'strata: PPI++ (pooled)': acc(),
    'strata: stratified PPI': acc(),
    'binary: humans only': acc(),
    'binary: judge naive': acc(),
    'binary: Rogan–Gladen': acc(),
    'binary: PPI++': acc(),
    'binary near 1: humans only': acc(),
    'binary near 1: Rogan–Gladen': acc(),
    'binary near 1: PPI++': acc(),
  };
  for (let r = 0; r < reps; r++) {
    // scores
    const judge = (y: number) => 0.8 * y + 17 + 8 * z();
    const y = Array.from({ length: 100 }, () => 60 + 15 * z());
    const f = y.map(judge);
    const fu = Array.from({ length: 1000 }, () => judge(60 + 15 * z()));
    add(a['scores: humans only']!, classicalMean(y, 0.05), 60);
    add(a['scores: judge naive']!, classicalMean([...f, ...fu], 0.05), 60);
    add(a['scores: PPI']!, ppiMean(y, f, fu, { alpha: 0.05, lambda: 1 }), 60);
    add(a['scores: PPI++']!, ppiMean(y, f, fu, { alpha: 0.05 }), 60);
    // strata
    const strata = [0, 1, 2].map((k) => {
      const mu = 50 + 10 * k;
      const j = (v: number) => v + 5 * k + 6 * z();
      const ys = Array.from({ length: 34 }, () => mu + 10 * z());
      return { y: ys, yhat: ys.map(j), yhatU: Array.from({ length: 333 }, () => j(mu + 10 * z())) };
    });
    const ally = strata.flatMap((s) => s.y);
    add(a['strata: humans only']!, classicalMean(ally, 0.05), 60);
    add(a['strata: PPI++ (pooled)']!, ppiMean(ally, strata.flatMap((s) => s.yhat), strata.flatMap((s) => s.yhatU), { alpha: 0.05 }), 60);
    add(a['strata: stratified PPI']!, stratifiedPpiMean(strata, { alpha: 0.05 }), 60);
    // binary
    const verdict = (t: boolean) => (t ? rng.next() < 0.9 : rng.next() >= 0.8);
    const gold = Array.from({ length: 200 }, () => rng.next() < 0.7);
    const jl = gold.map(verdict);
    const ju = Array.from({ length: 1000 }, () => verdict(rng.next() < 0.7));
    const num = (b: boolean[]) => b.map((x) => (x ? 1 : 0));
    add(a['binary: humans only']!, classicalMean(num(gold), 0.05), 0.7);
    add(a['binary: judge naive']!, classicalMean(num([...jl, ...ju]), 0.05), 0.7);
    add(a['binary: Rogan–Gladen']!, roganGladen(binaryCounts(gold, jl, ju), 0.05), 0.7);
    add(a['binary: PPI++']!, ppiMean(num(gold), num(jl), num(ju), { alpha: 0.05 }), 0.7);
    // binary near the boundary: few gold negatives, a lenient judge
    const verdict2 = (t: boolean) => (t ? rng.next() < 0.95 : rng.next() >= 0.7);
    const gold2 = Array.from({ length: 100 }, () => rng.next() < 0.9);
    const jl2 = gold2.map(verdict2);
    const ju2 = Array.from({ length: 1000 }, () => verdict2(rng.next() < 0.9));
    add(a['binary near 1: humans only']!, classicalMean(num(gold2), 0.05), 0.9);
    const c2 = binaryCounts(gold2, jl2, ju2);
    if (c2.m0 && c2.m1) add(a['binary near 1: Rogan–Gladen']!, roganGladen(c2, 0.05), 0.9);
    add(a['binary near 1: PPI++']!, ppiMean(num(gold2), num(jl2), num(ju2), { alpha: 0.05 }), 0.9);
  }
  return Object.entries(a).map(([method, x]) => ({ method, coverage: x.hit / x.n, mean_width: x.width / x.n, reps: x.n }));
}

/** Share of repetitions where the naive, humans-only and PPI++ rankings of three models equal the true one. */
export function simulateRanking(reps: number, seed = 20260113): Record<string, number> {
  const rng = new Rng(seed);
  const z = normals(rng);
  const truth = { fair: 66, gen: 60, low: 50 };
  const bias = { fair: 0, gen: 8, low: 0 };
  const right = { judge_naive: 0, human_only: 0, ppi_plus_plus: 0 };
  for (let r = 0; r < reps; r++) {
    const est: Record<keyof typeof right, Record<string, number>> = { judge_naive: {}, human_only: {}, ppi_plus_plus: {} };
    for (const m of Object.keys(truth) as (keyof typeof truth)[]) {
      const j = (v: number) => v + bias[m] + 5 * z();
      const y = Array.from({ length: 100 }, () => truth[m] + 15 * z());
      const f = y.map(j);
      const fu = Array.from({ length: 1000 }, () => j(truth[m] + 15 * z()));
      est.judge_naive[m] = classicalMean([...f, ...fu], 0.05).value;
      est.human_only[m] = classicalMean(y, 0.05).value;
      est.ppi_plus_plus[m] = ppiMean(y, f, fu, { alpha: 0.05 }).value;
    }
    for (const k of Object.keys(right) as (keyof typeof right)[]) {
      const order = Object.keys(truth).sort((p, q) => est[k][q]! - est[k][p]!);
      if (order.join() === 'fair,gen,low') right[k]++;
    }
  }
  return Object.fromEntries(Object.entries(right).map(([k, v]) => [k, v / reps]));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const reps = Number(process.argv[2] ?? 2000);
  const rows = simulateCoverage(reps);
  const base: Record<string, number> = {};
  for (const r of rows) if (r.method.endsWith('humans only')) base[r.method.split(':')[0]!] = r.mean_width;
  console.log(`| design: method | coverage of 95% CI (${reps} reps) | mean width | width / humans only |`);
  console.log('|---|---:|---:|---:|');
  for (const r of rows) {
    const b = base[r.method.split(':')[0]!]!;
    console.log(`| ${r.method} | ${(100 * r.coverage).toFixed(1)}% | ${r.mean_width.toFixed(3)} | ${(r.mean_width / b).toFixed(2)} |`);
  }
  const rank = simulateRanking(reps);
  console.log(`\nRanking equal to the true one (${reps} reps, judge +8 on one model): ` + Object.entries(rank).map(([k, v]) => `${k} ${(100 * v).toFixed(1)}%`).join(', '));
}
