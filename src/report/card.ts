/**
 * The judge card: one Markdown and one JSON file per judge found in a finished run
 * (`RUN_DIR/cards/<judge>.md|json`), gathering everything the run measured about that judge, and
 * saying "not measured in this run" (with the reason) wherever the run has no data for a section.
 * Numbers are copied from the stage results (`<stage>.json`) as they are, or computed here from the
 * stage ledgers (length bias, self-preference gap, answer-order share of pairwise preferences,
 * stability across samples, cost per 1,000 judgments); nothing is recomputed that a stage already
 * reported.
 *
 * Which judges. A judge is named by its fingerprint's model (judge and pairwise stages; a replayed
 * judge by its replay name, e.g. `gpt-4`), by the `judge` of an agreement stage, by the second
 * rater of a win-rate stage's `compare`, or by a judge of a swap stage. Names match
 * case-insensitively. Stages that name the same judge belong to its card: agreement stages whose
 * `judge` is it, win-rate stages where it is a rater, swap rows where it appears (LLMBar's GPT-4
 * rows join the `gpt-4` card, marked as a different prompt configuration of a model of that name),
 * tuning stages where it is a candidate. A card gathers every fingerprint found under its name.
 *
 * Sections and their data:
 * - fingerprint: judge/pairwise stage results (`fingerprint`). A replay says it is one, and that the
 *   original model version, endpoint, prompt and decoding parameters are unknown.
 * - agreement with humans (+ the human ceiling) and the alternative annotator test: agreement stages.
 * - bias: answer order (swap stages, pairwise stages' swap statistics, and the share of decisive
 *   verdicts for the answer shown first in win-rate stages' preference files, A taken as shown
 *   first); length (OLS of the judge's total score on the judged answer's length in characters, slope
 *   per 100 characters with its t interval and R², from the judgments ledger and the
 *   `<stage>.answer-lengths.jsonl` the judge stage records); self-preference (model families from
 *   studies/model-family.ts: the judge's mean total for same-family candidates minus other
 *   candidates, with an item-bootstrap interval; win ratios of same-family candidates under the judge
 *   and under the reference rater of a win-rate stage).
 * - failures by status, stability across repeated samples (Krippendorff's α (interval) with the k
 *   samples as raters, per criterion, and the mean spread), cost per 1,000 judgments (spent).
 */
import { access, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InputError } from '../io/errors.ts';
import { writeFileAtomic, writeJsonAtomic } from '../io/atomic.ts';
import { hashFile } from '../io/hash.ts';
import { readRunManifest } from './index.ts';
import { readRows } from '../io/rows.ts';
import { readPreferences } from '../io/preferences.ts';
import type { Estimate, Judgment, JudgeFingerprint, RunManifest } from '../schema/index.ts';
import { bootstrapItems } from '../stats/bootstrap.ts';
import { krippendorffAlpha } from '../stats/krippendorff.ts';
import { simpleOls } from '../stats/regression.ts';
import { modelFamily } from '../studies/model-family.ts';
import { nameMap } from '../io/name-map.ts';
import { mdText } from './escape-md.ts';

type Json = Record<string, any>; // stage results are read back from disk: shapes are checked where used

export interface Section<T> {
  measured: boolean;
  /** Why it is not measured, or what the reader must know about it. */
  note: string | null;
  items: T[];
}

export interface CardConfiguration {
  stage: string;
  kind: string;
  fingerprint: JudgeFingerprint | null;
  replay: boolean;
  note: string;
}

export interface AgreementEntry {
  stage: string;
  title: string;
  level: string;
  humans: string[];
  n_judged: number;
  judge_failures: number;
  consensus: string;
  /** The judge against the human majority (nominal) or mean, as the stage reported it. */
  vs_consensus: Record<string, Estimate | null>;
  /** Mean over humans of human-vs-rest, and of judge-vs-rest on the same units (the ceiling). */
  human_ceiling: Record<string, Estimate | null>;
  judge_vs_rest: Record<string, Estimate | null>;
  dimensions: Record<string, { vs_consensus: Record<string, Estimate | null>; human_ceiling: Record<string, Estimate | null>; judge_vs_rest: Record<string, Estimate | null> }>;
}

export interface AltTestEntry {
  stage: string;
  dimension: string | null;
  epsilon: number;
  metric: string;
  winning_rate: number | null;
  passed: boolean;
  advantage_probability: number | null;
  n_items: number;
  n_humans_tested: number;
}

export interface OrderEntry {
  stage: string;
  source: 'swap' | 'pairwise' | 'preferences';
  set: string;
  strategy: string | null;
  n_items: number;
  /** Share of decisive verdicts for the answer shown first (0.5 = no preference). */
  first_position_rate: Estimate | null;
  flip_rate: Estimate | null;
  /** Preferences only: the same share among the listed human raters' verdicts on the same file. */
  human_first_position_rate?: Estimate | null;
  humans?: string[];
  note?: string;
}

export interface LengthEntry {
  stage: string;
  n: number;
  mean_chars: number;
  /** OLS slope of the total score per 100 characters of answer, with its 95% t interval. */
  slope_per_100_chars: Estimate;
  intercept: number;
  r2: number;
  p_value: number;
  score_scale: string;
}

export interface SelfPreferenceEntry {
  stage: string;
  kind: 'scores' | 'win_ratio';
  same_family: string[];
  other: string[];
  /** scores: mean total of same-family and other candidates, and their difference (item bootstrap). */
  same_mean?: number | null;
  other_mean?: number | null;
  difference?: Estimate;
  /** win_ratio: per same-family model, the judge's and the reference rater's win ratio. */
  win_ratios?: { model: string; judge: Estimate | null; reference: Estimate | null; reference_rater: string }[];
}

