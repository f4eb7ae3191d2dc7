/**
 * The Markdown section of the rubric-tuning study (`judgekit tune`, the pipeline's tuning stage). It
 * says first how the items were split, so that nobody reads a held-out number as in-sample or the
 * other way round. Undefined statistics print as "—".
 */
import type { Estimate } from '../schema/index.ts';
import { statisticsFor, type StatSet, type TuningResult, type TuningStatistic } from './tuning.ts';
import { mdText } from '../report/escape-md.ts';

const num = (x: number | null | undefined, d = 3): string => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(d));
const signed = (x: number | null | undefined, d = 3): string => (x === null || x === undefined || !Number.isFinite(x) ? '—' : (x > 0 ? '+' : '') + x.toFixed(d));

function est(e: Estimate | null | undefined, sign = false): string {
  if (!e || e.value === null) return '—';
  const f = sign ? signed : num;
  if (e.ci_low === null || e.ci_high === null) return f(e.value);
  return `${f(e.value)} [${f(e.ci_low)}, ${f(e.ci_high)}]`;
}

function table(head: string[], rows: string[][]): string {
  const esc = mdText;
  return [`| ${head.map(esc).join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join(
    '\n',
  );
}

export const STAT_LABEL: Record<TuningStatistic, string> = {
  kappa: 'κ',
  alpha: 'α',
  spearman: 'Spearman ρ',
  pearson: 'Pearson r',
  agreement: '% agreement',
};

function statHeads(r: TuningResult): string[] {
  return statisticsFor(r.level).map((k) => {
    if (k === 'kappa') return r.level === 'nominal' ? "Cohen's κ vs majority" : 'mean quadratic κ vs each human';
    if (k === 'alpha') return `Krippendorff α (${r.level}, judge + humans)`;
    if (k === 'agreement') return '% agreement vs majority';
    return `${STAT_LABEL[k]} vs human mean`;
  });
}

const statCells = (r: TuningResult, s: StatSet, sign = false) => statisticsFor(r.level).map((k) => est(s[k], sign));

/** Describes the split in one sentence (also used by the judge card). */
export function describeSplit(r: TuningResult): string {
  const s = r.split;
  if (s.method === 'holdout') {
    return `Held-out split (seed ${s.seed}): ${s.n_tune} of ${r.n_items} items to choose the winner on, ${s.n_test} items (test fraction ${s.test_fraction}) held out; every number below except "tuning part" is on the held-out items only.`;
  }
  return `${s.folds}-fold cross-validation (seed ${s.seed}) over ${r.n_items} items: each fold held out once (${s.n_test.join(', ')} items), the winner chosen on the other folds; candidates' numbers pool the held-out folds (= all items).`;
}

export function renderTuningMarkdown(r: TuningResult, title = 'Rubric tuning'): string {
  const out: string[] = [`## ${title}`, ''];
  const selLabel = STAT_LABEL[r.statistic];
  out.push(
    `${r.candidates.length} candidate(s) (${r.candidates.join(', ')}) against ${r.humans.length} human(s) (${r.humans.join(', ')}), level ${r.level}, ` +
      `${r.n_items} items / ${r.n_units} rated units${r.dimensions.length ? ` in ${r.dimensions.length} dimensions` : ''}. Winner chosen by ${selLabel}.`,
    '',
    `**${describeSplit(r)}**`,
    '',
  );
  const fail = Object.entries(r.failures).filter(([, f]) => Object.keys(f).length);
  if (fail.length) {
    out.push(`Failed ratings (left out, never scored): ${fail.map(([c, f]) => `${c}: ${Object.entries(f).map(([k, v]) => `${k} ${v}`).join(', ')}`).join('; ')}.`, '');
  }
  if (r.no_majority) out.push(`${r.no_majority} unit(s) have no strict human majority and are left out of κ and % agreement.`, '');

  out.push(`### Candidates${r.split.method === 'holdout' ? ' on the held-out items' : ' (pooled held-out folds)'}`, '');
  const rows = r.evaluation.map((c) => [c.candidate + (c.candidate === r.winner ? ' (winner)' : ''), String(c.n_units), ...statCells(r, c.stats)]);
  if (r.selected_pooled) rows.push(['the tuning procedure (each fold\'s winner)', String(r.selected_pooled.n_units), ...statCells(r, r.selected_pooled.stats)]);
  out.push(table(['Candidate', 'n', ...statHeads(r)], rows), '');
  if (r.split.method === 'holdout') {
    out.push(`Winner **${r.winner}**: ${selLabel} ${num(r.winner_tune_value)} on the tuning part (in-sample), ${num(r.winner_test_value)} held out.`, '');
  } else if (r.folds && r.wins) {
    out.push(`Wins per fold: ${Object.entries(r.wins).map(([c, w]) => `${c} ${w}/${r.folds!.length}`).join(', ')}; most frequent winner **${r.winner}**.`, '');
    out.push(
      table(
        ['Fold', 'n tune', 'n test', 'winner', ...r.candidates.map((c) => `${c}: ${selLabel} tune / test`)],
        r.folds.map((f) => [String(f.fold + 1), String(f.n_tune), String(f.n_test), f.winner, ...r.candidates.map((c) => `${num(f.tune[c])} / ${num(f.test[c])}`)]),
      ),
      '',
    );
  }
  if (r.differences.length) {
    out.push('### Differences (paired bootstrap over items: both candidates on the same resampled items)', '');
    if (fail.length) out.push('Each candidate is scored on the units it rated successfully, so candidates with failures are compared on slightly different units (the failures are listed above).', '');
    out.push(table(['b − a', ...statHeads(r)], r.differences.map((d) => [`${d.b} − ${d.a}`, ...statCells(r, d.stats, true)])), '');
    if (r.dimensions.length) {
      const sel = r.statistic;
      out.push(`Per dimension (${selLabel}):`, '');
      out.push(
        table(
          ['Dimension', ...r.differences.map((d) => `${d.b} − ${d.a}`)],
          r.dimensions.map((dim) => [dim, ...r.differences.map((d) => est(d.dimensions?.[dim]?.[sel], true))]),
        ),
        '',
      );
    }
  }
  if (r.dimensions.length) {
    out.push(`### Per criterion${r.split.method === 'holdout' ? ' (held-out items)' : ''}`, '');
    for (const c of r.evaluation) {
      out.push(`${c.candidate}:`, '');
      out.push(table(['Dimension', 'n', ...statHeads(r)], r.dimensions.map((d) => [d, String(c.dimensions?.[d]?.n_units ?? 0), ...statCells(r, c.dimensions![d]!.stats)])), '');
    }
  }

  if (!r.dimensions.length) {
    out.push('### Diagnostics', '', '_No dimension column: no per-criterion diagnostics (criteria agreement, correlations between criteria, re-weighting)._', '');
  }
  if (r.dimensions.length) out.push('### Diagnostics (all items)', '');
  for (const d of r.dimensions.length ? r.diagnostics : []) {
    out.push(`#### ${d.candidate}`, '');
    if (d.criteria.length) {
      const low = d.criteria[0]!;
      out.push(
        `Criteria by agreement with the humans (${selLabel}, lowest first: the ones this judge verifies least): ` +
          d.criteria.map((c) => `${c.dimension} ${est(c.stats[r.statistic])}`).join('; ') +
          `. Lowest: **${low.dimension}**.`,
        '',
      );
    }
    if (d.correlations) {
      const c = d.correlations;
      out.push(`Spearman ρ between this judge's criterion scores (flagged: |ρ| ≥ ${c.threshold}):`, '');
      out.push(table(['', ...c.dimensions], c.dimensions.map((a, i) => [a, ...c.dimensions.map((_, j) => (i === j ? '1' : num(c.matrix[i]![j], 2) + (c.flagged.some((f) => (f.a === a && f.b === c.dimensions[j]) || (f.b === a && f.a === c.dimensions[j])) ? ' ⚑' : '')))])), '');
      out.push(c.flagged.length ? `Criteria that say the same thing: ${c.flagged.map((f) => `${f.a} ~ ${f.b} (ρ = ${num(f.rho, 2)}, n = ${f.n})`).join('; ')}.` : `No pair of criteria reaches |ρ| ≥ ${c.threshold}.`, '');
    }
    if (d.weights) {
      const w = d.weights;
      out.push('Weighted totals per model (rank in parentheses) under other weights; τ-b against the ranking under the rubric\'s weights and against the humans\' ranking:', '');
      const head = ['Weights', ...w.models, 'τ-b vs rubric', 'τ-b vs humans'];
      const rows2 = w.rankings.map((k) => [k.name, ...w.models.map((m) => `${num(k.totals[m], 1)} (${num(k.ranks[m], 1)})`), num(k.kendall_tau_b_vs_rubric), num(k.kendall_tau_b_vs_humans)]);
      if (w.humans) rows2.push(['humans, rubric weights', ...w.models.map((m) => `${num(w.humans!.totals[m], 1)} (${num(w.humans!.ranks[m], 1)})`), '', '']);
      out.push(table(head, rows2), '');
    }
    for (const n of d.notes) out.push(`- ${n}`);
    if (d.notes.length) out.push('');
  }
  if (r.notes.length) out.push(...r.notes.map((n) => `- ${n}`), '');
  out.push(`Intervals: 95% percentile bootstrap over items, ${r.bootstrap.resamples} resamples, seed ${r.bootstrap.seed}.`);
  return out.join('\n');
}
