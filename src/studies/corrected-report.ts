import type { CorrectedModel, CorrectedResult, Method } from './corrected.ts';

const LABELS: Record<Method, string> = {
  judge_naive: 'judge (naive)',
  human_only: 'humans only',
  ppi: 'PPI',
  ppi_plus_plus: 'PPI++',
  stratified_ppi: 'stratified PPI',
  rogan_gladen: 'Rogan–Gladen',
};

function f(x: number, digits: number): string {
  return x.toFixed(digits);
}

function cell(e: { value: number; ci_low: number; ci_high: number } | null | undefined, d: number): string {
  return e ? `${f(e.value, d)} [${f(e.ci_low, d)}, ${f(e.ci_high, d)}]` : '—';
}

/**
 * One text line per estimate on a common scale: `├──●──┤` spans the interval, so a judge's bias
 * shows at a glance as its naive interval sitting away from the human-only and corrected ones.
 */
function whisker(e: { value: number; ci_low: number; ci_high: number }, lo: number, hi: number, width = 48): string {
  const pos = (x: number): number => Math.max(0, Math.min(width - 1, Math.round(((x - lo) / (hi - lo || 1)) * (width - 1))));
  const chars = Array.from({ length: width }, () => ' ');
  const a = pos(e.ci_low);
  const b = pos(e.ci_high);
  for (let i = a; i <= b; i++) chars[i] = '─';
  chars[a] = '├';
  chars[b] = '┤';
  chars[pos(e.value)] = '●';
  return chars.join('');
}

export function renderCorrectedMarkdown(r: CorrectedResult, title: string): string {
  const d = r.target === 'win_ratio' ? 3 : 2;
  const level = `${Math.round((1 - r.alpha) * 1000) / 10}%`;
  const methods = (['judge_naive', 'human_only', 'ppi', 'ppi_plus_plus', 'stratified_ppi', 'rogan_gladen'] as const).filter((m) =>
    Object.values(r.models).some((x) => x[m] !== undefined),
  );
  const out: string[] = [`## ${title}`, ''];
  const what = r.target === 'win_ratio' ? 'win ratio (win 1, tie ½, loss 0)' : `score${r.dimension ? ` (${r.dimension})` : ''}`;
  out.push(
    `Each model's ${what} on the humans' scale: the judge's naive mean, the humans' mean on the labelled units, and the judge-corrected estimates (gold = ${r.humans.length === 1 ? `rater ${r.humans[0]}` : `mean of ${r.humans.join(', ')}`}; judge ${r.judge}), with ${level} intervals.`,
    '',
  );
  out.push(`| model | labelled | unlabelled | ${methods.map((m) => LABELS[m]).join(' | ')} | judge bias (judge − gold) |`);
  out.push(`|---|---:|---:|${methods.map(() => '---|').join('')}---|`);
  for (const [name, m] of Object.entries(r.models)) {
    const cells = methods.map((k) => {
      const e = m[k];
      if (k === 'ppi_plus_plus' && m.ppi_plus_plus) return `${cell(e, d)} λ=${f(m.ppi_plus_plus.lambda, 2)}`;
      if (k === 'rogan_gladen' && m.rogan_gladen) return `${cell(e, 3)} (sens ${f(m.rogan_gladen.sensitivity, 2)}, spec ${f(m.rogan_gladen.specificity, 2)})`;
      return cell(e, d);
    });
    out.push(`| ${name} | ${m.n_labelled} | ${m.n_unlabelled} | ${cells.join(' | ')} | ${cell(m.bias, d)} |`);
  }
  out.push('');

  if (r.label_fraction) {
    const lf = r.label_fraction;
    out.push(`Human ratings kept on ${lf.items_kept} of ${lf.items_with_humans} items (fraction ${lf.fraction}, seeded); the others count as judge-only. Check against the humans' mean over every unit:`, '');
    out.push('| model | humans, all units | humans, kept units | PPI++ |', '|---|---|---|---|');
    for (const [name, m] of Object.entries(r.models)) out.push(`| ${name} | ${cell(m.human_all, d)} | ${cell(m.human_only, d)} | ${cell(m.ppi_plus_plus, d)} |`);
    out.push('');
  }

  const shown = (['judge_naive', 'human_only', 'ppi_plus_plus', 'stratified_ppi'] as const).filter((k) => methods.includes(k));
  const all = Object.values(r.models).flatMap((m) => shown.map((k) => m[k]).filter((e): e is NonNullable<typeof e> => !!e));
  if (all.length) {
    const lo = Math.min(...all.map((e) => e.ci_low));
    const hi = Math.max(...all.map((e) => e.ci_high));
    out.push(`Intervals on one scale (${f(lo, d)} to ${f(hi, d)}):`, '', '```');
    const pad = Math.max(...Object.keys(r.models).map((k) => k.length), 5) + 2 + Math.max(...shown.map((k) => LABELS[k].length));
    for (const [name, m] of Object.entries(r.models)) {
      for (const k of shown) {
        const e = m[k];
        if (e) out.push(`${`${name}  ${LABELS[k]}`.padEnd(pad)}  ${whisker(e, lo, hi)}  ${f(e.value, d)}`);
      }
      out.push('');
    }
    out.push('```', '');
  }

  out.push('Ranking under each estimate (best first):', '');
  for (const [k, order] of Object.entries(r.rankings)) out.push(`- ${LABELS[k as Method] ?? k}: ${order.join(' > ')}`);
  out.push('');

  const plans = Object.entries(r.models).filter(([, m]) => m.plan);
  if (plans.length) {
    out.push(`Human labels needed for a ${level} interval of full width ${plans[0]![1].plan!.width} (from the pilot's judge–human covariance, judge-only units held at their current number):`, '');
    out.push('| model | humans only | PPI++ |', '|---|---:|---:|');
    for (const [name, m] of plans) out.push(`| ${name} | ${m.plan!.human_only} | ${m.plan!.ppi_plus_plus} |`);
    out.push('');
  }
  const notes = Object.entries(r.models).flatMap(([name, m]: [string, CorrectedModel]) => m.notes.map((n) => `- ${name}: ${n}`));
  const left = Object.entries(r.counts).filter(([, c]) => c > 0);
  if (left.length) notes.push(`- left out: ${left.map(([k, c]) => `${k.replace(/_/g, ' ')} ${c}`).join(', ')}`);
  if (notes.length) out.push('Notes:', '', ...notes, '');
  return out.join('\n');
}