/** From corrected stages: the judge's mean minus the humans' on the labelled units of each model. */
export interface ScoreBiasEntry {
  stage: string;
  model: string;
  n_labelled: number;
  bias: Estimate | null;
  naive: Estimate | null;
  corrected: Estimate | null;
}

export interface FailureEntry {
  stage: string;
  kind: string;
  n: number | null;
  by_status: Record<string, number>;
  /** Share of failures (every status but ok) among n. */
  failure_rate: number | null;
}

export interface StabilityEntry {
  stage: string;
  samples: number;
  n_judgments: number;
  /** Krippendorff's α (interval) with the samples as raters, per criterion. */
  alpha: Record<string, number | null>;
  mean_spread: Record<string, number>;
}

export interface CostEntry {
  stage: string;
  judgments: number;
  requests: number;
  tokens: { input: number; output: number };
  cost_usd: number;
  cost_per_1000: number | null;
}

export interface JudgeCard {
  judge: string;
  family: string | null;
  run_id: string;
  run_finished_at: string | null;
  configurations: CardConfiguration[];
  notes: string[];
  agreement: Section<AgreementEntry>;
  alt_test: Section<AltTestEntry>;
  bias: {
    answer_order: Section<OrderEntry>;
    length: Section<LengthEntry>;
    self_preference: Section<SelfPreferenceEntry>;
    per_model: Section<ScoreBiasEntry>;
  };
  failures: Section<FailureEntry>;
  stability: Section<StabilityEntry>;
  cost: Section<CostEntry>;
  tuning: Section<{ stage: string; statistic: string; split: string; value: Estimate | null; winner: string }>;
}

// -------------------------------------------------------------------------------------------------
// reading the run

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

async function readJson(p: string): Promise<Json | null> {
  try {
    return JSON.parse(await readFile(p, 'utf8')) as Json;
  } catch {
    return null;
  }
}

async function readJsonl<T>(p: string): Promise<T[] | null> {
  if (!(await exists(p))) return null;
  const out: T[] = [];
  for await (const { value } of readRows(p)) out.push(value as T);
  return out;
}

const norm = (s: string) => s.trim().toLowerCase();
const est = (e: unknown): Estimate | null => (e && typeof e === 'object' && 'value' in (e as Json) ? (e as Estimate) : null);
const pick = (o: Json | null | undefined, keys: string[]): Record<string, Estimate | null> => Object.fromEntries(keys.filter((k) => o && k in o).map((k) => [k, est(o![k])]));

interface Acc {
  name: string;
  configurations: CardConfiguration[];
  judgeStages: { stage: Json; result: Json }[];
  pairwiseStages: { stage: Json; result: Json; rater: string }[];
  agreement: { stage: Json; result: Json }[];
  winrate: { stage: Json; result: Json; rater: string }[];
  swap: { stage: Json; rows: Json[] }[];
  tuning: { stage: Json; result: Json; candidate: string }[];
  corrected: { stage: Json; result: Json }[];
}

/** Reads a finished run's manifest and stage results and gathers, per judge, what belongs to its card. */
async function gather(runDir: string): Promise<{ manifest: RunManifest; cards: Acc[] }> {
  // Validated: its stage names become file names read below.
  const manifest = await readRunManifest(runDir);
  const cfg = manifest.config as { stages?: Json[] };
  const stages = (cfg.stages ?? []).filter((s) => manifest.stages[s.name]?.status === 'done');
  const cards = new Map<string, Acc>();
  const card = (name: string, create: boolean): Acc | undefined => {
    let c = cards.get(norm(name));
    if (!c && create) {
      c = { name, configurations: [], judgeStages: [], pairwiseStages: [], agreement: [], winrate: [], swap: [], tuning: [], corrected: [] };
      cards.set(norm(name), c);
    }
    return c;
  };
  const results = new Map<string, Json>();
  for (const s of stages) {
    const r = await readJson(join(runDir, `${s.name}.json`));
    if (r) results.set(s.name, r);
  }
  for (const s of stages) {
    const r = results.get(s.name);
    if (!r) continue;
    if (s.kind === 'judge' && r.fingerprint) {
      const fp = r.fingerprint as JudgeFingerprint;
      const c = card(fp.model, true)!;
      c.judgeStages.push({ stage: s, result: r });
      c.configurations.push(configuration(s.name, 'judge', fp));
    } else if (s.kind === 'pairwise' && r.fingerprint) {
      const fp = r.fingerprint as JudgeFingerprint;
      const rater = (s.rater as string | undefined) ?? fp.model;
      const c = card(rater, true)!;
      c.pairwiseStages.push({ stage: s, result: r, rater });
      c.configurations.push(configuration(s.name, 'pairwise', fp));
    } else if (s.kind === 'agreement' && typeof s.judge === 'string' && r.judge_validation) {
      card(s.judge, true)!.agreement.push({ stage: s, result: r });
    } else if (s.kind === 'corrected' && typeof r.judge === 'string') {
      card(r.judge, true)!.corrected.push({ stage: s, result: r });
    }
  }
  for (const s of stages) {
    const r = results.get(s.name);
    if (!r || s.kind !== 'swap' || !Array.isArray(r.rows)) continue;
    const byJudge = new Map<string, Json[]>();
    for (const row of r.rows as Json[]) {
      const list = byJudge.get(norm(row.judge)) ?? [];
      list.push(row);
      byJudge.set(norm(row.judge), list);
    }
    for (const rows of byJudge.values()) card(rows[0]!.judge as string, true)!.swap.push({ stage: s, rows });
  }
  for (const s of stages) {
    const r = results.get(s.name);
    if (!r) continue;
    if (s.kind === 'winrate' && r.raters) {
      const meanOf = s.mean_of as { name: string; raters: string[] } | undefined;
      const humans = new Set<string>([...((s.majority as string[] | undefined) ?? []), 'majority', ...(meanOf ? [meanOf.name, ...meanOf.raters] : [])]);
      const compared = Array.isArray(s.compare) ? (s.compare[1] as string) : undefined;
      for (const rater of Object.keys(r.raters)) {
        if (humans.has(rater)) continue;
        const c = card(rater, rater === compared);
        if (c) c.winrate.push({ stage: s, result: r, rater });
      }
    }
    if (s.kind === 'tuning' && Array.isArray(r.candidates)) {
      for (const cand of r.candidates as string[]) card(cand, false)?.tuning.push({ stage: s, result: r, candidate: cand });
    }
  }
  return { manifest, cards: [...cards.values()] };
}

