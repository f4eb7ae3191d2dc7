/**
 * What the viewer answers, as pure functions over a loaded run: filtered pages of rows, the values
 * each filter can take, one row's drill-down, the units where the judge and the humans disagree
 * most, and what changed between two runs of the same experiment.
 */
import type { Item } from '../schema/item.ts';
import type { RunIndex, ViewRow } from './run-index.ts';

export const FILTERS = ['stage', 'source', 'model', 'item', 'task', 'status', 'criterion', 'rater'] as const;
export type Filter = Partial<Record<(typeof FILTERS)[number], string>>;

/** A row as the table shows it (no full record). */
export interface RowSummary {
  id: number;
  stage: string;
  source: string;
  item_id: string;
  model: string;
  task: string;
  status: string;
  rater: string;
  criteria: string[];
  shown: string;
}

export function summary(r: ViewRow, criterion?: string): RowSummary {
  const v = criterion !== undefined ? r.values[criterion] : undefined;
  return {
    id: r.id,
    stage: r.stages.join(', '),
    source: r.source,
    item_id: r.item_id,
    model: r.model,
    task: r.task,
    status: r.status,
    rater: r.rater,
    criteria: r.criteria,
    shown: v !== undefined && r.criteria.length > 1 ? `${criterion} ${v ?? '—'} · ${r.shown}` : r.shown,
  };
}

/** Whether a row passes a filter; `item` matches a part of the id, everything else exactly. */
export function matches(r: ViewRow, f: Filter): boolean {
  if (f.stage && !r.stages.includes(f.stage)) return false;
  if (f.source && r.source !== f.source) return false;
  if (f.model && r.model !== f.model && r.model_a !== f.model && r.model_b !== f.model) return false;
  if (f.item && !r.item_id.includes(f.item)) return false;
  if (f.task && r.task !== f.task) return false;
  if (f.status && r.status !== f.status) return false;
  if (f.criterion && !r.criteria.includes(f.criterion)) return false;
  if (f.rater && r.rater !== f.rater) return false;
  return true;
}

/** One page of the rows that pass the filter, and how many pass in all. */
export function queryRows(idx: RunIndex, f: Filter, offset: number, limit: number): { total: number; offset: number; limit: number; rows: RowSummary[] } {
  const rows: RowSummary[] = [];
  let total = 0;
  for (const r of idx.rows) {
    if (!matches(r, f)) continue;
    if (total >= offset && rows.length < limit) rows.push(summary(r, f.criterion));
    total++;
  }
  return { total, offset, limit, rows };
}

