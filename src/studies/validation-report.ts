/**
 * The Markdown section of the agreement / judge-validation study, for `judgekit agree` and for the
 * run report. Raw agreement is always printed next to κ and α; a statistic that does not apply or
 * is undefined prints as "—" (never NaN), with the reason listed under the table.
 */
import type { Estimate } from '../schema/index.ts';
import type { AgreementCore, AgreementResult, ComparisonResult, JudgeValidation, SystemRanking } from './validation.ts';
import { mdText } from '../report/escape-md.ts';

const num = (x: number | null | undefined, d = 3): string => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(d));

function est(e: Estimate | null | undefined): string {
  if (!e || e.value === null) return '—';
  if (e.ci_low === null || e.ci_high === null) return num(e.value);
  return `${num(e.value)} [${num(e.ci_low)}, ${num(e.ci_high)}]`;
}

function table(head: string[], rows: string[][]): string {
  const esc = mdText;
  return [
    `| ${head.map(esc).join(' | ')} |`,
    `|${head.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

/** Drops the columns whose every cell is "—" (statistics that do not apply at this level). */
function tableDropEmpty(head: string[], rows: string[][], keep = 1): string {
  const cols = head.map((_, i) => i < keep || rows.some((r) => r[i] !== '—'));
  return table(head.filter((_, i) => cols[i]), rows.map((r) => r.filter((_, i) => cols[i])));
}

function overview(r: AgreementCore): string {
  const rows: string[][] = [
    ['Observed agreement (share of agreeing rating pairs per unit, P̄)', est(r.percent_agreement)],
    [`Krippendorff's α (${r.level})`, est(r.krippendorff_alpha)],
    ["Fleiss' κ", est(r.fleiss_kappa)],
    ["Gwet's AC1", est(r.gwet_ac1)],
  ];
  if (r.icc) {
    rows.push(['ICC(2,1) absolute agreement, single rater', est(r.icc.icc2_1)]);
    rows.push(['ICC(3,1) consistency, single rater', est(r.icc.icc3_1)]);
    rows.push(['ICC(2,k) absolute agreement, mean of raters', est(r.icc.icc2_k)]);
    rows.push(['ICC(3,k) consistency, mean of raters', est(r.icc.icc3_k)]);
  }
  return table(['Statistic (all raters)', 'Value [95% CI]'], rows);
}

function pairsTable(r: AgreementCore): string {
  if (r.pairs.length === 0) return '_No pair of raters._';
  return tableDropEmpty(
    ['Rater A', 'Rater B', 'n', '% agreement', "Cohen's κ", 'κ linear', 'κ quadratic', 'Pearson', 'Spearman', 'Kendall τ-b'],
    r.pairs.map((p) => [
      p.a, p.b, String(p.n), est(p.percent_agreement), est(p.cohen_kappa), est(p.weighted_kappa_linear),
      est(p.weighted_kappa_quadratic), est(p.pearson), est(p.spearman), est(p.kendall_tau_b),
    ]),
    3,
  );
}

const COMPARISON_COLS: [string, keyof ComparisonResult][] = [
  ['% agreement', 'percent_agreement'],
  ["Cohen's κ", 'cohen_kappa'],
  ['accuracy', 'accuracy'],
  ['macro-P', 'macro_precision'],
  ['macro-R', 'macro_recall'],
  ['macro-F1', 'macro_f1'],
  ['Pearson', 'pearson'],
  ['Spearman', 'spearman'],
  ['Kendall τ-b', 'kendall_tau_b'],
  ['MAE', 'mae'],
];

function comparisonRow(c: ComparisonResult): string[] {
  return COMPARISON_COLS.map(([, k]) => est(c[k] as Estimate | null));
}