function configuration(stage: string, kind: string, fp: JudgeFingerprint): CardConfiguration {
  const replay = fp.kind === 'replay';
  const note = replay
    ? `a replay of recorded verdicts (${fp.endpoint}, verdicts sha256 ${String(fp.params?.verdicts_sha256 ?? 'unknown').slice(0, 16)}…): the original model version, endpoint, prompt template and decoding parameters are unknown`
    : `live judge ${fp.model} at ${fp.endpoint}, output mode ${fp.output_mode ?? 'unknown'}`;
  return { stage, kind, fingerprint: fp, replay, note };
}

const section = <T>(items: T[], missing: string, note: string | null = null): Section<T> =>
  items.length ? { measured: true, note, items } : { measured: false, note: `not measured in this run: ${missing}`, items: [] };

// -------------------------------------------------------------------------------------------------
// the sections

function agreementSection(acc: Acc): { agreement: Section<AgreementEntry>; alt: Section<AltTestEntry> } {
  const entries: AgreementEntry[] = [];
  const alts: AltTestEntry[] = [];
  for (const { stage, result } of acc.agreement) {
    const jv = result.judge_validation as Json;
    const numeric = result.level !== 'nominal';
    const keys = numeric ? ['pearson', 'spearman', 'kendall_tau_b', 'mae'] : ['cohen_kappa', 'accuracy', 'macro_f1'];
    const dims: AgreementEntry['dimensions'] = {};
    for (const [d, core] of Object.entries((result.dimensions ?? {}) as Record<string, Json>)) {
      const dj = core.judge_validation as Json | null;
      if (!dj) continue;
      dims[d] = { vs_consensus: pick(dj.vs_consensus, keys), human_ceiling: pick(dj.ceiling?.mean_human_vs_rest, keys), judge_vs_rest: pick(dj.ceiling?.mean_judge_vs_rest, keys) };
      if (dj.alt_test) alts.push(altEntry(stage.name, d, dj.alt_test));
    }
    entries.push({
      stage: stage.name,
      title: stage.title ?? stage.name,
      level: result.level,
      humans: jv.humans,
      n_judged: jv.n_judged,
      judge_failures: jv.judge_failures,
      consensus: jv.vs_consensus?.consensus,
      vs_consensus: pick(jv.vs_consensus, keys),
      human_ceiling: pick(jv.ceiling?.mean_human_vs_rest, keys),
      judge_vs_rest: pick(jv.ceiling?.mean_judge_vs_rest, keys),
      dimensions: dims,
    });
    if (jv.alt_test) alts.push(altEntry(stage.name, null, jv.alt_test));
  }
  return {
    agreement: section(entries, 'no agreement stage validates this judge against human labels'),
    alt: section(alts, 'no agreement stage validates this judge against human labels'),
  };
}

function altEntry(stage: string, dimension: string | null, a: Json): AltTestEntry {
  return {
    stage,
    dimension,
    epsilon: a.epsilon,
    metric: a.metric,
    winning_rate: a.winning_rate ?? null,
    passed: !!a.passed,
    advantage_probability: a.advantage_probability ?? null,
    n_items: a.n_items,
    n_humans_tested: a.n_humans_tested,
  };
}

