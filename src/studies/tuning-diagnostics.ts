/**
 * Diagnostics of the tuning study, on all items (nothing is selected there): each candidate's
 * per-criterion agreement sorted from the lowest, the Spearman correlations between its criterion
 * scores (|ρ| ≥ threshold flagged), and, with a rubric, the model ranking under the rubric's
 * weights, equal weights and each leave-one-criterion-out weighting (Kendall τ-b between them and
 * against the humans' ranking).
 */
import type { Rubric } from '../schema/index.ts';
import { kendallTauB, spearman } from '../stats/correlation.ts';
import type { Level } from './validation.ts';
import { rankDescending } from './system-ranking.ts';
import { safe, type Table } from './tuning-table.ts';
import type { CandidateDiagnostics, CandidateStats, CriterionAgreement, CriterionCorrelations, TuningOptions, TuningStatistic, WeightingRanking, WeightsAnalysis } from './tuning.ts';

/** The criterion key of a dimension: its last `/`-separated part (`summarization/relevance` → `relevance`). */
export function criterionOf(dimension: string): string {
  const i = dimension.lastIndexOf('/');
  return i < 0 ? dimension : dimension.slice(i + 1);
}

export function pivot(t: Table, pred: Float64Array): { rows: Map<string, Float64Array>; models: Map<string, string> } {
  const rows = new Map<string, Float64Array>();
  const models = new Map<string, string>();
  for (let u = 0; u < pred.length; u++) {
    const d = t.unitDim[u]!;
    if (d < 0 || Number.isNaN(pred[u]!)) continue;
    const key = `${t.items[t.unitItem[u]!]}\u0000${t.unitModel[u] ?? ''}`;
    let r = rows.get(key);
    if (!r) {
      rows.set(key, (r = new Float64Array(t.dims.length).fill(NaN)));
      models.set(key, t.unitModel[u] ?? '');
    }
    r[d] = pred[u]!;
  }
  return { rows, models };
}

export function correlations(t: Table, pred: Float64Array, threshold: number): CriterionCorrelations | null {
  if (t.dims.length < 2) return null;
  const { rows } = pivot(t, pred);
  const cols = t.dims.map((_, d) => Float64Array.from([...rows.values()].map((r) => r[d]!)));
  const k = t.dims.length;
  const matrix: (number | null)[][] = Array.from({ length: k }, () => new Array<number | null>(k).fill(null));
  const n: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const flagged: CriterionCorrelations['flagged'] = [];
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      let m = 0;
      for (let i = 0; i < cols[a]!.length; i++) if (!Number.isNaN(cols[a]![i]!) && !Number.isNaN(cols[b]![i]!)) m++;
      const rho = a === b ? (m >= 2 ? safe(() => spearman(cols[a]!, cols[b]!)) : null) : safe(() => spearman(cols[a]!, cols[b]!));
      matrix[a]![b] = matrix[b]![a] = rho;
      n[a]![b] = n[b]![a] = m;
      if (a !== b && rho !== null && Math.abs(rho) >= threshold) flagged.push({ a: t.dims[a]!, b: t.dims[b]!, rho, n: m });
    }
  }
  return { dimensions: t.dims, matrix, n, threshold, flagged };
}

