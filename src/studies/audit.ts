/**
 * The judge audit: everything a run measured about one judge, as a typed result (`audit.json`, one
 * entry per judge; report/card.ts renders each entry as a judge card). A study over ratings: the
 * pipeline step (pipeline/audit.ts) reads the run, turns judgments and preferences into Rating[]
 * (ratings/), groups them by judge, and calls `auditJudge` for each.
 *
 * Which judge. A judge is one fingerprint identity: kind, endpoint and model (`judgeKey`). Its
 * configurations are the distinct fingerprints under it (rubric, template, parameters, strategy). So
 * LLMBar's replayed "GPT-4" setups (endpoint `replay:llmbar`) and Sottana's replayed GPT-4 ratings
 * (endpoint `replay:verdicts-gpt-4.jsonl`) are two judges, never merged by a lower-cased name. A rater
 * known only by name (a column of a label or preference file, with no fingerprint) belongs to the one
 * fingerprinted judge of exactly that name in the run (e.g. Sottana's recorded GPT-4 ratings and their
 * replay, both `gpt-4`), else it is a judge of its own; names are never matched case-insensitively.
 *
 * Sections and their data:
 * - fingerprint: judge/pairwise stage results and replayed swap setups.
 * - agreement with humans (+ the human ceiling) and the alternative annotator test: copied from the
 *   agreement stages' results, unchanged.
 * - bias: answer order (swap rows, pairwise stages' swap statistics, and the share of decisive
 *   verdicts for the answer shown first in win-rate stages' preference files, A taken as shown
 *   first, item bootstrap); length (OLS of the judge's total score on the judged answer's length in
 *   characters, slope per 100 characters with its t interval and R²); self-preference (model
 *   families from studies/model-family.ts: the judge's mean total for same-family candidates minus
 *   other candidates, with an item-bootstrap interval; win ratios of same-family candidates under
 *   the judge and under the reference rater of a win-rate stage).
 * - score bias per model: the judge's mean minus the humans' on the labelled units, with the naive
 *   and PPI++-corrected scores, copied from corrected stages.
 * - failures by status, stability across repeated samples (Krippendorff's α (interval) with the k
 *   samples as raters, per criterion, and the mean spread max − min), cost per 1,000 judgments.
 */
import type { z } from 'zod';
import type { Estimate, JudgeFingerprint, Rating, RatingOk } from '../schema/index.ts';
import type * as R from '../schema/results/audit.ts';
import type { AgreementResult } from '../schema/results/agreement.ts';
import type { JudgeStageResult, PairwiseStageResult } from '../schema/results/judge.ts';
import type { TuningResult } from '../schema/results/tuning.ts';
import type { CorrectedResult } from '../schema/results/corrected.ts';
import type { SwapRow, WinrateStageResult } from '../schema/results/winrate.ts';
import { bootstrapItems } from '../stats/bootstrap.ts';
import { krippendorffAlpha } from '../stats/krippendorff.ts';
import { simpleOls } from '../stats/regression.ts';
import { OVERALL } from '../ratings/judgments.ts';
import { modelFamily } from './model-family.ts';
import { nameMap } from '../io/name-map.ts';

export type JudgeAudit = z.infer<typeof R.JudgeAudit>;
export type AuditResult = z.infer<typeof R.AuditResult>;
export type Section<T> = { measured: boolean; note: string | null; items: T[] };
export type CardConfiguration = z.infer<typeof R.CardConfiguration>;
export type AgreementEntry = z.infer<typeof R.AgreementEntry>;
export type AltTestEntry = z.infer<typeof R.AltTestEntry>;
export type OrderEntry = z.infer<typeof R.OrderEntry>;
export type LengthEntry = z.infer<typeof R.LengthEntry>;
export type SelfPreferenceEntry = z.infer<typeof R.SelfPreferenceEntry>;
export type FailureEntry = z.infer<typeof R.FailureEntry>;
export type ScoreBiasEntry = z.infer<typeof R.ScoreBiasEntry>;
export type StabilityEntry = z.infer<typeof R.StabilityEntry>;
export type CostEntry = z.infer<typeof R.CostEntry>;
export type TuningEntry = z.infer<typeof R.TuningEntry>;