/** Matches a recorded input path that ends with the file name of a config path. */
const endsWith = (configPath: string): RegExp => new RegExp(`(^|/)${configPath.split('/').pop()!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

/** Resolves a stage input recorded in the manifest, only if it is still the file the run read. */
async function recordedInput(manifest: RunManifest, stage: string, suffix: RegExp, runDir: string): Promise<{ path: string | null; why: string }> {
  const inputs = manifest.stages[stage]?.inputs ?? [];
  const inp = inputs.find((i) => suffix.test(i.path));
  if (!inp) return { path: null, why: 'the run recorded no such input' };
  for (const p of [resolve(inp.path), resolve(runDir, '..', '..', inp.path)]) {
    if (!(await exists(p))) continue;
    const h = await hashFile(p);
    if (h.sha256 === inp.sha256) return { path: p, why: '' };
    return { path: null, why: `${inp.path} changed since the run (sha256 differs)` };
  }
  return { path: null, why: `${inp.path} is not found from here` };
}

async function orderSection(acc: Acc, manifest: RunManifest, runDir: string): Promise<Section<OrderEntry>> {
  const out: OrderEntry[] = [];
  const notes: string[] = [];
  const ownFp = acc.configurations.length > 0;
  for (const { stage, rows } of acc.swap) {
    for (const row of rows) {
      out.push({
        stage: stage.name,
        source: 'swap',
        set: row.set,
        strategy: row.strategy ?? null,
        n_items: row.stats.n_items,
        first_position_rate: est(row.stats.first_position_rate),
        flip_rate: est(row.stats.flip_rate),
      });
    }
    if (ownFp) notes.push(`swap stage "${stage.name}" records a judge named ${rows[0]!.judge} under its own prompt strategies: a different configuration than this card's fingerprint(s)`);
  }
  for (const { stage, result } of acc.pairwiseStages) {
    for (const [dim, s] of Object.entries((result.swap ?? {}) as Record<string, Json>)) {
      out.push({ stage: stage.name, source: 'pairwise', set: dim, strategy: 'both orders', n_items: s.n_items, first_position_rate: est(s.first_position_rate), flip_rate: est(s.flip_rate) });
    }
  }
  for (const { stage, rater } of acc.winrate) {
    // pairs made from single-answer ratings have no presentation order
    if (typeof stage.preferences !== 'string') continue;
    const inp = await recordedInput(manifest, stage.name, endsWith(stage.preferences), runDir);
    if (!inp.path) {
      notes.push(`answer order in "${stage.name}": not measured (${inp.why})`);
      continue;
    }
    const prefs = await readPreferences(inp.path);
    const humans = ((stage.majority as string[] | undefined) ?? []).filter((h) => h !== rater);
    const share = (who: Set<string>): { e: Estimate | null; n: number } => {
      const items = new Map<string, { a: number; d: number }>();
      for (const p of prefs) {
        if (!who.has(p.rater) || p.status !== 'ok' || p.winner === null || p.winner === 'tie') continue;
        const e = items.get(p.item_id) ?? { a: 0, d: 0 };
        e.d++;
        if (p.winner === 'A') e.a++;
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
        { resamples: (manifest.config as Json).bootstrap ?? 1000, seed: (manifest.config as Json).seed ?? 1 },
      );
      return { e: r, n: list.length };
    };
    const j = share(new Set([rater]));
    if (!j.e) continue;
    out.push({
      stage: stage.name,
      source: 'preferences',
      set: 'all pairs',
      strategy: null,
      n_items: j.n,
      first_position_rate: j.e,
      flip_rate: null,
      ...(humans.length ? { human_first_position_rate: share(new Set(humans)).e, humans } : {}),
      note: 'share of decisive verdicts for answer A, taken to be the answer shown first; compare with the humans on the same pairs',
    });
  }
  return section(out, 'no swap data and no pairwise preferences of this judge', notes.length ? notes.join('; ') : null);
}

interface LengthRow {
  item_id: string;
  model: string;
  chars: number;
}

async function judgeLedgers(runDir: string, manifest: RunManifest, stage: Json): Promise<{ judgments: Judgment[]; lengths: Map<string, number> | null; why: string }> {
  const judgments = (await readJsonl<Judgment>(join(runDir, `${stage.name}.judgments.jsonl`))) ?? [];
  const rows = await readJsonl<LengthRow>(join(runDir, `${stage.name}.answer-lengths.jsonl`));
  if (rows) return { judgments, lengths: new Map(rows.map((r) => [`${r.model}\u0000${r.item_id}`, r.chars])), why: '' };
  const inp = await recordedInput(manifest, stage.name, endsWith(String(stage.responses ?? '')), runDir);
  if (!inp.path) return { judgments, lengths: null, why: `the run recorded no answer lengths and the responses file ${inp.why}` };
  const lengths = new Map<string, number>();
  for await (const { value } of readRows(inp.path)) {
    const v = value as Json;
    if (typeof v.output === 'string') lengths.set(`${v.model}\u0000${v.item_id}`, [...v.output].length);
  }
  return { judgments, lengths, why: '' };
}

/** The judge's total score of each ok judgment (null for rubrics without a total). */
const okScores = (js: Judgment[]) => js.filter((j): j is Extract<Judgment, { status: 'ok' }> => j.status === 'ok' && j.score !== null);