function judgeSection(jv: JudgeValidation): string {
  const out: string[] = [];
  const cons = jv.vs_consensus;
  out.push(`### Judge validation: ${jv.judge}`);
  out.push('');
  out.push(
    `The judge rated ${jv.n_judged} unit(s)` +
      (jv.judge_failures ? `; ${jv.judge_failures} of its ratings failed (unreadable verdicts) and are left out of every statistic, not scored as any category.` : '.') +
      ` Humans: ${jv.humans.join(', ')}.`,
  );
  out.push('');
  const head = ['Comparison', 'n', ...COMPARISON_COLS.map(([h]) => h)];
  const rows: string[][] = jv.vs_humans.map((v) => [`judge vs ${v.human}`, String(v.n), ...comparisonRow(v)]);
  rows.push([`judge vs human ${cons.consensus}`, String(cons.n), ...comparisonRow(cons)]);
  out.push(tableDropEmpty(head, rows, 2));
  out.push('');
  const left: string[] = [];
  if (cons.no_majority) left.push(`${cons.no_majority} unit(s) without a strict human majority`);
  if (cons.too_few_humans) left.push(`${cons.too_few_humans} unit(s) rated by fewer than 2 humans`);
  if (left.length) out.push(`Left out of the comparison with the human ${cons.consensus}: ${left.join('; ')}.`, '');

  out.push('**Human ceiling.** Each human, and the judge, against the ' + (cons.consensus === 'majority' ? 'strict majority' : 'mean') + ' of the other humans, on the same units:');
  out.push('');
  const ceilRows = jv.ceiling.per_human.flatMap((c) => [
    [`${c.human} vs rest`, String(c.human_vs_rest.n), ...comparisonRow(c.human_vs_rest)],
    [`judge vs rest of ${c.human}`, String(c.judge_vs_rest.n), ...comparisonRow(c.judge_vs_rest)],
  ]);
  out.push(tableDropEmpty(head, ceilRows, 2));
  out.push('');
  const means: string[][] = [];
  const keys = Object.keys(jv.ceiling.mean_human_vs_rest);
  for (const k of keys) means.push([`mean ${k.replace(/_/g, ' ')}: humans vs rest / judge vs rest`, est(jv.ceiling.mean_human_vs_rest[k]), est(jv.ceiling.mean_judge_vs_rest[k])]);
  for (const k of Object.keys(jv.ceiling.mean_pairwise_judge_human)) {
    means.push([`mean pairwise ${k.replace(/_/g, ' ')}: human–human / judge–human`, est(jv.ceiling.mean_pairwise_human[k]), est(jv.ceiling.mean_pairwise_judge_human[k])]);
  }
  out.push(table(['Summary', 'Humans', 'Judge'], means));
  out.push('');
  const a = jv.alt_test;
  out.push(
    `**Alternative annotator test** (Calderon, Reichart & Dror, ACL 2025): ε = ${a.epsilon}, ${a.metric} alignment, ` +
      `BY correction at q = ${a.q}. Winning rate ${num(a.winning_rate, 2)} → ` +
      `${a.passed === null ? 'not decided' : a.passed ? '**passed**' : '**failed**'} (passes at ≥ 0.5); ` +
      `advantage probability ρ = ${num(a.advantage_probability)} over ${a.n_items} unit(s) with the judge and ≥ ${a.min_humans_per_item} humans.`,
  );
  out.push('');
  if (a.per_rater.length) {
    out.push(
      table(
        ['Left-out human', 'n', 'judge ≥ human', 'human ≥ judge', 't', 'p', 'BY-adjusted p', 'judge wins'],
        a.per_rater.map((p) => [p.rater, String(p.n_items), num(p.judge_advantage), num(p.human_advantage), num(p.t), fmtP(p.p_value), fmtP(p.adjusted_p_value), p.rejected ? 'yes' : 'no']),
      ),
    );
    out.push('');
  }
  for (const s of a.skipped) out.push(`- ${s.rater} not tested: ${s.reason} (${s.n_items}).`);
  for (const w of a.warnings) out.push(`- Note: ${w}.`);
  if (a.skipped.length || a.warnings.length) out.push('');
  return out.join('\n');
}

function fmtP(p: number | null): string {
  if (p === null) return '—';
  return p < 1e-4 ? p.toExponential(1) : p.toFixed(4);
}

function rankingSection(sr: SystemRanking): string {
  const raters = sr.raters;
  const rows = sr.models.map((m) => [m, ...raters.map((r) => (sr.means[r]![m] === undefined ? '—' : `${num(sr.means[r]![m], 2)} (${sr.ranks[r]![m]})`))]);
  const out = [
    '**System ranking** (mean rating per model and rater, rank in brackets; Sottana et al. 2023 compare raters by Krippendorff\'s α on these ranks):',
    '',
    table(['Model', ...raters], rows),
    '',
  ];
  const lv = (x: SystemRanking['krippendorff_alpha']) => `nominal ${est(x.nominal)}, ordinal ${est(x.ordinal)}, interval ${est(x.interval)}`;
  out.push(`α on the ranks, all raters: ${lv(sr.krippendorff_alpha)}.`);
  if (sr.krippendorff_alpha_humans) out.push(`α on the ranks, humans only: ${lv(sr.krippendorff_alpha_humans)}.`);
  out.push('');
  return out.join('\n');
}

