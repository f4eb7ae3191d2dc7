/**
 * The judge card: one Markdown and one JSON file per judge of a finished run
 * (`RUN_DIR/cards/<judge>.md|json`). A card renders one entry of the run's judge audit
 * (`audit.json`, written by the pipeline's audit step from studies/audit.ts), section by section,
 * saying "not measured in this run" (with the reason) wherever the run has no data. Nothing is
 * computed here.
 */
import { mdText } from './escape-md.ts';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../io/errors.ts';
import { writeFileAtomic, writeJsonAtomic } from '../io/atomic.ts';
import type { Estimate } from '../schema/index.ts';
import { AuditResult } from '../schema/results/audit.ts';
import type { JudgeAudit, Section } from '../studies/audit.ts';

export type {
  AgreementEntry,
  AltTestEntry,
  CardConfiguration,
  CostEntry,
  FailureEntry,
  LengthEntry,
  OrderEntry,
  Section,
  ScoreBiasEntry,
  SelfPreferenceEntry,
  StabilityEntry,
} from '../studies/audit.ts';

/** A judge card is one judge's audit. */
export type JudgeCard = JudgeAudit;

/** Reads the cards of a finished run: the judges of its `audit.json`. */
export async function buildJudgeCards(runDir: string): Promise<JudgeCard[]> {
  const file = join(runDir, 'audit.json');
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch {
    throw new InputError('no audit.json in this run folder: finish the run with `judgekit run` (finished stages are reused), which writes it', { file });
  }
  const parsed = AuditResult.safeParse(JSON.parse(raw));
  if (!parsed.success) throw new InputError(`audit.json does not match its schema (${parsed.error.issues[0]?.message ?? 'invalid'})`, { file });
  return parsed.data.judges;
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
    if (pm.note) out.push(`_${mdText(pm.note)}._`, '');
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
  // the cards of a run are rendered from its audit.json (see buildJudgeCards)
  return writeCardFiles(runDir, await buildJudgeCards(runDir));
}

/** Writes cards already built (see writeJudgeCards); returns the paths written. */
export async function writeCardFiles(runDir: string, cards: JudgeCard[]): Promise<string[]> {
  const paths: string[] = [];
  const used = new Set<string>();
  // Two judges can share a name (LLMBar's "GPT-4" and a run's own gpt-4): the judge a judge stage of
  // this run ran keeps the plain file name, the other gets its source (the fingerprint's endpoint).
  const ranRank = (c: JudgeCard) => (c.configurations.some((x) => x.kind === 'judge') ? 0 : 1);
  const order = cards.map((c, i) => i).sort((a, b) => ranRank(cards[a]!) - ranRank(cards[b]!) || a - b);
  const bases = new Array<string>(cards.length);
  for (const i of order) {
    const c = cards[i]!;
    let base = cardFileName(c.judge);
    if (used.has(base.toLowerCase())) base = cardFileName(`${c.judge}-${c.key.split('|')[1] ?? c.key}`);
    for (let n = 2; used.has(base.toLowerCase()); n++) base = `${cardFileName(c.judge)}-${n}`;
    used.add(base.toLowerCase());
    bases[i] = base;
  }
  cards.forEach((c, i) => {
    paths.push(join(runDir, 'cards', `${bases[i]}.md`), join(runDir, 'cards', `${bases[i]}.json`));
  });
  for (let i = 0; i < cards.length; i++) {
    await writeFileAtomic(paths[2 * i]!, renderJudgeCardMarkdown(cards[i]!));
    await writeJsonAtomic(paths[2 * i + 1]!, cards[i]!);
  }
  return paths;
}