/** The identity that groups a judge's evidence: its fingerprint's kind, endpoint and model. */
export const judgeKey = (fp: JudgeFingerprint): string => `fingerprint:${fp.kind}|${fp.endpoint}|${fp.model}`;
/** The identity of a rater known only by name. */
export const nameKey = (rater: string): string => `name:${rater}`;

type Json = Record<string, unknown>;

/** Everything the run holds about one judge, read and adapted by the pipeline step. */
export interface JudgeEvidence {
  judge: string;
  key: string;
  configurations: CardConfiguration[];
  judgeStages: {
    stage: string;
    result: z.infer<typeof JudgeStageResult>;
    /** The stage's judgments as ratings: criteria, the total (`overall`) and each sample. */
    ratings: Rating[];
    /** Characters of each judged answer, keyed `model \0 item_id`; null with the reason. */
    lengths: Map<string, number> | null;
    why_no_lengths: string;
  }[];
  pairwiseStages: { stage: string; result: z.infer<typeof PairwiseStageResult>; rater: string; ratings: Rating[]; reference: string | undefined }[];
  agreement: { stage: string; title: string; result: z.infer<typeof AgreementResult> }[];
  winrate: {
    stage: string;
    result: z.infer<typeof WinrateStageResult>;
    rater: string;
    reference: string | undefined;
    /** The preference file's verdicts as ratings (for the answer-order share), or why they are not available. */
    preferences: Rating[] | null;
    why_no_preferences: string | null;
    humans: string[];
  }[];
  swap: { stage: string; rows: z.infer<typeof SwapRow>[] }[];
  tuning: { stage: string; result: z.infer<typeof TuningResult>; candidate: string }[];
  corrected: { stage: string; result: z.infer<typeof CorrectedResult> }[];
}

const section = <T>(items: T[], missing: string, note: string | null = null): Section<T> =>
  items.length ? { measured: true, note, items } : { measured: false, note: `not measured in this run: ${missing}`, items: [] };

const est = (e: unknown): Estimate | null => (e && typeof e === 'object' && 'value' in (e as Json) ? (e as Estimate) : null);
const pick = (o: unknown, keys: string[]): Record<string, Estimate | null> =>
  Object.fromEntries(keys.filter((k) => o && typeof o === 'object' && k in (o as Json)).map((k) => [k, est((o as Json)[k])]));

// -------------------------------------------------------------------------------------------------
// the measures, each a function of ratings

/** OLS of the total score on the judged answer's length (per 100 characters); null when undefined. */
export function lengthBias(overall: readonly RatingOk[], lengths: ReadonlyMap<string, number>): Omit<LengthEntry, 'stage' | 'score_scale'> | null {
  const x: number[] = [];
  const y: number[] = [];
  for (const r of overall) {
    const c = lengths.get(`${r.model}\u0000${r.item_id}`);
    if (c === undefined) continue;
    x.push(c / 100);
    y.push(r.value as number);
  }
  const fit = simpleOls(x, y);
  if (!fit) return null;
  return {
    n: fit.n,
    mean_chars: (x.reduce((a, b) => a + b, 0) / x.length) * 100,
    slope_per_100_chars: { value: fit.slope, ci_low: fit.ci_low, ci_high: fit.ci_high },
    intercept: fit.intercept,
    r2: fit.r2,
    p_value: fit.p_value,
  };
}

/** Mean total of same-family minus other candidates, with an item-bootstrap interval. */
export function selfPreferenceGap(overall: readonly RatingOk[], same: ReadonlySet<string>, opts: { seed: number; resamples: number }): { same_mean: number | null; other_mean: number | null; difference: Estimate } {
  const byItem = new Map<string, { s: number; n: number; o: number; m: number }>();
  for (const r of overall) {
    const e = byItem.get(r.item_id) ?? { s: 0, n: 0, o: 0, m: 0 };
    const v = r.value as number;
    if (same.has(r.model!)) ((e.s += v), e.n++);
    else ((e.o += v), e.m++);
    byItem.set(r.item_id, e);
  }
  const list = [...byItem.values()];
  const gap = (idx: ArrayLike<number>) => {
    let s = 0, n = 0, o = 0, m = 0;
    for (let k = 0; k < idx.length; k++) {
      const e = list[idx[k]!]!;
      s += e.s; n += e.n; o += e.o; m += e.m;
    }
    return n && m ? s / n - o / m : NaN;
  };
  const sums = list.reduce((a, e) => ({ s: a.s + e.s, n: a.n + e.n, o: a.o + e.o, m: a.m + e.m }), { s: 0, n: 0, o: 0, m: 0 });
  return {
    same_mean: sums.n ? sums.s / sums.n : null,
    other_mean: sums.m ? sums.o / sums.m : null,
    difference: list.length ? bootstrapItems(list.length, (idx) => gap(idx), opts) : { value: null, ci_low: null, ci_high: null },
  };
}