async function judgeSections(acc: Acc, manifest: RunManifest, runDir: string) {
  const length: LengthEntry[] = [];
  const lengthNotes: string[] = [];
  const selfPref: SelfPreferenceEntry[] = [];
  const selfNotes: string[] = [];
  const stability: StabilityEntry[] = [];
  const stabilityNotes: string[] = [];
  const failures: FailureEntry[] = [];
  const cost: CostEntry[] = [];
  const costNotes: string[] = [];
  const family = familyOf(acc);
  const seed = (manifest.config as Json).seed ?? 1;
  const resamples = (manifest.config as Json).bootstrap ?? 1000;
  for (const { stage, result } of acc.judgeStages) {
    const { judgments, lengths, why } = await judgeLedgers(runDir, manifest, stage);
    const ok = okScores(judgments);
    // length bias
    if (!lengths) lengthNotes.push(`${stage.name}: ${why}`);
    else if (!ok.length) lengthNotes.push(`${stage.name}: no judgment with a total score`);
    else {
      const x: number[] = [];
      const y: number[] = [];
      for (const j of ok) {
        const c = lengths.get(`${j.model}\u0000${j.item_id}`);
        if (c === undefined) continue;
        x.push(c / 100);
        y.push(j.score!);
      }
      const fit = simpleOls(x, y);
      if (!fit) lengthNotes.push(`${stage.name}: the regression is undefined (fewer than 3 answers, or every answer has the same length)`);
      else
        length.push({
          stage: stage.name,
          n: fit.n,
          mean_chars: (x.reduce((a, b) => a + b, 0) / x.length) * 100,
          slope_per_100_chars: { value: fit.slope, ci_low: fit.ci_low, ci_high: fit.ci_high },
          intercept: fit.intercept,
          r2: fit.r2,
          p_value: fit.p_value,
          score_scale: 'the rubric total (its normalised scale)',
        });
    }
    // self-preference on scores
    const models = [...new Set(judgments.map((j) => j.model))].sort();
    if (family === null) selfNotes.push(`${stage.name}: the judge's model family is unknown`);
    else {
      const same = models.filter((m) => modelFamily(m) === family);
      const other = models.filter((m) => modelFamily(m) !== family);
      if (!same.length) selfNotes.push(`${stage.name}: no candidate shares the judge's family (${family}; candidates: ${models.join(', ')})`);
      else if (!other.length) selfNotes.push(`${stage.name}: every candidate shares the judge's family: nothing to compare with`);
      else if (ok.length) {
        const byItem = new Map<string, { s: number; n: number; o: number; m: number }>();
        const sameSet = new Set(same);
        for (const j of ok) {
          const e = byItem.get(j.item_id) ?? { s: 0, n: 0, o: 0, m: 0 };
          if (sameSet.has(j.model)) ((e.s += j.score!), e.n++);
          else ((e.o += j.score!), e.m++);
          byItem.set(j.item_id, e);
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
        const all = Array.from({ length: list.length }, (_, i) => i);
        const sums = list.reduce((a, e) => ({ s: a.s + e.s, n: a.n + e.n, o: a.o + e.o, m: a.m + e.m }), { s: 0, n: 0, o: 0, m: 0 });
        selfPref.push({
          stage: stage.name,
          kind: 'scores',
          same_family: same,
          other,
          same_mean: sums.n ? sums.s / sums.n : null,
          other_mean: sums.m ? sums.o / sums.m : null,
          difference: list.length ? bootstrapItems(list.length, (idx) => gap(idx), { seed, resamples }) : { value: gap(all), ci_low: null, ci_high: null },
        });
      }
    }
    // failures
    const by: Record<string, number> = result.by_status ?? {};
    const n = typeof result.n === 'number' ? result.n : null;
    failures.push({ stage: stage.name, kind: 'judge', n, by_status: by, failure_rate: n ? (n - (by.ok ?? 0)) / n : null });
    // stability
    const sampled = judgments.filter((j): j is Extract<Judgment, { status: 'ok' }> => j.status === 'ok' && Array.isArray(j.samples) && j.samples.length > 1);
    if (!sampled.length) stabilityNotes.push(`${stage.name}: one sample per item`);
    else {
      const k = Math.max(...sampled.map((j) => j.samples!.length));
      const keys = [...new Set(sampled.flatMap((j) => Object.keys(j.samples![0]!)))].sort();
      const alpha: Record<string, number | null> = nameMap();
      const spread: Record<string, number> = nameMap();
      for (const key of keys) {
        alpha[key] = krippendorffAlpha(sampled.map((j) => Array.from({ length: k }, (_, s) => j.samples![s]?.[key] ?? null)), 'interval');
        const sp = sampled.map((j) => j.spread?.[key]).filter((v): v is number => typeof v === 'number');
        spread[key] = sp.length ? sp.reduce((a, b) => a + b, 0) / sp.length : 0;
      }
      stability.push({ stage: stage.name, samples: k, n_judgments: sampled.length, alpha, mean_spread: spread });
    }
    // cost
    const fp = result.fingerprint as JudgeFingerprint;
    if (fp.kind === 'replay') costNotes.push(`${stage.name}: replayed verdicts cost nothing in this run; what the original judge cost is unknown`);
    else {
      const sp = (result.spend ?? { requests: 0, tokens: { input: 0, output: 0 }, cost_usd: 0 }) as Json;
      const nj = judgments.length || (n ?? 0);
      cost.push({ stage: stage.name, judgments: nj, requests: sp.requests, tokens: sp.tokens, cost_usd: sp.cost_usd, cost_per_1000: nj ? (sp.cost_usd / nj) * 1000 : null });
    }
  }
  for (const { stage, result, rater } of acc.pairwiseStages) {
    const fp = result.fingerprint as JudgeFingerprint;
    const ledger = (await readJsonl<Json>(join(runDir, `${stage.name}.preferences.jsonl`))) ?? [];
    const mine = ledger.filter((p) => p.rater === rater);
    const by: Record<string, number> = nameMap();
    for (const p of mine) by[p.status] = (by[p.status] ?? 0) + 1;
    failures.push({ stage: stage.name, kind: 'pairwise', n: mine.length || null, by_status: by, failure_rate: mine.length ? (mine.length - (by.ok ?? 0)) / mine.length : null });
    if (fp.kind !== 'replay') {
      const sp = (result.spend ?? { requests: 0, tokens: { input: 0, output: 0 }, cost_usd: 0 }) as Json;
      cost.push({ stage: stage.name, judgments: mine.length, requests: sp.requests, tokens: sp.tokens, cost_usd: sp.cost_usd, cost_per_1000: mine.length ? (sp.cost_usd / mine.length) * 1000 : null });
    }
    selfPref.push(...winRatioSelfPreference(stage.name, result, rater, family, selfNotes, (stage.human_rater as string | undefined) ?? (stage.majority_of ? 'majority' : undefined)));
  }
  for (const { stage, result, rater } of acc.winrate) {
    const byRater = (result.failures?.by_rater ?? {}) as Record<string, number>;
    const failed = byRater[rater] ?? 0;
    failures.push({ stage: stage.name, kind: 'winrate', n: null, by_status: { failed }, failure_rate: null });
    const ref = Array.isArray(stage.compare) && stage.compare[0] !== rater ? (stage.compare[0] as string) : result.raters?.majority ? 'majority' : undefined;
    selfPref.push(...winRatioSelfPreference(stage.name, result, rater, family, selfNotes, ref));
  }
  for (const { stage, result } of acc.agreement) {
    const jv = result.judge_validation as Json;
    const n = jv.n_judged + jv.judge_failures;
    failures.push({ stage: stage.name, kind: 'agreement', n, by_status: { ok: jv.n_judged, failed: jv.judge_failures }, failure_rate: n ? jv.judge_failures / n : null });
  }
  for (const { stage, rows } of acc.swap) {
    for (const row of rows) {
      const s = row.stats as Json;
      failures.push({ stage: `${stage.name}: ${row.set} / ${row.strategy}`, kind: 'swap', n: s.n_items, by_status: { ok: s.n_items - s.n_failed, failed: s.n_failed }, failure_rate: s.n_items ? s.n_failed / s.n_items : null });
    }
  }
  const noJudge = 'this judge has no judge stage in this run (its verdicts were recorded outside it)';
  return {
    length: section(length, acc.judgeStages.length ? lengthNotes.join('; ') : `${noJudge}, so the answers it read are not known`, lengthNotes.length ? lengthNotes.join('; ') : 'an association, not a cause: longer answers may also be better answers'),
    self: section(selfPref, family === null ? `the judge's model family is unknown ("${acc.name}" matches no prefix of the documented mapping)` : selfNotes.join('; ') || 'no stage scores or ranks this judge\'s candidates', selfNotes.length ? selfNotes.join('; ') : null),
    stability: section(stability, acc.judgeStages.length ? stabilityNotes.join('; ') || 'one sample per item' : noJudge),
    failures: section(failures, 'no stage records this judge\'s verdicts'),
    cost: section(cost, acc.judgeStages.length || acc.pairwiseStages.length ? costNotes.join('; ') || 'no spend recorded' : `${noJudge}; its cost is unknown`, costNotes.length ? costNotes.join('; ') : null),
  };
}

function scoreBiasSection(acc: Acc): Section<ScoreBiasEntry> {
  const items = acc.corrected.flatMap(({ stage, result }) =>
    Object.entries((result.models ?? {}) as Record<string, Json>).map(([model, m]) => ({
      stage: stage.name as string,
      model,
      n_labelled: m.n_labelled as number,
      bias: est(m.bias),
      naive: est(m.judge_naive),
      corrected: est(m.ppi_plus_plus),
    })),
  );
  return section(items, 'no corrected-score stage compares this judge with human labels per model', 'judge − humans on the labelled units of each model, with the naive and PPI++-corrected scores (normal intervals)');
}

function winRatioSelfPreference(stage: string, result: Json, rater: string, family: string | null, notes: string[], reference: string | undefined): SelfPreferenceEntry[] {
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
        judge: est(result.raters[rater].models[m]?.win_ratio),
        reference: reference ? est(result.raters?.[reference]?.models?.[m]?.win_ratio) : null,
        reference_rater: reference ?? '(none)',
      })),
    },
  ];
}

