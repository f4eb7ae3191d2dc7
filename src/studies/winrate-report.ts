/**
 * Markdown rendering of the win-ratio study (per rater: record, win ratio, Bradley–Terry score and
 * rank with intervals; the win-ratio matrix; the human-versus-judge comparison, overall and per
 * dimension) and of swap-consistency tables (e.g. the shipped LLMBar verdicts).
 */
import type { Estimate } from '../schema/index.ts';
import type { SwapRow } from './swap.ts';
import type { MajorityReport, ScopeResult, WinrateResult } from './winrate.ts';
import { mdCode, mdText } from '../report/escape-md.ts';

function f(x: number | null | undefined, digits = 3): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits);
}

function ci(e: Estimate | null | undefined, digits = 3): string {
  if (!e || e.value === null) return '–';
  if (e.ci_low === null || e.ci_high === null) return f(e.value, digits);
  return `${f(e.value, digits)} [${f(e.ci_low, digits)}, ${f(e.ci_high, digits)}]`;
}

const count = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(1));

function raterTables(scope: ScopeResult, L: string[], level: string, withMatrix: boolean): void {
  for (const [rater, r] of Object.entries(scope.raters)) {
    L.push(`${level} Rater ${mdCode(rater)}`, '');
    const bt = r.bt.model === 'davidson' ? `Davidson ties${r.bt.tie_parameter !== null ? ` (ν = ${f(r.bt.tie_parameter)})` : ''}` : r.bt.model === 'half' ? 'ties as half-wins' : 'decisive outcomes only';
    const notes = [`${r.n_comparisons} comparisons on ${r.n_items} items`, `${r.failures} failed`, `Bradley–Terry with ${bt}`];
    if (r.bt.regularized) notes.push(`ridge λ = ${r.bt.ridge} because the win graph has ${r.bt.components} strongly connected parts (a model never won or never lost, or the comparisons are disconnected), so the scores rest partly on the prior`);
    L.push(notes.join('; ') + '.', '');
    L.push('| Rank | Model | Wins | Losses | Ties | n | Win ratio | BT score | Rank interval |', '|---:|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const model of r.ranking) {
      const m = r.models[model]!;
      const rk = m.rank_ci.ci_low === null ? '–' : `${f(m.rank_ci.ci_low, 1)}–${f(m.rank_ci.ci_high, 1)}`;
      L.push(`| ${f(m.rank, 1).replace(/\.0$/, '')} | ${mdText(model)} | ${count(m.wins)} | ${count(m.losses)} | ${count(m.ties)} | ${count(m.n)} | ${ci(m.win_ratio)} | ${ci(m.bt_score)} | ${rk} |`);
    }
    L.push('');
    if (withMatrix && r.ranking.length > 1 && r.ranking.length <= 12) {
      L.push('Win ratio of the row model against the column model:', '');
      L.push(`| | ${r.ranking.map(mdText).join(' | ')} |`, `|---|${r.ranking.map(() => '---:').join('|')}|`);
      for (const a of r.ranking) L.push(`| ${mdText(a)} | ${r.ranking.map((b) => (a === b ? '' : f(r.matrix[a]?.[b]?.win_ratio ?? null))).join(' | ')} |`);
      L.push('');
    }
  }
}

function compareRows(label: string, scope: ScopeResult): string | null {
  const c = scope.compare;
  if (!c) return null;
  const who = c.max_abs_win_ratio_diff_model ? ` (${mdText(c.max_abs_win_ratio_diff_model)})` : '';
  return `| ${label} | ${c.models.length} | ${ci(c.spearman)} | ${ci(c.kendall_tau_b)} | ${ci(c.max_abs_win_ratio_diff)}${who} | ${ci(c.pair_agreement_with_ties)} (n=${c.n_pairs_with_ties}) | ${ci(c.pair_agreement_without_ties)} (n=${c.n_pairs_without_ties}) |`;
}

