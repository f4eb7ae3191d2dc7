import type { Winner } from '../schema/index.ts';
import { InputError } from './errors.ts';
import { readRows } from './rows.ts';
import { toCsv } from './csv.ts';

/**
 * One pairwise verdict as the win-ratio study needs it: a `Preference` record (schema/records.ts)
 * satisfies it, and so does a row of a preferences CSV. `status` other than `ok`, or a null winner,
 * is a failure: counted apart, never read as a tie.
 */
export interface PreferenceRow {
  item_id: string;
  rater: string;
  model_a: string;
  model_b: string;
  winner: Winner | null;
  status: string;
  dimension?: string | undefined;
}

const WINNERS: Record<string, Winner> = { a: 'A', b: 'B', tie: 'tie' };

function cell(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  const s = String(v).trim();
  return s === '' ? undefined : s;
}

/**
 * Reads pairwise preferences from CSV, TSV, JSONL or a JSON array: `item_id, rater, model_a,
 * model_b, winner` (`A`, `B` or `tie`, any case) with optional `dimension` and `status`
 * (default `ok`). A row with an empty winner, or a status other than `ok`, is kept as a failure
 * (winner null). The same (item, rater, pair, dimension) twice, the same model on both sides, or a
 * winner outside A/B/tie is an InputError naming the file, the line and the field.
 */
export async function readPreferences(file: string): Promise<PreferenceRow[]> {
  const out: PreferenceRow[] = [];
  const seen = new Map<string, number>();
  for await (const { line, value: v } of readRows(file)) {
    const get = (field: string, required: boolean): string | undefined => {
      const s = cell(v[field]);
      if (required && s === undefined) {
        throw new InputError(field in v ? 'empty value' : `missing column "${field}"`, { file, line, field });
      }
      return s;
    };
    const item_id = get('item_id', true)!;
    const rater = get('rater', true)!;
    const model_a = get('model_a', true)!;
    const model_b = get('model_b', true)!;
    if (model_a === model_b) throw new InputError(`model_a and model_b are the same model "${model_a}"`, { file, line, field: 'model_b' });
    // `value` (judgekit's long-form label column, as `judgekit annotate` writes it) stands for `winner`.
    const winnerCol = 'winner' in v ? 'winner' : 'value' in v ? 'value' : undefined;
    if (winnerCol === undefined) throw new InputError('missing column "winner" (or "value")', { file, line, field: 'winner' });
    const dimension = get('dimension', false);
    const statusRaw = get('status', false) ?? 'ok';
    if (!/^[a-z][a-z0-9_]*$/i.test(statusRaw)) throw new InputError(`status "${statusRaw}" is not a status name`, { file, line, field: 'status' });
    const status = statusRaw.toLowerCase();
    const w = get(winnerCol, false);
    let winner: Winner | null = null;
    if (w !== undefined) {
      const mapped = WINNERS[w.toLowerCase()];
      if (!mapped) throw new InputError(`${winnerCol} must be A, B or tie, not "${w}"`, { file, line, field: winnerCol });
      winner = mapped;
    }
    const key = [item_id, rater, model_a < model_b ? model_a : model_b, model_a < model_b ? model_b : model_a, dimension ?? ''].join('\u0000');
    const prev = seen.get(key);
    if (prev !== undefined) {
      throw new InputError(`rater "${rater}" judges the pair ${model_a} / ${model_b} on item "${item_id}"${dimension ? ` (dimension "${dimension}")` : ''} twice (first at line ${prev})`, { file, line, field: 'item_id' });
    }
    seen.set(key, line);
    const ok = status === 'ok' && winner !== null;
    out.push({
      item_id,
      rater,
      model_a,
      model_b,
      winner: ok ? winner : null,
      status: status === 'ok' && winner === null ? 'missing' : status,
      ...(dimension !== undefined ? { dimension } : {}),
    });
  }
  if (out.length === 0) throw new InputError('no preferences in file', { file });
  return out;
}

/** Preferences as the CSV `readPreferences` (and `judgekit winrate`) reads. */
export function preferencesToCsv(rows: readonly PreferenceRow[]): string {
  const withDim = rows.some((r) => r.dimension !== undefined);
  const header = ['item_id', 'rater', 'model_a', 'model_b', 'winner', 'status', ...(withDim ? ['dimension'] : [])];
  return toCsv(header, rows.map((r) => [r.item_id, r.rater, r.model_a, r.model_b, r.winner, r.status, ...(withDim ? [r.dimension] : [])]));
}