function familyOf(acc: Acc): string | null {
  for (const c of acc.configurations) {
    const f = c.fingerprint ? modelFamily(c.fingerprint.model) : null;
    if (f) return f;
  }
  return modelFamily(acc.name);
}

function tuningSection(acc: Acc): Section<{ stage: string; statistic: string; split: string; value: Estimate | null; winner: string }> {
  const items = acc.tuning.map(({ stage, result, candidate }) => {
    const ev = (result.evaluation as Json[]).find((e) => e.candidate === candidate);
    return {
      stage: stage.name,
      statistic: result.statistic as string,
      split: result.split.method === 'holdout' ? `held out ${result.split.n_test} of ${result.n_items} items` : `${result.split.folds}-fold, pooled held-out`,
      value: est(ev?.stats?.[result.statistic]),
      winner: result.winner as string,
    };
  });
  return section(items, 'no tuning stage compares this judge');
}

/** Builds the card of every judge found in a finished run folder (see the module comment). */
export async function buildJudgeCards(runDir: string): Promise<JudgeCard[]> {
  const { manifest, cards } = await gather(runDir);
  const out: JudgeCard[] = [];
  for (const acc of cards) {
    const { agreement, alt } = agreementSection(acc);
    const js = await judgeSections(acc, manifest, runDir);
    const notes: string[] = [];
    const hashes = new Set(acc.configurations.map((c) => c.fingerprint?.hash));
    if (hashes.size > 1) notes.push(`${hashes.size} configurations (fingerprints) carry this name: every number says which stage it comes from`);
    if (!acc.configurations.length) notes.push('no fingerprint recorded in this run: the judge appears only through recorded verdicts or labels, so its model version, endpoint, prompt and decoding parameters are unknown');
    out.push({
      judge: acc.name,
      family: familyOf(acc),
      run_id: manifest.run_id,
      run_finished_at: manifest.finished_at,
      configurations: acc.configurations,
      notes,
      agreement,
      alt_test: alt,
      bias: { answer_order: await orderSection(acc, manifest, runDir), length: js.length, self_preference: js.self, per_model: scoreBiasSection(acc) },
      failures: js.failures,
      stability: js.stability,
      cost: js.cost,
      tuning: tuningSection(acc),
    });
  }
  return out.sort((a, b) => (a.judge < b.judge ? -1 : a.judge > b.judge ? 1 : 0));
}

