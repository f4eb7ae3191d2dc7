/**
 * The first few records of a stage's ledger, for the small sample table report.html shows under
 * each stage (the whole ledger is in the viewer). Reads only the first lines of the file.
 */
import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { toRow, type RowSource } from './run-index.ts';

export { VIEW_DEFAULT_PORT } from './port.ts';

export interface LedgerSample {
  /** The ledger file (in the run folder). */
  file: string;
  /** Records in the ledger. */
  total: number;
  columns: string[];
  rows: string[][];
}

const PREFERRED: Array<[string, RowSource]> = [
  ['judgments.jsonl', 'judgment'],
  ['mcq_records.jsonl', 'mcq'],
  ['preferences.jsonl', 'preference'],
  ['responses.jsonl', 'answer'],
];

/** The first `n` records of a stage's main ledger, or null when the stage wrote none. */
export async function ledgerSample(runDir: string, stage: string, outputs: readonly string[], n = 5): Promise<LedgerSample | null> {
  const hit = PREFERRED.find(([suffix]) => outputs.includes(`${stage}.${suffix}`));
  if (!hit) return null;
  const file = `${stage}.${hit[0]}`;
  const path = join(runDir, file);
  if (!existsSync(path)) return null;
  const rows: string[][] = [];
  let total = 0;
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    total++;
    if (rows.length >= n) continue;
    try {
      const r = toRow(total - 1, [stage], hit[1], JSON.parse(line) as Record<string, unknown>, file, total, '');
      rows.push([r.item_id, r.model, r.status, r.shown]);
    } catch {
      rows.push(['', '', 'unreadable line', '']);
    }
  }
  return { file, total, columns: ['item', 'model', 'status', 'value'], rows };
}
