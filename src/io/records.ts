import { z } from 'zod';
import { HumanLabel, Item, Response } from '../schema/index.ts';
import { InputError, zodToInputError } from './errors.ts';
import { isMedCmrRecord, medCmrToItem } from './medcmr.ts';
import { formatOf, readRowBatches, readRows, type Row } from './rows.ts';

const OPTION_LETTERS = 'ABCDEFGHIJ'.split('');

/** CSV cells are strings: drop empty ones, parse JSON-valued columns, gather option columns. */
function normaliseCsvItem(v: Record<string, unknown>, file: string, line: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) if (val !== '' && val !== undefined) out[k] = val;
  for (const key of ['options', 'meta'] as const) {
    if (typeof out[key] === 'string') {
      try {
        out[key] = JSON.parse(out[key] as string);
      } catch {
        throw new InputError('not valid JSON', { file, line, field: key });
      }
    }
  }
  if (out.options === undefined) {
    const opts: Record<string, unknown> = {};
    for (const L of OPTION_LETTERS) if (typeof out[L] === 'string') opts[L] = out[L];
    if (Object.keys(opts).length) out.options = opts;
  }
  for (const L of OPTION_LETTERS) delete out[L];
  return out;
}

function parseWith<T extends z.ZodTypeAny>(schema: T, value: unknown, file: string, line: number): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw zodToInputError(r.error, file, line);
  return r.data;
}

/** A validated item with the line it came from. */
export interface Located<T> {
  value: T;
  line: number;
}

/**
 * Reads items from JSONL, JSON, CSV or the Med-CMR release files, validates every record and
 * rejects duplicate ids. Errors name the file, the line and the field.
 */
export async function readItems(file: string): Promise<Map<string, Item>> {
  const items = new Map<string, Item>();
  const csv = ['csv', 'tsv'].includes(formatOf(file));
  for await (const batch of readRowBatches(file)) {
    for (const row of batch) {
      let raw = row.value;
      if (isMedCmrRecord(raw)) raw = medCmrToItem(raw);
      else if (csv) raw = normaliseCsvItem(raw, file, row.line);
      const item = parseWith(Item, raw, file, row.line);
      if (items.has(item.id)) throw new InputError(`duplicate item id "${item.id}"`, { file, line: row.line, field: 'id' });
      items.set(item.id, item);
    }
  }
  if (items.size === 0) throw new InputError('no items in file', { file });
  return items;
}

/**
 * Reads responses and checks each against the items: a response whose item does not exist, or a
 * second response of the same model to the same item, is an error at its line.
 */
export async function readResponses(file: string, items?: Map<string, Item>): Promise<Response[]> {
  const out: Response[] = [];
  const seen = new Map<string, Set<string>>(); // model → item ids answered
  const csv = ['csv', 'tsv'].includes(formatOf(file));
  let lastModel: string | null = null;
  let answered = new Set<string>();
  for await (const batch of readRowBatches(file)) {
    for (const row of batch) {
      const raw = csv ? normaliseCsvResponse(row, file) : row.value;
      const r = plainResponse(raw) ?? parseWith(Response, raw, file, row.line);
      if (items && !items.has(r.item_id)) {
        throw new InputError(`no item with id "${r.item_id}"`, { file, line: row.line, field: 'item_id' });
      }
      if (r.model !== lastModel) {
        lastModel = r.model;
        let set = seen.get(r.model);
        if (!set) seen.set(r.model, (set = new Set()));
        answered = set;
      }
      if (answered.has(r.item_id)) {
        throw new InputError(`duplicate response of model "${r.model}" to item "${r.item_id}"`, { file, line: row.line, field: 'item_id' });
      }
      answered.add(r.item_id);
      out.push(r);
    }
  }
  return out;
}

/**
 * The common record shape, checked by hand: non-empty string `item_id` and `model`, string
 * `output`, no `meta`. Returns what `Response.parse` returns for it (unknown keys dropped), or
 * null for anything else, which then goes through the schema (and its error messages).
 * `test/io/responses-fast-path.test.ts` holds this to the schema.
 */
export function plainResponse(v: Record<string, unknown>): Response | null {
  const { item_id, model, output } = v;
  if (typeof item_id !== 'string' || item_id.length === 0) return null;
  if (typeof model !== 'string' || model.length === 0) return null;
  if (typeof output !== 'string' || 'meta' in v) return null;
  return { item_id, model, output };
}

function normaliseCsvResponse(row: Row, file: string): Record<string, unknown> {
  const v = { ...row.value };
  if (typeof v.meta === 'string') {
    if (v.meta === '') delete v.meta;
    else {
      try {
        v.meta = JSON.parse(v.meta);
      } catch {
        throw new InputError('not valid JSON', { file, line: row.line, field: 'meta' });
      }
    }
  }
  if (v.output === undefined) v.output = '';
  return v;
}

export interface LabelColumnNames {
  item?: string;
  rater?: string;
  value?: string;
  dimension?: string;
}

const NUMERIC = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/**
 * Reads long-form labels (`item_id, rater, value` plus `dimension`, `model`, `model_a`,
 * `model_b`), with the column names given. Numeric-looking values become numbers; an empty value
 * is a missing rating and is skipped. The same (item, rater, dimension, model) twice is an error.
 */
export async function readLabels(file: string, cols: LabelColumnNames = {}): Promise<HumanLabel[]> {
  const c = { item: cols.item ?? 'item_id', rater: cols.rater ?? 'rater', value: cols.value ?? 'value', dimension: cols.dimension };
  const out: HumanLabel[] = [];
  const seen = new Set<string>();
  let first = true;
  for await (const row of readRows(file)) {
    const v = row.value;
    if (first) {
      for (const [name, col] of [['item', c.item], ['rater', c.rater], ['value', c.value]] as const) {
        if (!(col in v)) throw new InputError(`missing ${name} column "${col}"`, { file, line: 1, field: col });
      }
      if (c.dimension && !(c.dimension in v)) throw new InputError(`missing dimension column "${c.dimension}"`, { file, line: 1, field: c.dimension });
      first = false;
    }
    let value = v[c.value];
    if (value === '' || value === null || value === undefined) continue;
    if (typeof value === 'string' && NUMERIC.test(value.trim())) value = Number(value);
    const dim = c.dimension ? v[c.dimension] : v.dimension;
    const label = parseWith(
      HumanLabel,
      {
        item_id: v[c.item] === undefined ? undefined : String(v[c.item]),
        rater: v[c.rater] === undefined ? undefined : String(v[c.rater]),
        value,
        dimension: dim === '' || dim === undefined ? undefined : String(dim),
        model: v.model === '' || v.model === undefined ? undefined : String(v.model),
        model_a: v.model_a === '' || v.model_a === undefined ? undefined : String(v.model_a),
        model_b: v.model_b === '' || v.model_b === undefined ? undefined : String(v.model_b),
      },
      file,
      row.line,
    );
    const key = [label.item_id, label.rater, label.dimension ?? '', label.model ?? '', label.model_a ?? '', label.model_b ?? ''].join('\u0000');
    if (seen.has(key)) {
      throw new InputError(`rater "${label.rater}" labels item "${label.item_id}" twice`, { file, line: row.line, field: c.item });
    }
    seen.add(key);
    out.push(label);
  }
  return out;
}