export function weightsAnalysis(t: Table, pred: Float64Array, rubric: Rubric, notes: string[]): WeightsAnalysis | null {
  if (rubric.aggregation.method !== 'weighted_mean') {
    notes.push(`the rubric aggregates criteria separately: there is no weighted total to re-weight`);
    return null;
  }
  const byKey = new Map(rubric.criteria.map((c) => [c.key, c]));
  const crit = t.dims.map(criterionOf);
  const missing = crit.filter((c) => !byKey.has(c));
  if (missing.length) {
    notes.push(`weights: the rubric has no criterion ${missing.map((m) => `"${m}"`).join(', ')}: no weights analysis`);
    return null;
  }
  const absent = rubric.criteria.filter((c) => c.weight > 0 && !crit.includes(c.key)).map((c) => c.key);
  if (absent.length) notes.push(`weights: criteria of the rubric with no labels (${absent.join(', ')}) are left out of every total`);
  const norm = rubric.aggregation.normalise;
  const scales = crit.map((c) => {
    const cr = byKey.get(c)!;
    return cr.scale ?? rubric.scale;
  });
  const totalsFor = (rows: Map<string, Float64Array>, models: Map<string, string>, w: number[]) => {
    const sums = new Map<string, { s: number; n: number }>();
    const wsum = w.reduce((a, b) => a + b, 0);
    for (const [key, r] of rows) {
      if (r.some((v) => Number.isNaN(v))) continue;
      let num = 0;
      for (let d = 0; d < r.length; d++) num += w[d]! * ((r[d]! - scales[d]!.min) / (scales[d]!.max - scales[d]!.min));
      const total = norm.min + (num / wsum) * (norm.max - norm.min);
      const m = models.get(key)!;
      const e = sums.get(m) ?? { s: 0, n: 0 };
      e.s += total;
      e.n++;
      sums.set(m, e);
    }
    return sums;
  };
  const cand = pivot(t, pred);
  const models = [...new Set(cand.models.values())].sort();
  if (models.length < 2 || models.every((m) => m === '')) {
    notes.push('weights: fewer than two models: no ranking to compare');
    return null;
  }
  const rubricW = crit.map((c) => byKey.get(c)!.weight);
  const weightings: { name: string; w: number[] }[] = [{ name: 'rubric', w: rubricW }, { name: 'equal', w: crit.map(() => 1) }];
  if (crit.length > 1) {
    crit.forEach((c, d) => {
      const w = rubricW.map((x, i) => (i === d ? 0 : x));
      if (w.some((x) => x > 0)) weightings.push({ name: `without ${c}`, w });
    });
  }
  const rankOf = (sums: Map<string, { s: number; n: number }>) => {
    const totals: Record<string, number | null> = {};
    for (const m of models) totals[m] = sums.has(m) ? sums.get(m)!.s / sums.get(m)!.n : null;
    const rated = models.filter((m) => totals[m] !== null);
    const rk = rankDescending(rated.map((m) => totals[m]!));
    const ranks: Record<string, number | null> = Object.fromEntries(models.map((m) => [m, null]));
    rated.forEach((m, i) => (ranks[m] = rk[i]!));
    return { totals, ranks };
  };
  const tau = (a: Record<string, number | null>, b: Record<string, number | null>): number | null => {
    const ms = models.filter((m) => a[m] !== null && b[m] !== null);
    return safe(() => kendallTauB(ms.map((m) => a[m]!), ms.map((m) => b[m]!)));
  };
  // the humans' mean score of each unit, pivoted like a candidate
  const humanMean = new Float64Array(t.consensus.length).fill(NaN);
  for (let u = 0; u < humanMean.length; u++) {
    let s = 0;
    let m = 0;
    for (const h of t.humans) if (!Number.isNaN(h[u]!)) ((s += h[u]!), m++);
    if (m) humanMean[u] = s / m;
  }
  const hp = pivot(t, humanMean);
  const hSums = totalsFor(hp.rows, hp.models, rubricW);
  const humans = t.humans.length ? { ...rankOf(hSums), n_complete: Object.fromEntries(models.map((m) => [m, hSums.get(m)?.n ?? 0])) } : null;
  const base = rankOf(totalsFor(cand.rows, cand.models, rubricW));
  const nComplete = Object.fromEntries(models.map((m) => [m, totalsFor(cand.rows, cand.models, rubricW).get(m)?.n ?? 0]));
  const rankings: WeightingRanking[] = weightings.map(({ name, w }) => {
    const r = name === 'rubric' ? base : rankOf(totalsFor(cand.rows, cand.models, w));
    return {
      name,
      weights: Object.fromEntries(crit.map((c, i) => [c, w[i]!])),
      totals: r.totals,
      ranks: r.ranks,
      kendall_tau_b_vs_rubric: tau(r.totals, base.totals),
      kendall_tau_b_vs_humans: humans ? tau(r.totals, humans.totals) : null,
    };
  });
  return { models, criteria: crit, n_complete: nComplete, rankings, humans };
}

export function diagnostics(t: Table, opts: TuningOptions, level: Level, statistic: TuningStatistic, evaluation: CandidateStats[]): CandidateDiagnostics[] {
  return opts.candidates.map((c, i) => {
    const notes: string[] = [];
    const ev = evaluation[i]!;
    const criteria: CriterionAgreement[] = t.dims.map((d) => ({ dimension: d, n_units: ev.dimensions![d]!.n_units, stats: ev.dimensions![d]!.stats }));
    criteria.sort((a, b) => (a.stats[statistic]?.value ?? Infinity) - (b.stats[statistic]?.value ?? Infinity));
    if (t.dims.length === 0) notes.push('no dimension column: no per-criterion diagnostics');
    const weights = opts.rubric && t.dims.length ? weightsAnalysis(t, t.cand[i]!, opts.rubric, notes) : null;
    if (!opts.rubric) notes.push('no rubric given: no weights analysis');
    return { candidate: c, criteria, correlations: correlations(t, t.cand[i]!, opts.correlationThreshold ?? 0.8), weights, notes };
  });
}

