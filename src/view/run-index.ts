/**
 * A run folder read once into memory for the viewer: every line of every JSONL ledger the manifest
 * lists (judgments, MCQ records, pairwise preferences, answers, call ledgers), and every human label
 * file a stage read, as one flat list of rows with the fields the viewer filters on. Fields are read
 * by name and by shape, not through the record schemas, so a ledger that gains a field (the messages
 * a judge saw, the rule that read its verdict) is shown without a change here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { InputError } from '../io/errors.ts';
import { nameMap } from '../io/name-map.ts';
import { readItems } from '../io/records.ts';
import { readRows } from '../io/rows.ts';
import type { Item } from '../schema/item.ts';
import type { RunManifest } from '../schema/index.ts';

/** What a row came from. */
export type RowSource = 'judgment' | 'mcq' | 'preference' | 'answer' | 'call' | 'label' | 'record';

export interface ViewRow {
  id: number;
  /** The stages whose ledger or label file holds this row (a label file may be read by several). */
  stages: string[];
  source: RowSource;
  item_id: string;
  /** The rated model, or `A vs B` for a pairwise row. */
  model: string;
  model_a?: string;
  model_b?: string;
  task: string;
  status: string;
  rater: string;
  /** The criteria (rubric keys, label dimensions) the row holds a value for. */
  criteria: string[];
  /** The value per criterion (judgments), or under its one dimension (labels, preferences). */
  values: Record<string, number | string | null>;
  /** One short text for the table (score, correct/incorrect, winner, label). */
  shown: string;
  /** A label read by a stage at the nominal level: its values are categories even when they are digits. */
  nominal?: boolean;
  /** Where the row is: file name and line. */
  file: string;
  line: number;
  record: Record<string, unknown>;
}

/** A ledger suffix and what its lines are. Other JSONL outputs are shown as `record`. */
const LEDGER_SOURCE: Array<[string, RowSource]> = [
  ['judgments.jsonl', 'judgment'],
  ['mcq_records.jsonl', 'mcq'],
  ['preferences.jsonl', 'preference'],
  ['responses.jsonl', 'answer'],
  ['ledger.jsonl', 'call'],
];
/** Outputs that are derived tables, not records of work (the judge card's answer lengths). */
const AUXILIARY = ['answer-lengths.jsonl'];
/** Stage config fields that name a human label file, and the column option that goes with each. */
const LABEL_FIELDS: Array<[string, string | null]> = [
  ['labels', 'columns'],
  ['ratings', 'ratings_columns'],
  ['preferences', null],
  ['human_preferences', null],
];

export interface StageItems {
  /** Items by id, and where image paths are relative to. */
  items: Map<string, Item>;
  imageRoot: string;
}

export interface RunIndex {
  runDir: string;
  manifest: RunManifest;
  rows: ViewRow[];
  /** Items per stage that names items; `byItem` merges them (first stage wins) for label rows. */
  stageItems: Map<string, StageItems>;
  /** Candidate answers by stage, then `item\0model`. */
  answers: Map<string, Map<string, string>>;
  /** Rater names that are judges (agreement `judge`, tuning candidates, pairwise raters, judge stages). */
  judgeRaters: Set<string>;
  notes: string[];
}

const str = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v));

/**
 * A path recorded in a manifest (relative to the folder `judgekit run` ran in): found from the
 * working folder, or from the project folder the run folder sits in (`<project>/reports/<run>`).
 */
function locate(runDir: string, p: string): string | null {
  const tries = isAbsolute(p) ? [p] : [resolve(p), resolve(runDir, '..', '..', p)];
  return tries.find((t) => existsSync(t)) ?? null;
}