/** Share of decisive ok verdicts of the given raters for answer A (taken as shown first), with an item-bootstrap interval. */
export function firstPositionShare(prefs: readonly Rating[], who: ReadonlySet<string>, opts: { seed: number; resamples: number }): { e: Estimate | null; n: number } {
  const items = new Map<string, { a: number; d: number }>();
  for (const p of prefs) {
    if (!who.has(p.rater) || p.status !== 'ok' || p.value === 'tie') continue;
    const e = items.get(p.item_id) ?? { a: 0, d: 0 };
    e.d++;
    if (p.value === 'A') e.a++;
    items.set(p.item_id, e);
  }
  const list = [...items.values()];
  if (!list.length) return { e: null, n: 0 };
  const r = bootstrapItems(
    list.length,
    (idx) => {
      let a = 0;
      let d = 0;
      for (const i of idx) ((a += list[i]!.a), (d += list[i]!.d));
      return d ? a / d : NaN;
    },
    opts,
  );
  return { e: r, n: list.length };
}

/**
 * Stability across k samples: per criterion, Krippendorff's α (interval) with the samples as raters
 * over the judgments that have more than one sample, and the mean spread (max − min).
 */
export function sampleStability(ratings: readonly Rating[]): Omit<StabilityEntry, 'stage'> | null {
  // (item, model) → criterion → sample values, in ledger order
  const units = new Map<string, Map<string, number[]>>();
  for (const r of ratings) {
    if (r.status !== 'ok' || r.sample === undefined || r.dimension === undefined) continue;
    const u = `${r.item_id}\u0000${r.model ?? ''}`;
    let m = units.get(u);
    if (!m) units.set(u, (m = new Map()));
    let vs = m.get(r.dimension);
    if (!vs) m.set(r.dimension, (vs = []));
    vs[r.sample] = r.value as number;
  }
  const sampled = [...units.values()].filter((m) => Math.max(...[...m.values()].map((v) => v.length)) > 1);
  if (!sampled.length) return null;
  const k = Math.max(...sampled.flatMap((m) => [...m.values()].map((v) => v.length)));
  const keys = [...new Set(sampled.flatMap((m) => [...m.keys()]))].sort();
  const alpha: Record<string, number | null> = nameMap();
  const spread: Record<string, number> = nameMap();
  for (const key of keys) {
    alpha[key] = krippendorffAlpha(sampled.map((m) => Array.from({ length: k }, (_, s) => m.get(key)?.[s] ?? null)), 'interval');
    const sp = sampled.map((m) => m.get(key)).filter((v): v is number[] => v !== undefined).map((v) => Math.max(...v) - Math.min(...v));
    spread[key] = sp.length ? sp.reduce((a, b) => a + b, 0) / sp.length : 0;
  }
  return { samples: k, n_judgments: sampled.length, alpha, mean_spread: spread };
}

/** Ratings of a judgment's total (dimension `overall`) that are ok. */
const overallOk = (ratings: readonly Rating[]): RatingOk[] => ratings.filter((r): r is RatingOk => r.status === 'ok' && r.dimension === OVERALL && r.sample === undefined);

/** Distinct (item, model) units of a stage's ratings: its judgments. */
const judgmentCount = (ratings: readonly Rating[]): number => new Set(ratings.map((r) => `${r.item_id}\u0000${r.model ?? ''}`)).size;

// -------------------------------------------------------------------------------------------------
// the audit of one judge