/** The values each filter can take, with counts (items are typed, not listed: there may be 100,000). */
export function facets(idx: RunIndex): Record<string, Array<[string, number]>> {
  const acc: Record<string, Map<string, number>> = { stage: new Map(), source: new Map(), model: new Map(), task: new Map(), status: new Map(), criterion: new Map(), rater: new Map() };
  const add = (k: string, v: string): void => {
    if (v) acc[k]!.set(v, (acc[k]!.get(v) ?? 0) + 1);
  };
  for (const r of idx.rows) {
    for (const s of r.stages) add('stage', s);
    add('source', r.source);
    if (r.model_a !== undefined) {
      add('model', r.model_a);
      add('model', r.model_b!);
    } else add('model', r.model);
    add('task', r.task);
    add('status', r.status);
    for (const c of r.criteria) add('criterion', c);
    add('rater', r.rater);
  }
  const out: Record<string, Array<[string, number]>> = {};
  for (const [k, m] of Object.entries(acc)) out[k] = [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return out;
}

/** The fields of a ledger line that say what the judge saw and how its verdict was read, where the ledger has them. */
const JUDGE_FIELDS = ['calls', 'messages', 'request', 'prompt', 'raw', 'raw_reply', 'reply', 'judge_reasoning', 'rationale', 'parse_method', 'rule', 'verdict_rule', 'read_by', 'repairs', 'error', 'extracted', 'output'] as const;

export interface Drill {
  row: RowSummary;
  record: Record<string, unknown>;
  file: string;
  line: number;
  item: { question: string | null; options: Record<string, string> | null; answer: string | null; reference: string | null; task: string | null; organ_system: string | null; modality: string | null; image: boolean } | null;
  candidate: string | null;
  judge: Array<[string, unknown]>;
  /** Every other row on the same item (and model, for single-answer rows): the humans' labels beside the judge's. */
  beside: Array<RowSummary & { values: Record<string, number | string | null> }>;
}

export function drill(idx: RunIndex, id: number): Drill | null {
  const r = idx.rows[id];
  if (!r) return null;
  const item = itemOf(idx, r);
  const stageAnswers = r.stages.map((s) => idx.answers.get(s)).find(Boolean);
  const candidate =
    r.model_a === undefined ? (stageAnswers?.get(`${r.item_id}\u0000${r.model}`) ?? [...idx.answers.values()].map((m) => m.get(`${r.item_id}\u0000${r.model}`)).find((x) => x !== undefined) ?? (typeof r.record.output === 'string' ? r.record.output : null)) : null;
  const beside = idx.rows
    .filter((o) => o.id !== r.id && o.item_id === r.item_id && (r.model_a !== undefined ? o.model === r.model : o.model === r.model || o.model === '' || o.model_a === r.model || o.model_b === r.model))
    .slice(0, 200)
    .map((o) => ({ ...summary(o), values: o.values }));
  return {
    row: summary(r),
    record: r.record,
    file: r.file,
    line: r.line,
    item: item
      ? {
          question: item.question ?? null,
          options: (item.options as Record<string, string> | undefined) ?? null,
          answer: item.answer ?? null,
          reference: item.reference ?? null,
          task: item.task ?? null,
          organ_system: item.organ_system ?? null,
          modality: item.modality ?? null,
          image: typeof item.image === 'string' && item.image.length > 0,
        }
      : null,
    candidate,
    judge: JUDGE_FIELDS.filter((k) => r.record[k] !== undefined && r.record[k] !== null && !(k === 'output' && candidate === r.record.output)).map((k) => [k, r.record[k]]),
    beside,
  };
}

/** The item a row is about, and the folder its image path is relative to. */
export function itemOf(idx: RunIndex, r: ViewRow): Item | undefined {
  for (const s of r.stages) {
    const it = idx.stageItems.get(s)?.items.get(r.item_id);
    if (it) return it;
  }
  for (const s of idx.stageItems.values()) {
    const it = s.items.get(r.item_id);
    if (it) return it;
  }
  return undefined;
}

export function imageRootOf(idx: RunIndex, r: ViewRow): string | undefined {
  for (const s of r.stages) if (idx.stageItems.get(s)?.items.has(r.item_id)) return idx.stageItems.get(s)!.imageRoot;
  for (const s of idx.stageItems.values()) if (s.items.has(r.item_id)) return s.imageRoot;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Judge versus humans

export interface Disagreement {
  /** The judge's row (drill-down opens it). */
  id: number;
  judge: string;
  item_id: string;
  model: string;
  dimension: string;
  judge_value: number | string;
  human_values: Array<[string, number | string]>;
  /** Numeric: |judge − human mean| over the range the dimension takes; nominal: the share of humans the judge disagrees with. 0–1. */
  disagreement: number;
}

/** A dimension's name without a task prefix (`summarization/relevance` → `relevance`), so labels meet rubric keys. */
const dimKey = (d: string): string => d.slice(d.lastIndexOf('/') + 1);

/** The units (item × model × dimension) where a judge and the humans who rated the same unit disagree most. */
export function disagreements(idx: RunIndex, limit = 100): { units: number; top: Disagreement[] } {
  type Cell = { judges: Map<string, { id: number; v: number | string }>; humans: Map<string, number | string>; item: string; model: string; dim: string; nominal: boolean };
  const cells = new Map<string, Cell>();
  const range = new Map<string, [number, number]>();
  const cell = (item: string, model: string, dim: string): Cell => {
    const k = `${item}\u0000${model}\u0000${dimKey(dim)}`;
    let c = cells.get(k);
    if (!c) cells.set(k, (c = { judges: new Map(), humans: new Map(), item, model, dim: dimKey(dim), nominal: false }));
    return c;
  };
  for (const r of idx.rows) {
    if (r.status !== 'ok' || (r.source !== 'judgment' && r.source !== 'label' && r.source !== 'preference')) continue;
    const isJudge = r.source !== 'label' || idx.judgeRaters.has(r.rater);
    for (const [d, v] of Object.entries(r.values)) {
      if (v === null) continue;
      const c = cell(r.item_id, r.model, d);
      if (r.nominal) c.nominal = true;
      if (isJudge) c.judges.set(r.rater, { id: r.id, v });
      else c.humans.set(r.rater, v);
      if (typeof v === 'number') {
        const k = dimKey(d);
        const [lo, hi] = range.get(k) ?? [v, v];
        range.set(k, [Math.min(lo, v), Math.max(hi, v)]);
      }
    }
  }
  const out: Disagreement[] = [];
  for (const c of cells.values()) {
    if (!c.humans.size) continue;
    const hv = [...c.humans.entries()];
    for (const [judge, { id, v }] of c.judges) {
      let d: number;
      if (!c.nominal && typeof v === 'number' && hv.every(([, x]) => typeof x === 'number')) {
        const mean = hv.reduce((a, [, x]) => a + (x as number), 0) / hv.length;
        const [lo, hi] = range.get(c.dim)!;
        d = Math.abs(v - mean) / (hi > lo ? hi - lo : 1);
      } else d = hv.filter(([, x]) => String(x) !== String(v)).length / hv.length;
      out.push({ id, judge, item_id: c.item, model: c.model, dimension: c.dim, judge_value: v, human_values: hv, disagreement: d });
    }
  }
  out.sort((a, b) => b.disagreement - a.disagreement || (a.item_id < b.item_id ? -1 : a.item_id > b.item_id ? 1 : 0) || (a.model < b.model ? -1 : 1));
  return { units: out.length, top: out.slice(0, limit) };
}

// ---------------------------------------------------------------------------------------------
// Two runs of the same experiment

export interface Change {
  stage: string;
  model: string;
  /** A rubric criterion, `score` (the aggregate), `accuracy` (MCQ) or `win share` (pairwise). */
  criterion: string;
  a: number | null;
  b: number | null;
  delta: number | null;
  n_a: number;
  n_b: number;
  /** Rows not ok, in each run. */
  failed_a: number;
  failed_b: number;
}

type Agg = Map<string, { sum: number; n: number; failed: number; stage: string; model: string; criterion: string }>;

function aggregate(idx: RunIndex): Agg {
  const m: Agg = new Map();
  const add = (stage: string, model: string, criterion: string, x: number | null, failed = false): void => {
    const k = `${stage}\u0000${model}\u0000${criterion}`;
    let e = m.get(k);
    if (!e) m.set(k, (e = { sum: 0, n: 0, failed: 0, stage, model, criterion }));
    if (failed) e.failed++;
    else if (x !== null) {
      e.sum += x;
      e.n++;
    }
  };
  for (const r of idx.rows) {
    const stage = r.stages[0]!;
    if (r.source === 'judgment') {
      if (r.status !== 'ok') {
        add(stage, r.model, 'score', null, true);
        continue;
      }
      for (const [c, v] of Object.entries(r.values)) if (typeof v === 'number') add(stage, r.model, c, v);
      if (typeof r.record.score === 'number') add(stage, r.model, 'score', r.record.score);
    } else if (r.source === 'mcq') {
      if (r.status !== 'ok') add(stage, r.model, 'accuracy', null, true);
      else if (typeof r.record.correct === 'boolean') add(stage, r.model, 'accuracy', r.record.correct ? 1 : 0);
    } else if (r.source === 'preference' && r.model_a !== undefined) {
      const dim = Object.keys(r.values)[0] ?? 'overall';
      const w = r.record.winner;
      if (r.status !== 'ok' || (w !== 'A' && w !== 'B' && w !== 'tie')) {
        add(stage, r.model_a, `win share ${dim}`, null, true);
        add(stage, r.model_b!, `win share ${dim}`, null, true);
        continue;
      }
      add(stage, r.model_a, `win share ${dim}`, w === 'A' ? 1 : w === 'tie' ? 0.5 : 0);
      add(stage, r.model_b!, `win share ${dim}`, w === 'B' ? 1 : w === 'tie' ? 0.5 : 0);
    }
  }
  return m;
}

/** Per stage, model and criterion: the mean in each run and the difference (b − a), largest changes first. */
export function compareRuns(a: RunIndex, b: RunIndex): { a: string; b: string; same_experiment: boolean; changes: Change[] } {
  const ma = aggregate(a);
  const mb = aggregate(b);
  const keys = new Set([...ma.keys(), ...mb.keys()]);
  const changes: Change[] = [];
  for (const k of keys) {
    const x = ma.get(k);
    const y = mb.get(k);
    const e = (x ?? y)!;
    const va = x && x.n ? x.sum / x.n : null;
    const vb = y && y.n ? y.sum / y.n : null;
    changes.push({ stage: e.stage, model: e.model, criterion: e.criterion, a: va, b: vb, delta: va !== null && vb !== null ? vb - va : null, n_a: x?.n ?? 0, n_b: y?.n ?? 0, failed_a: x?.failed ?? 0, failed_b: y?.failed ?? 0 });
  }
  const weight = (c: Change): number => (c.delta === null ? (c.a === c.b ? -1 : Infinity) : Math.abs(c.delta) + (c.failed_a !== c.failed_b ? 1e-9 : 0));
  changes.sort((p, q) => weight(q) - weight(p) || (p.stage + p.model + p.criterion < q.stage + q.model + q.criterion ? -1 : 1));
  return { a: a.manifest.run_id, b: b.manifest.run_id, same_experiment: a.manifest.experiment === b.manifest.experiment, changes };
}