function notesOf(r: AgreementCore): string {
  const lines: string[] = [];
  const reasons = new Map<string, string[]>();
  for (const [k, why] of Object.entries(r.not_applicable)) reasons.set(why, [...(reasons.get(why) ?? []), k]);
  for (const [why, ks] of reasons) lines.push(`- Not computed (${ks.join(', ')}): ${why}.`);
  for (const n of r.notes) lines.push(`- ${n}.`);
  return lines.join('\n');
}

function coreSection(r: AgreementCore): string {
  const out: string[] = [];
  const failed = Object.entries(r.failures).filter(([, n]) => n > 0);
  out.push(
    `${r.n_items} item(s), ${r.n_units} rated unit(s), ${r.n_ratings} rating(s) by ${r.raters.length} rater(s) (${r.raters.join(', ')}); level ${r.level}` +
      (r.level === 'nominal' ? `, categories ${r.categories.map(String).join(', ')}` : '') +
      '.' +
      (failed.length ? ` Failed ratings, left out: ${failed.map(([k, n]) => `${k} ${n}`).join(', ')}.` : ''),
  );
  out.push('');
  out.push(overview(r));
  out.push('');
  out.push(pairsTable(r));
  out.push('');
  if (r.system_ranking) out.push(rankingSection(r.system_ranking));
  if (r.judge_validation) out.push(judgeSection(r.judge_validation));
  const notes = notesOf(r);
  if (notes) out.push(notes, '');
  return out.join('\n');
}

function dimensionSummary(dims: Record<string, AgreementCore>): string {
  const names = Object.keys(dims);
  const judged = names.some((d) => dims[d]!.judge_validation);
  const ranked = names.some((d) => dims[d]!.system_ranking);
  const head = ['Dimension', 'units', 'P̄ (raw)', 'α', "Fleiss' κ"];
  if (ranked) head.push('α ranks (interval), humans', 'α ranks (interval), all');
  if (judged) head.push('judge vs human consensus', 'human vs rest (mean)', 'judge vs rest (mean)', 'alt-test WR', 'ρ', 'passed');
  const rows = names.map((d) => {
    const r = dims[d]!;
    const row = [d, String(r.n_units), est(r.percent_agreement), est(r.krippendorff_alpha), est(r.fleiss_kappa)];
    if (ranked) {
      const sr = r.system_ranking;
      row.push(est(sr?.krippendorff_alpha_humans?.interval ?? null), est(sr?.krippendorff_alpha.interval ?? null));
    }
    if (judged) {
      const jv = r.judge_validation;
      const key = r.level === 'nominal' ? 'accuracy' : 'pearson';
      const c = jv?.vs_consensus;
      row.push(
        c ? `${key} ${est(c[key] as Estimate | null)}` : '—',
        jv ? est(jv.ceiling.mean_human_vs_rest[key]) : '—',
        jv ? est(jv.ceiling.mean_judge_vs_rest[key]) : '—',
        jv ? num(jv.alt_test.winning_rate, 2) : '—',
        jv ? num(jv.alt_test.advantage_probability) : '—',
        jv ? (jv.alt_test.passed === null ? '—' : jv.alt_test.passed ? 'yes' : 'no') : '—',
      );
    }
    return row;
  });
  return table(head, rows);
}

/** The study's Markdown section: all raters, the pairs, the judge validation, then each dimension. */
export function renderAgreementMarkdown(result: AgreementResult, title: string): string {
  const out: string[] = [`## ${title}`, ''];
  out.push(
    `Intervals: 95% percentile bootstrap over items (${result.bootstrap.resamples} resamples, seed ${result.bootstrap.seed}); all raters, models and dimensions of an item are resampled together.`,
  );
  out.push('');
  out.push(coreSection(result));
  if (result.dimensions) {
    out.push('### By dimension', '');
    out.push(dimensionSummary(result.dimensions), '');
    for (const [d, r] of Object.entries(result.dimensions)) {
      out.push(`### Dimension ${d}`, '');
      out.push(coreSection(r).replace(/^### /gm, '#### '));
    }
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}