function agreementSection(ev: JudgeEvidence): { agreement: Section<AgreementEntry>; alt: Section<AltTestEntry> } {
  const entries: AgreementEntry[] = [];
  const alts: AltTestEntry[] = [];
  const altEntry = (stage: string, dimension: string | null, a: NonNullable<JudgeEvidence['agreement'][number]['result']['judge_validation']>['alt_test']): AltTestEntry => ({
    stage,
    dimension,
    epsilon: a.epsilon,
    metric: a.metric,
    winning_rate: a.winning_rate ?? null,
    passed: !!a.passed,
    advantage_probability: a.advantage_probability ?? null,
    n_items: a.n_items,
    n_humans_tested: a.n_humans_tested,
  });
  for (const { stage, title, result } of ev.agreement) {
    const jv = result.judge_validation!;
    const numeric = result.level !== 'nominal';
    const keys = numeric ? ['pearson', 'spearman', 'kendall_tau_b', 'mae'] : ['cohen_kappa', 'accuracy', 'macro_f1'];
    const dims: AgreementEntry['dimensions'] = {};
    for (const [d, core] of Object.entries(result.dimensions ?? {})) {
      const dj = core.judge_validation;
      if (!dj) continue;
      dims[d] = { vs_consensus: pick(dj.vs_consensus, keys), human_ceiling: pick(dj.ceiling?.mean_human_vs_rest, keys), judge_vs_rest: pick(dj.ceiling?.mean_judge_vs_rest, keys) };
      if (dj.alt_test) alts.push(altEntry(stage, d, dj.alt_test));
    }
    entries.push({
      stage,
      title,
      level: result.level,
      humans: jv.humans,
      n_judged: jv.n_judged,
      judge_failures: jv.judge_failures,
      consensus: jv.vs_consensus.consensus,
      vs_consensus: pick(jv.vs_consensus, keys),
      human_ceiling: pick(jv.ceiling?.mean_human_vs_rest, keys),
      judge_vs_rest: pick(jv.ceiling?.mean_judge_vs_rest, keys),
      dimensions: dims,
    });
    if (jv.alt_test) alts.push(altEntry(stage, null, jv.alt_test));
  }
  return {
    agreement: section(entries, 'no agreement stage validates this judge against human labels'),
    alt: section(alts, 'no agreement stage validates this judge against human labels'),
  };
}

function orderSection(ev: JudgeEvidence, boot: { seed: number; resamples: number }): Section<OrderEntry> {
  const out: OrderEntry[] = [];
  const notes: string[] = [];
  for (const { stage, rows } of ev.swap) {
    for (const row of rows) {
      out.push({ stage, source: 'swap', set: row.set, strategy: row.strategy ?? null, n_items: row.stats.n_items, first_position_rate: est(row.stats.first_position_rate), flip_rate: est(row.stats.flip_rate) });
    }
  }
  for (const { stage, result } of ev.pairwiseStages) {
    for (const [dim, s] of Object.entries(result.swap ?? {})) {
      out.push({ stage, source: 'pairwise', set: dim, strategy: 'both orders', n_items: s.n_items, first_position_rate: est(s.first_position_rate), flip_rate: est(s.flip_rate) });
    }
  }
  for (const w of ev.winrate) {
    if (!w.preferences) {
      if (w.why_no_preferences) notes.push(`answer order in "${w.stage}": not measured (${w.why_no_preferences})`);
      continue;
    }
    const j = firstPositionShare(w.preferences, new Set([w.rater]), boot);
    if (!j.e) continue;
    out.push({
      stage: w.stage,
      source: 'preferences',
      set: 'all pairs',
      strategy: null,
      n_items: j.n,
      first_position_rate: j.e,
      flip_rate: null,
      ...(w.humans.length ? { human_first_position_rate: firstPositionShare(w.preferences, new Set(w.humans), boot).e, humans: w.humans } : {}),
      note: 'share of decisive verdicts for answer A, taken to be the answer shown first; compare with the humans on the same pairs',
    });
  }
  return section(out, 'no swap data and no pairwise preferences of this judge', notes.length ? notes.join('; ') : null);
}

function winRatioSelfPreference(stage: string, result: { raters?: Record<string, { models: Record<string, { win_ratio: Estimate }> }> }, rater: string, family: string | null, notes: string[], reference: string | undefined): SelfPreferenceEntry[] {
  const models = Object.keys(result.raters?.[rater]?.models ?? {}).sort();
  if (!models.length || family === null) return [];
  const same = models.filter((m) => modelFamily(m) === family);
  if (!same.length) {
    notes.push(`${stage}: no candidate shares the judge's family (${family}; candidates: ${models.join(', ')})`);
    return [];
  }
  return [
    {
      stage,
      kind: 'win_ratio',
      same_family: same,
      other: models.filter((m) => !same.includes(m)),
      win_ratios: same.map((m) => ({
        model: m,
        judge: est(result.raters![rater]!.models[m]?.win_ratio),
        reference: reference ? est(result.raters?.[reference]?.models?.[m]?.win_ratio) : null,
        reference_rater: reference ?? '(none)',
      })),
    },
  ];
}