// -------------------------------------------------------------------------------------------------
// Markdown

const num = (x: number | null | undefined, d = 3): string => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(d));
const fmt = (e: Estimate | null | undefined, d = 3): string =>
  !e || e.value === null ? '—' : e.ci_low === null || e.ci_high === null ? num(e.value, d) : `${num(e.value, d)} [${num(e.ci_low, d)}, ${num(e.ci_high, d)}]`;

function table(head: string[], rows: string[][]): string {
  const esc = mdText;
  return [`| ${head.map(esc).join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

function notMeasured<T>(s: Section<T>, out: string[]): boolean {
  if (s.measured) return false;
  out.push(`_${mdText(s.note)}._`, '');
  return true;
}

const LABEL: Record<string, string> = { cohen_kappa: "Cohen's κ", accuracy: 'accuracy', macro_f1: 'macro F1', pearson: 'Pearson r', spearman: 'Spearman ρ', kendall_tau_b: 'Kendall τ-b', mae: 'MAE' };

/** The card as Markdown: every section present, "not measured in this run" where the run has no data. */
export function renderJudgeCardMarkdown(c: JudgeCard): string {
  const out: string[] = [`# Judge card: ${mdText(c.judge)}`, ''];
  out.push(`From run \`${c.run_id}\` (finished ${c.run_finished_at ?? 'unfinished'}). Model family: ${mdText(c.family ?? 'unknown')}.`, '');
  for (const n of c.notes) out.push(`- ${mdText(n)}`);
  if (c.notes.length) out.push('');

  out.push('## Fingerprint', '');
  if (!c.configurations.length) out.push('_Not measured in this run: no judge stage recorded a fingerprint for this judge._', '');
  for (const cf of c.configurations) {
    const fp = cf.fingerprint!;
    out.push(`Stage \`${cf.stage}\` (${cf.kind}): ${mdText(cf.note)}.`, '');
    const params = Object.entries(fp.params ?? {}).map(([k, v]) => `${k}=${v}`).join(', ') || '—';
    out.push(
      table(['Field', 'Value'], [
        ['model', fp.model],
        ['endpoint', fp.endpoint],
        ['rubric', fp.rubric_id ? `${fp.rubric_id} v${fp.rubric_version} (${(fp.rubric_hash ?? '').slice(0, 16)}…)` : '—'],
        ['template hash', fp.template_hash ? `${fp.template_hash.slice(0, 16)}…` : cf.replay ? 'unknown (replay)' : '—'],
        ['decoding / parameters', params],
        ['output mode, parser', `${fp.output_mode ?? '—'}, ${fp.parser_version}`],
        ['fingerprint hash', `${fp.hash.slice(0, 16)}…`],
      ]),
      '',
    );
  }

  out.push('## Agreement with humans', '');
  if (!notMeasured(c.agreement, out)) {
    for (const a of c.agreement.items) {
      const keys = Object.keys(a.vs_consensus);
      out.push(`**${mdText(a.title)}** (\`${a.stage}\`, ${a.level}; ${a.n_judged} units judged, ${a.judge_failures} failed; humans ${a.humans.map(mdText).join(', ')}). 95% item-bootstrap intervals.`, '');
      const rows = [[`judge vs human ${a.consensus}`, ...keys.map((k) => fmt(a.vs_consensus[k]))], ['judge vs rest (mean over humans)', ...keys.map((k) => fmt(a.judge_vs_rest[k]))], ['human ceiling: human vs rest', ...keys.map((k) => fmt(a.human_ceiling[k]))]];
      out.push(table(['', ...keys.map((k) => LABEL[k] ?? k)], rows), '');
      const dims = Object.entries(a.dimensions);
      if (dims.length) {
        const k0 = keys[0]!;
        out.push(table(['Dimension', `${LABEL[k0] ?? k0} vs ${a.consensus}`, 'judge vs rest', 'human ceiling'], dims.map(([d, v]) => [d, fmt(v.vs_consensus[k0]), fmt(v.judge_vs_rest[k0]), fmt(v.human_ceiling[k0])])), '');
      }
    }
  }
  out.push('## Alternative annotator test', '');
  if (!notMeasured(c.alt_test, out)) {
    out.push('Calderon, Reichart & Dror (2025): the judge passes when its winning rate against the humans is at least 0.5.', '');
    out.push(
      table(
        ['Stage', 'Dimension', 'ε', 'metric', 'winning rate', 'passed', 'advantage probability', 'items', 'humans'],
        c.alt_test.items.map((a) => [a.stage, a.dimension ?? 'all', String(a.epsilon), a.metric, num(a.winning_rate), a.passed ? 'yes' : 'no', num(a.advantage_probability), String(a.n_items), String(a.n_humans_tested)]),
      ),
      '',
    );
  }

  out.push('## Bias', '', '### Answer order', '');
  const ao = c.bias.answer_order;
  if (!notMeasured(ao, out)) {
    out.push(
      table(
        ['Stage', 'Source', 'Set', 'Strategy', 'Items', 'First-position share', 'Flip rate', 'Humans: first-position share'],
        ao.items.map((o) => [o.stage, o.source, o.set, o.strategy ?? '—', String(o.n_items), fmt(o.first_position_rate), fmt(o.flip_rate), o.human_first_position_rate !== undefined ? fmt(o.human_first_position_rate) : '—']),
      ),
      '',
      'First-position share: of the decisive verdicts, the share for the answer shown first (0.5 = no preference).',
      '',
    );
    if (ao.note) out.push(`_${mdText(ao.note)}._`, '');
  }
  out.push('### Length', '');
  const ln = c.bias.length;
  if (!notMeasured(ln, out)) {
    out.push(
      table(
        ['Stage', 'n', 'mean length (chars)', 'slope per 100 chars [95% CI]', 'intercept', 'R²', 'p'],
        ln.items.map((l) => [l.stage, String(l.n), num(l.mean_chars, 0), fmt(l.slope_per_100_chars), num(l.intercept, 2), num(l.r2), l.p_value < 1e-4 ? l.p_value.toExponential(1) : num(l.p_value, 4)]),
      ),
      '',
      `OLS of ${ln.items[0]!.score_scale} on the judged answer's length in characters.`,
      '',
    );
    if (ln.note) out.push(`_${mdText(ln.note)}._`, '');
  }
  out.push('### Self-preference', '');
  const sp = c.bias.self_preference;
  if (!notMeasured(sp, out)) {
    for (const s of sp.items) {
      if (s.kind === 'scores') {
        out.push(`\`${s.stage}\`: mean total for the judge's family (${s.same_family.map(mdText).join(', ')}) ${num(s.same_mean, 2)}, for the others (${s.other.map(mdText).join(', ')}) ${num(s.other_mean, 2)}; difference ${fmt(s.difference, 2)} (item bootstrap). A gap is not a bias by itself: same-family answers may be better; compare with the humans' ranking in the agreement stages.`, '');
      } else {
        out.push(`\`${s.stage}\`: win ratios of the judge's family: ${s.win_ratios!.map((w) => `${mdText(w.model)} ${fmt(w.judge)} by the judge vs ${fmt(w.reference)} by ${mdText(w.reference_rater)}`).join('; ')}.`, '');
      }
    }
    if (sp.note) out.push(`_${mdText(sp.note)}._`, '');
  }

  out.push('### Score bias per model', '');
  const pm = c.bias.per_model;
  if (!notMeasured(pm, out)) {
    out.push(table(['Stage', 'Model', 'Labelled', 'Judge − humans', 'Naive score', 'Corrected (PPI++)'], pm.items.map((b) => [b.stage, b.model, String(b.n_labelled), fmt(b.bias, 2), fmt(b.naive, 2), fmt(b.corrected, 2)])), '');
    if (pm.note) out.push(`_${pm.note}._`, '');
  }

  out.push('## Failures by status', '');
  if (!notMeasured(c.failures, out)) {
    out.push(table(['Stage', 'Kind', 'n', 'By status', 'Failure rate'], c.failures.items.map((f) => [f.stage, f.kind, f.n === null ? '—' : String(f.n), Object.entries(f.by_status).map(([k, v]) => `${k} ${v}`).join(', ') || '—', num(f.failure_rate)])), '');
  }
  out.push('## Stability across repeated samples', '');
  if (!notMeasured(c.stability, out)) {
    for (const s of c.stability.items) {
      out.push(`\`${s.stage}\`: ${s.samples} samples of ${s.n_judgments} judgments.`, '');
      out.push(table(['Criterion', "Krippendorff's α (samples as raters)", 'mean spread (max − min)'], Object.keys(s.alpha).map((k) => [k, num(s.alpha[k]), num(s.mean_spread[k])])), '');
    }
  }
  out.push('## Cost per 1,000 judgments', '');
  if (!notMeasured(c.cost, out)) {
    out.push(table(['Stage', 'Judgments', 'Requests', 'Tokens in / out', 'Spent (USD)', 'USD per 1,000'], c.cost.items.map((k) => [k.stage, String(k.judgments), String(k.requests), `${k.tokens.input} / ${k.tokens.output}`, num(k.cost_usd, 4), num(k.cost_per_1000, 4)])), '');
  }
  out.push('## Rubric tuning', '');
  if (!notMeasured(c.tuning, out)) {
    out.push(table(['Stage', 'Statistic', 'Split', 'This judge', 'Winner'], c.tuning.items.map((t) => [t.stage, t.statistic, t.split, fmt(t.value), t.winner])), '');
  }
  return out.join('\n').replace(/\n+$/, '\n');
}

/** A file name for a judge: characters outside [A-Za-z0-9._-] become "_". */
export function cardFileName(judge: string): string {
  return judge.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_') || '_';
}

/**
 * Writes `RUN_DIR/cards/<judge>.md` and `.json` for every judge of a finished run (atomically) and
 * returns the paths written, Markdown then JSON per judge. Call it at the end of `judgekit run`.
 */
export async function writeJudgeCards(runDir: string): Promise<string[]> {
  return writeCardFiles(runDir, await buildJudgeCards(runDir));
}

/** Writes cards already built (see writeJudgeCards); returns the paths written. */
export async function writeCardFiles(runDir: string, cards: JudgeCard[]): Promise<string[]> {
  const paths: string[] = [];
  const used = new Set<string>();
  for (const c of cards) {
    let base = cardFileName(c.judge);
    for (let i = 2; used.has(base.toLowerCase()); i++) base = `${cardFileName(c.judge)}-${i}`;
    used.add(base.toLowerCase());
    const md = join(runDir, 'cards', `${base}.md`);
    const json = join(runDir, 'cards', `${base}.json`);
    await writeFileAtomic(md, renderJudgeCardMarkdown(c));
    await writeJsonAtomic(json, c);
    paths.push(md, json);
  }
  return paths;
}