export async function loadRunIndex(runDir: string): Promise<RunIndex> {
  const dir = resolve(runDir);
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) throw new InputError('not a run folder: no manifest.json', { file: dir });
  let manifest: RunManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as RunManifest;
  } catch (err) {
    throw new InputError(`malformed manifest (${(err as Error).message})`, { file: manifestPath });
  }
  const notes: string[] = [];
  const rows: ViewRow[] = [];
  const stageItems = new Map<string, StageItems>();
  const answers = new Map<string, Map<string, string>>();
  const judgeRaters = new Set<string>();
  const stageConfigs = new Map<string, Record<string, unknown>>();
  for (const s of ((manifest.config as { stages?: unknown[] } | undefined)?.stages ?? []) as Array<Record<string, unknown>>) stageConfigs.set(str(s.name), s);
  const configPath = locate(dir, manifest.config_path);
  const configDir = configPath ? dirname(configPath) : null;
  if (!configDir) notes.push(`the experiment config ${manifest.config_path} was not found: items, answers and human labels are not shown`);
  const fromConfig = (p: string): string | null => (configDir ? locate(dir, isAbsolute(p) ? p : join(configDir, p)) : null);

  // Items and answers per stage, for tasks, questions, images and the candidate's answer.
  for (const [name, cfg] of stageConfigs) {
    if (!manifest.stages[name]) continue;
    const itemsFile = refFile(cfg.items, 'items.jsonl');
    if (itemsFile) {
      try {
        const items = await readItems(itemsFile);
        const root = typeof cfg.image_root === 'string' ? fromConfig(cfg.image_root) : null;
        stageItems.set(name, { items, imageRoot: root ?? dirname(itemsFile) });
      } catch (err) {
        notes.push(`stage ${name}: items not read (${(err as Error).message})`);
      }
    }
    const respFile = refFile(cfg.responses, 'responses.jsonl');
    if (respFile) {
      const m = new Map<string, string>();
      for await (const row of readRows(respFile)) m.set(`${str(row.value.item_id)}\u0000${str(row.value.model)}`, str(row.value.output));
      answers.set(name, m);
    }
    const kind = str(cfg.kind);
    if (kind === 'agreement' && typeof cfg.judge === 'string') judgeRaters.add(cfg.judge);
    if (kind === 'tuning' && Array.isArray(cfg.candidates)) for (const c of cfg.candidates) judgeRaters.add(typeof c === 'string' ? c : str((c as Record<string, unknown>).rater ?? (c as Record<string, unknown>).name));
    if (kind === 'winrate' && Array.isArray(cfg.compare)) judgeRaters.add(str(cfg.compare[1]));
  }
  function refFile(v: unknown, suffix: string): string | null {
    if (typeof v === 'string') return fromConfig(v);
    if (v && typeof v === 'object' && typeof (v as { stage?: unknown }).stage === 'string') {
      const f = join(dir, `${(v as { stage: string }).stage}.${suffix}`);
      return existsSync(f) ? f : null;
    }
    return null;
  }
  const taskOf = (stage: string, itemId: string): string => {
    const own = stageItems.get(stage)?.items.get(itemId);
    if (own) return str(own.task);
    for (const s of stageItems.values()) {
      const it = s.items.get(itemId);
      if (it) return str(it.task);
    }
    return '';
  };

  // The ledgers.
  for (const [name, st] of Object.entries(manifest.stages)) {
    for (const out of st.outputs) {
      if (!out.endsWith('.jsonl') || AUXILIARY.some((a) => out === `${name}.${a}`)) continue;
      const source = LEDGER_SOURCE.find(([suffix]) => out === `${name}.${suffix}`)?.[1] ?? 'record';
      const file = join(dir, out);
      if (!existsSync(file)) {
        notes.push(`stage ${name}: ${out} is listed in the manifest but missing`);
        continue;
      }
      for await (const row of readRows(file)) {
        const r = row.value as Record<string, unknown>;
        if (typeof r.item_id !== 'string' && typeof r.item_id !== 'number') continue;
        rows.push(toRow(rows.length, [name], source, r, out, row.line, taskOf(name, str(r.item_id))));
      }
      if (source === 'judgment') judgeRaters.add(`judge:${name}`);
      if (source === 'preference') for (const r of rows) if (r.stages[0] === name) judgeRaters.add(r.rater);
    }
  }

  // Human label files, each read once however many stages read it.
  const labelFiles = new Map<string, { stages: string[]; cols: Record<string, string>; nominal: boolean }>();
  for (const [name, cfg] of stageConfigs) {
    if (!manifest.stages[name]) continue;
    for (const [field, colField] of LABEL_FIELDS) {
      if (typeof cfg[field] !== 'string') continue;
      const f = fromConfig(cfg[field] as string);
      if (!f) {
        notes.push(`stage ${name}: label file ${str(cfg[field])} not found`);
        continue;
      }
      const cols = colField && cfg[colField] && typeof cfg[colField] === 'object' ? (cfg[colField] as Record<string, string>) : {};
      const prev = labelFiles.get(f);
      const nominal = cfg.level === 'nominal' || field !== 'labels';
      if (prev) {
        prev.stages.push(name);
        prev.nominal ||= nominal;
      } else labelFiles.set(f, { stages: [name], cols, nominal });
    }
  }
  for (const [f, { stages, cols, nominal }] of labelFiles) {
    const c = { item: cols.item ?? 'item_id', rater: cols.rater ?? 'rater', value: cols.value ?? 'value', dimension: cols.dimension ?? 'dimension' };
    try {
      for await (const row of readRows(f)) {
        const v = row.value as Record<string, unknown>;
        const value = v[c.value] ?? v.winner;
        if (value === undefined || value === '' || v[c.item] === undefined) continue;
        const num = typeof value === 'string' && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(value.trim()) ? Number(value) : value;
        const rec: Record<string, unknown> = { ...v, item_id: str(v[c.item]), rater: str(v[c.rater]), value: num, dimension: v[c.dimension] === undefined || v[c.dimension] === '' ? undefined : str(v[c.dimension]) };
        rows.push({ ...toRow(rows.length, stages, 'label', rec, basename(f), row.line, taskOf(stages[0]!, str(v[c.item]))), ...(nominal ? { nominal } : {}) });
      }
    } catch (err) {
      notes.push(`label file ${basename(f)} not read (${(err as Error).message})`);
    }
  }
  return { runDir: dir, manifest, rows, stageItems, answers, judgeRaters, notes };
}