export function familyOf(ev: Pick<JudgeEvidence, 'configurations' | 'judge'>): string | null {
  for (const c of ev.configurations) {
    const f = c.fingerprint ? modelFamily(c.fingerprint.model) : null;
    if (f) return f;
  }
  return modelFamily(ev.judge);
}

/** The audit of one judge from its evidence (see the module comment). */
export function auditJudge(ev: JudgeEvidence, run: { run_id: string; finished_at: string | null; seed: number; resamples: number }): JudgeAudit {
  const boot = { seed: run.seed, resamples: run.resamples };
  const family = familyOf(ev);
  const length: LengthEntry[] = [];
  const lengthNotes: string[] = [];
  const selfPref: SelfPreferenceEntry[] = [];
  const selfNotes: string[] = [];
  const stability: StabilityEntry[] = [];
  const stabilityNotes: string[] = [];
  const failures: FailureEntry[] = [];
  const cost: CostEntry[] = [];
  const costNotes: string[] = [];
  for (const js of ev.judgeStages) {
    const { stage, result, ratings } = js;
    const ok = overallOk(ratings);
    if (!js.lengths) lengthNotes.push(`${stage}: ${js.why_no_lengths}`);
    else if (!ok.length) lengthNotes.push(`${stage}: no judgment with a total score`);
    else {
      const fit = lengthBias(ok, js.lengths);
      if (!fit) lengthNotes.push(`${stage}: the regression is undefined (fewer than 3 answers, or every answer has the same length)`);
      else length.push({ stage, ...fit, score_scale: 'the rubric total (its normalised scale)' });
    }
    const models = [...new Set(ratings.map((r) => r.model!))].sort();
    if (family === null) selfNotes.push(`${stage}: the judge's model family is unknown`);
    else {
      const same = models.filter((m) => modelFamily(m) === family);
      const other = models.filter((m) => modelFamily(m) !== family);
      if (!same.length) selfNotes.push(`${stage}: no candidate shares the judge's family (${family}; candidates: ${models.join(', ')})`);
      else if (!other.length) selfNotes.push(`${stage}: every candidate shares the judge's family: nothing to compare with`);
      else if (ok.length) selfPref.push({ stage, kind: 'scores', same_family: same, other, ...selfPreferenceGap(ok, new Set(same), boot) });
    }
    const by = result.by_status ?? {};
    const n = typeof result.n === 'number' ? result.n : null;
    failures.push({ stage, kind: 'judge', n, by_status: by, failure_rate: n ? (n - (by.ok ?? 0)) / n : null });
    const st = sampleStability(ratings);
    if (!st) stabilityNotes.push(`${stage}: one sample per item`);
    else stability.push({ stage, ...st });
    if (result.fingerprint.kind === 'replay') costNotes.push(`${stage}: replayed verdicts cost nothing in this run; what the original judge cost is unknown`);
    else {
      const sp = result.spend ?? { requests: 0, tokens: { input: 0, output: 0 }, cost_usd: 0 };
      const nj = judgmentCount(ratings) || (n ?? 0);
      cost.push({ stage, judgments: nj, requests: sp.requests, tokens: sp.tokens, cost_usd: sp.cost_usd, cost_per_1000: nj ? (sp.cost_usd / nj) * 1000 : null });
    }
  }
  for (const { stage, result, rater, ratings, reference } of ev.pairwiseStages) {
    const mine = ratings.filter((p) => p.rater === rater && p.order === undefined);
    const by: Record<string, number> = nameMap();
    for (const p of mine) by[p.status] = (by[p.status] ?? 0) + 1;
    failures.push({ stage, kind: 'pairwise', n: mine.length || null, by_status: by, failure_rate: mine.length ? (mine.length - (by.ok ?? 0)) / mine.length : null });
    if (result.fingerprint.kind !== 'replay') {
      const sp = result.spend ?? { requests: 0, tokens: { input: 0, output: 0 }, cost_usd: 0 };
      cost.push({ stage, judgments: mine.length, requests: sp.requests, tokens: sp.tokens, cost_usd: sp.cost_usd, cost_per_1000: mine.length ? (sp.cost_usd / mine.length) * 1000 : null });
    }
    selfPref.push(...winRatioSelfPreference(stage, result, rater, family, selfNotes, reference));
  }
  for (const { stage, result, rater, reference } of ev.winrate) {
    const failed = result.failures?.by_rater?.[rater] ?? 0;
    failures.push({ stage, kind: 'winrate', n: null, by_status: { failed }, failure_rate: null });
    selfPref.push(...winRatioSelfPreference(stage, result, rater, family, selfNotes, reference));
  }
  for (const { stage, result } of ev.agreement) {
    const jv = result.judge_validation!;
    const n = jv.n_judged + jv.judge_failures;
    failures.push({ stage, kind: 'agreement', n, by_status: { ok: jv.n_judged, failed: jv.judge_failures }, failure_rate: n ? jv.judge_failures / n : null });
  }
  for (const { stage, rows } of ev.swap) {
    for (const row of rows) {
      const s = row.stats;
      failures.push({ stage: `${stage}: ${row.set} / ${row.strategy}`, kind: 'swap', n: s.n_items, by_status: { ok: s.n_items - s.n_failed, failed: s.n_failed }, failure_rate: s.n_items ? s.n_failed / s.n_items : null });
    }
  }
  const noJudge = 'this judge has no judge stage in this run (its verdicts were recorded outside it)';
  const tuning = ev.tuning.map(({ stage, result, candidate }) => {
    const e = result.evaluation.find((x) => x.candidate === candidate);
    return {
      stage,
      statistic: result.statistic,
      split: result.split.method === 'holdout' ? `held out ${result.split.n_test} of ${result.n_items} items` : `${result.split.folds}-fold, pooled held-out`,
      value: est(e?.stats?.[result.statistic]),
      winner: result.winner,
    };
  });
  const { agreement, alt } = agreementSection(ev);
  const notes: string[] = [];
  const hashes = new Set(ev.configurations.map((c) => c.fingerprint?.hash));
  if (hashes.size > 1) notes.push(`${hashes.size} configurations (fingerprints) of this judge: every number says which stage it comes from`);
  if (!ev.configurations.length) notes.push('no fingerprint recorded in this run: the judge appears only through recorded verdicts or labels, so its model version, endpoint, prompt and decoding parameters are unknown');
  return {
    judge: ev.judge,
    key: ev.key,
    family,
    run_id: run.run_id,
    run_finished_at: run.finished_at,
    configurations: ev.configurations,
    notes,
    agreement,
    alt_test: alt,
    bias: {
      answer_order: orderSection(ev, boot),
      length: section(length, ev.judgeStages.length ? lengthNotes.join('; ') : `${noJudge}, so the answers it read are not known`, lengthNotes.length ? lengthNotes.join('; ') : 'an association, not a cause: longer answers may also be better answers'),
      per_model: section(
        ev.corrected.flatMap(({ stage, result }) =>
          Object.entries(result.models).map(([model, m]) => ({ stage, model, n_labelled: m.n_labelled, bias: m.bias ?? null, naive: m.judge_naive ?? null, corrected: m.ppi_plus_plus ?? null })),
        ),
        'no corrected-score stage compares this judge with human labels per model',
        'judge − humans on the labelled units of each model, with the naive and PPI++-corrected scores (normal intervals)',
      ),
      self_preference: section(selfPref, family === null ? `the judge's model family is unknown ("${ev.judge}" matches no prefix of the documented mapping)` : selfNotes.join('; ') || "no stage scores or ranks this judge's candidates", selfNotes.length ? selfNotes.join('; ') : null),
    },
    failures: section(failures, "no stage records this judge's verdicts"),
    stability: section(stability, ev.judgeStages.length ? stabilityNotes.join('; ') || 'one sample per item' : noJudge),
    cost: section(cost, ev.judgeStages.length || ev.pairwiseStages.length ? costNotes.join('; ') || 'no spend recorded' : `${noJudge}; its cost is unknown`, costNotes.length ? costNotes.join('; ') : null),
    tuning: section(tuning, 'no tuning stage compares this judge'),
  };
}