/** The study as Markdown under a level-2 heading. `majority` documents a derived majority rater. */
export function renderWinrateMarkdown(result: WinrateResult, title = 'Win ratios', extra: { majority?: MajorityReport; swap?: SwapRow[]; swapTitle?: string } = {}): string {
  const L: string[] = [`## ${title}`, ''];
  const tiesText = result.ties === 'half' ? 'win ratio = (wins + ties/2) / n' : 'win ratio = wins / (wins + losses), ties dropped';
  const base = result.baseline ? `each model against the baseline \`${result.baseline}\`` : 'each model against all others';
  L.push(`${result.n_ok} comparisons on ${result.n_items} items, ${base}; ${tiesText}.`);
  if (result.failures.total > 0) {
    const parts = Object.entries(result.failures.by_status).map(([s, n]) => `${n} ${s}`);
    const byRater = Object.entries(result.failures.by_rater).map(([r, n]) => `${mdText(r)}: ${n}`);
    L.push(`Failed verdicts, left out (never counted as ties): ${result.failures.total} (${parts.join(', ')}; ${byRater.join(', ')}).`);
  }
  if (extra.majority) {
    const m = extra.majority;
    L.push(`Rater ${mdCode(m.rater)} is the strict majority of ${m.from.map(mdCode).join(', ')}: ${m.n_majority} of ${m.n_groups} comparisons have one; ${m.without_majority.length} without a majority are left out.`);
  }
  L.push(
    result.resamples > 0
      ? `Intervals: ${Math.round(result.level * 100)}% percentile bootstrap over items (all pairs and raters of an item resampled together), ${result.resamples} resamples, seed ${result.seed}.`
      : 'No bootstrap intervals (0 resamples).',
    'BT score: Bradley–Terry log-strength, centred so that the scores of a rater sum to 0.',
    '',
  );

  const cmpHeader = ['| Scope | Models | Spearman ρ | Kendall τ-b | Max abs. win-ratio diff. | Pair agreement with ties | without ties |', '|---|---:|---:|---:|---:|---:|---:|'];
  if (result.compare) {
    L.push(`### ${mdCode(result.compare.rater_a)} versus ${mdCode(result.compare.rater_b)}`, '', ...cmpHeader);
    L.push(compareRows('overall', result)!);
    for (const [d, s] of Object.entries(result.dimensions ?? {})) {
      const row = compareRows(d, s);
      if (row) L.push(row);
    }
    L.push('', `Correlations are between the two raters' win ratios over the models both judged; pair agreement is over the comparisons both judged, MT-Bench style (without ties: comparisons where either said tie are left out).`, '');
  }

  raterTables(result, L, '###', true);
  for (const [d, s] of Object.entries(result.dimensions ?? {})) {
    L.push(`### Dimension \`${d}\``, '');
    raterTables(s, L, '####', false);
  }
  if (extra.swap?.length) L.push(renderSwapMarkdown(extra.swap, extra.swapTitle ?? 'Swap consistency', '###'));
  return L.join('\n').replace(/\n{3,}/g, '\n\n');
}

/** Swap consistency per set, judge and strategy (judgekit's definitions; see studies/swap.ts). */
export function renderSwapMarkdown(rows: readonly SwapRow[], title = 'Swap consistency', heading = '##'): string {
  const L: string[] = [`${heading} ${title}`, ''];
  L.push(
    'Each pair was judged in both orders. Flip rate: share of pairs whose two verdicts differ (pairs with a failed order left out and counted under "Failed"). First position: share of decisive verdicts that chose the answer shown first (0.5 = no preference). Accuracy: mean over both orders of ok verdicts against the gold label; both correct: both orders right.',
    '',
    '| Set | Judge | Strategy | Pairs | Failed | Flip rate | First position | Flips to first / second | Accuracy | Both orders correct |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const r of rows) {
    const s = r.stats;
    L.push(`| ${mdText(r.set)} | ${mdText(r.judge)} | ${r.strategy} | ${s.n_items} | ${s.n_failed} | ${ci(s.flip_rate)} | ${ci(s.first_position_rate)} | ${s.flips_to_first} / ${s.flips_to_second} | ${ci(s.accuracy_mean)} | ${ci(s.both_orders_correct)} |`);
  }
  L.push('');
  return L.join('\n');
}
