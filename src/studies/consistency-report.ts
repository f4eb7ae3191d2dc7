/**
 * Markdown rendering of the consistency study: the per-model 2 × 2 summary, the discordant pairs
 * (the first 20 of each kind; the JSON lists all), and the base/fine-tune comparisons.
 */
import type { ConsistencyResult, ModelConsistency } from './consistency.ts';
import type { PairedTest } from './paired.ts';

/** How many discordant pair ids of each kind the Markdown lists per model. */
export const MARKDOWN_DISCORDANT_LIMIT = 20;

function f(x: number | null | undefined, digits = 3): string {
  return x === null || x === undefined ? '–' : x.toFixed(digits);
}

/** p-values: 3 significant digits, small ones in scientific notation. */
export function formatP(p: number | null | undefined): string {
  if (p === null || p === undefined) return '–';
  if (p === 0) return '0';
  if (p < 0.001) return p.toExponential(2);
  return String(Number(p.toPrecision(3)));
}

function withCi(m: ModelConsistency, key: 'agreement' | 'kappa' | 'mcq_accuracy' | 'open_accuracy'): string {
  const v = f(m[key]);
  const iv = m.intervals?.[key];
  if (!iv || iv.ci_low === null || iv.ci_high === null) return v;
  return `${v} [${f(iv.ci_low)}, ${f(iv.ci_high)}]`;
}

function listIds(ids: string[]): string {
  if (ids.length === 0) return '(none)';
  const shown = ids.slice(0, MARKDOWN_DISCORDANT_LIMIT).map((id) => `\`${id}\``).join(', ');
  return ids.length > MARKDOWN_DISCORDANT_LIMIT ? `${shown}, … (${ids.length - MARKDOWN_DISCORDANT_LIMIT} more in the JSON)` : shown;
}

function pairedRow(label: string, t: PairedTest | null): string {
  if (!t) return `| ${label} | – | – | – | – | – | – | – | – |`;
  return `| ${label} | ${t.n} | ${f(t.base_mean)} | ${f(t.tuned_mean)} | ${t.tuned_better} / ${t.base_better} / ${t.ties} | ${formatP(t.sign_test_p)} | ${formatP(t.wilcoxon_p)} (${t.wilcoxon_method}) | ${f(t.effect_size_r)} | ${f(t.rank_biserial)} |`;
}

const PAIRED_HEADER = [
  '| Comparison | Units | Base mean | Tuned mean | Tuned better / base better / tie | Sign test p | Wilcoxon p | r | Rank-biserial |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
];

/** The study as Markdown, under a level-2 heading `title`. */
export function renderConsistencyMarkdown(result: ConsistencyResult, title = 'MCQ ↔ open-ended consistency'): string {
  const L: string[] = [`## ${title}`, ''];
  const form =
    result.open_form === 'score'
      ? `Open-ended counts as right when its score is at least ${result.threshold}.`
      : 'Open-ended outcomes are 0/1 as given.';
  L.push(
    `${result.pairs} question pairs, ${Object.keys(result.models).length} model(s). ${form} Pairs with an empty cell are left out for that model (column "Excl."), never scored as wrong.`,
    '',
    '| Model | n | Both | MCQ only | Open only | Neither | Agreement | φ | κ | McNemar exact p | mid-p | MCQ acc. | Open acc. | Excl. |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  const models = Object.values(result.models);
  for (const m of models) {
    L.push(
      `| ${m.model} | ${m.n} | ${m.both} | ${m.mcq_only} | ${m.open_only} | ${m.neither} | ${withCi(m, 'agreement')} | ${f(m.phi)} | ${withCi(m, 'kappa')} | ${formatP(m.mcnemar_exact_p)} | ${formatP(m.mcnemar_midp)} | ${withCi(m, 'mcq_accuracy')} | ${withCi(m, 'open_accuracy')} | ${m.excluded} |`,
    );
  }
  L.push('');
  if (result.bootstrap) L.push(`Intervals: ${Math.round(result.bootstrap.level * 100)}% item-level percentile bootstrap, ${result.bootstrap.resamples} resamples, seed ${result.bootstrap.seed}.`, '');
  L.push('φ is undefined (–) when one form is constant for a model (a row or column total of 0); κ is undefined when both forms are constant.', '');

  L.push('### Discordant pairs', '', `First ${MARKDOWN_DISCORDANT_LIMIT} of each kind; the JSON result lists all of them.`, '');
  for (const m of models) {
    L.push(`**${m.model}**`, '');
    L.push(`- MCQ right, open-ended wrong (${m.mcq_only}; option leakage or a guess): ${listIds(m.mcq_only_ids)}`);
    L.push(`- Open-ended right, MCQ wrong (${m.open_only}; a distractor or an extraction problem): ${listIds(m.open_only_ids)}`);
    L.push('');
  }

  if (result.paired && Object.keys(result.paired).length > 0) {
    L.push(
      '### Base versus fine-tuned',
      '',
      'Two-sided sign test and Wilcoxon signed-rank test of tuned − base over paired units (zero differences dropped); r = Z/√n, positive when the fine-tune is higher.',
      '',
    );
    for (const [key, c] of Object.entries(result.paired)) {
      L.push(`**${c.base} → ${c.tuned}** (\`${key}\`)`, '', ...PAIRED_HEADER);
      L.push(pairedRow('MCQ, over items', c.mcq));
      L.push(pairedRow('Open-ended (right/wrong), over items', c.open));
      if (c.open_score) L.push(pairedRow('Open-ended score, over items', c.open_score));
      if (c.by_task) {
        L.push(pairedRow('MCQ, over tasks', c.by_task.mcq));
        L.push(pairedRow('Open-ended (right/wrong), over tasks', c.by_task.open));
        if (c.by_task.open_score) L.push(pairedRow('Open-ended score, over tasks', c.by_task.open_score));
      }
      if (c.by_dimension) L.push(pairedRow(`Open-ended, over rubric dimensions (${(c.by_dimension.units ?? []).join(', ')})`, c.by_dimension));
      L.push('');
    }
    if (result.paired_pooled) {
      const p = result.paired_pooled;
      L.push(`**All pairs pooled** (${p.pairs.join(', ')}; one unit per ${p.mcq.unit})`, '', ...PAIRED_HEADER);
      L.push(pairedRow('MCQ', p.mcq));
      L.push(pairedRow('Open-ended (right/wrong)', p.open));
      if (p.open_score) L.push(pairedRow('Open-ended score', p.open_score));
      L.push('');
    }
  }
  if (result.warnings.length > 0) L.push('### Warnings', '', ...result.warnings.map((w) => `- ${w}`), '');
  return L.join('\n');
}
