import type { z } from 'zod';
import type { CorrectedStage } from '../../schema/experiment.ts';
import { InputError } from '../../io/errors.ts';
import { readItems } from '../../io/records.ts';
import { readRows } from '../../io/rows.ts';
import { runCorrected, type CorrectionRow } from '../../studies/corrected.ts';
import { renderCorrectedMarkdown } from '../../studies/corrected-report.ts';
import { resolveFrom } from '../config.ts';
import { resolveInput, type StageContext, type StageOutcome } from '../stage.ts';
import { judgeStageLabels } from './agreement.ts';

export interface CorrectionColumns {
  item?: string | undefined;
  rater?: string | undefined;
  value?: string | undefined;
  dimension?: string | undefined;
  /** The strata column (required on every row when given). */
  strata?: string | undefined;
}

const NUMERIC = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/**
 * Reads long-form ratings for the corrected-score study: item, rater, value, and `model` or
 * `model_a`/`model_b`, `dimension`, the strata column. Numeric-looking values become numbers; an
 * empty value is no rating. The same rating twice is an error naming its line.
 */
export async function readCorrectionRows(file: string, cols: CorrectionColumns = {}): Promise<CorrectionRow[]> {
  const c = { item: cols.item ?? 'item_id', rater: cols.rater ?? 'rater', value: cols.value ?? 'value', dimension: cols.dimension ?? 'dimension' };
  const str = (x: unknown): string | undefined => (x === undefined || x === null || x === '' ? undefined : String(x));
  const out: CorrectionRow[] = [];
  const seen = new Map<string, number>();
  let first = true;
  for await (const row of readRows(file)) {
    const v = row.value;
    if (first) {
      for (const col of [c.item, c.rater, c.value, ...(cols.dimension ? [cols.dimension] : []), ...(cols.strata ? [cols.strata] : [])]) {
        if (!(col in v)) throw new InputError(`missing column "${col}"`, { file, line: 1, field: col });
      }
      first = false;
    }
    let value = v[c.value];
    if (value === '' || value === null || value === undefined) continue;
    if (typeof value === 'string' && NUMERIC.test(value.trim())) value = Number(value);
    if (typeof value !== 'string' && typeof value !== 'number') throw new InputError('a value must be a number or a word', { file, line: row.line, field: c.value });
    const item = str(v[c.item]);
    const rater = str(v[c.rater]);
    if (!item) throw new InputError('empty item id', { file, line: row.line, field: c.item });
    if (!rater) throw new InputError('empty rater', { file, line: row.line, field: c.rater });
    const stratum = cols.strata ? str(v[cols.strata]) : undefined;
    if (cols.strata && stratum === undefined) throw new InputError(`empty stratum`, { file, line: row.line, field: cols.strata });
    const r: CorrectionRow = {
      item_id: item,
      rater,
      value,
      model: str(v.model),
      model_a: str(v.model_a),
      model_b: str(v.model_b),
      dimension: str(v[c.dimension]),
      stratum,
      line: row.line,
    };
    const key = [r.item_id, r.rater, r.dimension ?? '', r.model ?? '', r.model_a ?? '', r.model_b ?? ''].join('\u0000');
    const before = seen.get(key);
    if (before !== undefined) throw new InputError(`rater "${rater}" rates this unit twice (first on line ${before})`, { file, line: row.line, field: c.item });
    seen.set(key, row.line);
    out.push(r);
  }
  return out;
}

/** Each item's stratum as the judge stage's items give it: the item field named `strata`, else its meta key. */
async function judgeItemStrata(reader: string, judgeStage: string, strata: string, ctx: StageContext): Promise<Map<string, string>> {
  const upstream = ctx.stages?.get(judgeStage);
  if (!upstream || upstream.kind !== 'judge') throw new InputError(`stage "${reader}": judge_stage "${judgeStage}" is not a judge stage of this experiment`);
  const out = new Map<string, string>();
  for (const [id, item] of await readItems(resolveInput(ctx, upstream.items, 'items'))) {
    const v = (item as Record<string, unknown>)[strata] ?? item.meta?.[strata];
    if (typeof v === 'string' || typeof v === 'number') out.set(id, String(v));
  }
  return out;
}

/** Judge-corrected model scores: a judge (a rater of the labels, or an earlier judge stage) corrected by the humans' labels. */
export async function runCorrectedStage(stage: z.infer<typeof CorrectedStage>, ctx: StageContext): Promise<StageOutcome> {
  const file = resolveFrom(ctx.configDir, stage.labels);
  const cols = { ...stage.columns, strata: stage.strata };
  let rows = await readCorrectionRows(file, cols);
  let judge = stage.judge;
  if (stage.judge_stage) {
    const added = await judgeStageLabels(stage.judge_stage, ctx, stage.name);
    if (rows.some((r) => r.rater === added.name)) throw new InputError(`stage "${stage.name}": the labels already have a rater "${added.name}"; name the judge with judge_stage.name`, { file });
    // A judged unit takes its stratum from the labels (the judge's ledger has no strata column), and
    // one the humans did not rate from the judge stage's item (its field or meta key of that name):
    // without it the unlabelled units, which stratified PPI needs most, would have none.
    const strata = new Map(rows.map((r) => [`${r.item_id}\u0000${r.model ?? ''}`, r.stratum]));
    const itemStrata = stage.strata !== undefined ? await judgeItemStrata(stage.name, stage.judge_stage.stage, stage.strata, ctx) : new Map<string, string>();
    rows = [
      ...rows,
      ...added.labels.map((l) => ({ ...l, stratum: strata.get(`${l.item_id}\u0000${l.model ?? ''}`) ?? strata.get(`${l.item_id}\u0000`) ?? itemStrata.get(l.item_id) })),
    ];
    judge = added.name;
  }
  const result = runCorrected(rows, {
    judge: judge!,
    humans: stage.gold !== undefined ? [stage.gold] : stage.humans,
    dimension: stage.dimension,
    strata: stage.strata,
    threshold: stage.threshold,
    alpha: stage.alpha,
    seed: ctx.seed,
    bootstrap: stage.bootstrap ?? ctx.resamples,
    planWidth: stage.plan_width,
    labelFraction: stage.label_fraction,
    file,
  });
  const counts: Record<string, number> = {};
  for (const m of Object.values(result.models)) {
    counts.labelled = (counts.labelled ?? 0) + m.n_labelled;
    counts.unlabelled = (counts.unlabelled ?? 0) + m.n_unlabelled;
  }
  for (const [k, v] of Object.entries(result.counts)) counts[k] = v;
  return { result, files: [], counts, cost_usd: 0, markdown: renderCorrectedMarkdown(result, stage.title ?? 'Judge-corrected scores') };
}