export function toRow(id: number, stages: string[], source: RowSource, r: Record<string, unknown>, file: string, line: number, itemTask: string): ViewRow {
  const pairwise = r.model_a !== undefined && r.model_b !== undefined;
  const model = pairwise ? `${str(r.model_a)} vs ${str(r.model_b)}` : str(r.model);
  const judge = r.judge && typeof r.judge === 'object' ? (r.judge as Record<string, unknown>) : null;
  // Keys come from ledgers and label files: a null-prototype map, so no key (`__proto__`) is special.
  const values: Record<string, number | string | null> = nameMap();
  let shown = '';
  if (r.scores && typeof r.scores === 'object') {
    for (const [k, v] of Object.entries(r.scores as Record<string, unknown>)) values[k] = typeof v === 'number' ? v : str(v);
    shown = typeof r.score === 'number' ? `score ${round(r.score)}` : Object.entries(values).map(([k, v]) => `${k} ${v}`).join(', ');
  } else if (source === 'mcq' || typeof r.correct === 'boolean') {
    shown = r.correct === true ? `correct (${str(r.extracted)})` : r.correct === false ? `incorrect (${str(r.extracted)} ≠ ${str(r.answer)})` : `unread (${str(r.rule)})`;
  } else if (r.winner !== undefined) {
    values[str(r.dimension) || 'overall'] = r.winner === null ? null : str(r.winner);
    shown = r.winner === null ? 'no verdict' : `winner ${str(r.winner)}`;
  } else if (r.value !== undefined) {
    values[str(r.dimension) || 'overall'] = typeof r.value === 'number' ? r.value : str(r.value);
    shown = str(r.value);
  } else if (typeof r.output === 'string') {
    shown = r.output.length > 80 ? `${r.output.slice(0, 80)}…` : r.output;
  }
  if (typeof r.error === 'string' && r.status !== 'ok') shown = shown ? `${shown} — ${r.error}` : r.error;
  return {
    id,
    stages,
    source,
    item_id: str(r.item_id),
    model,
    ...(pairwise ? { model_a: str(r.model_a), model_b: str(r.model_b) } : {}),
    task: str(r.task) || itemTask,
    status: str(r.status) || 'ok',
    rater: str(r.rater) || (source === 'judgment' ? `judge:${stages[0]}` : judge ? str(judge.model) : ''),
    criteria: Object.keys(values),
    values,
    shown,
    file,
    line,
    record: r,
  };
}

const round = (x: number): string => (Math.round(x * 100) / 100).toString();
