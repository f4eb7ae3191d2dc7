import { join } from 'node:path';
import { InputError, readItems, readResponses, writeJsonAtomic, writeJsonlAtomic } from '../io/index.ts';
import type { McqRecord, McqResult } from '../schema/index.ts';
import { summariseMcq } from './accuracy.ts';
import { scoreMcq } from './score.ts';

export const MCQ_RECORDS_FILE = 'mcq_records.jsonl';
export const MCQ_RESULT_FILE = 'mcq.json';

export interface McqFilesOptions {
  items: string;
  responses: string;
  seed: number;
  resamples: number;
  level?: number;
  /** When set, `mcq_records.jsonl` and `mcq.json` are written here, each atomically. */
  out?: string;
}

/**
 * Reads items and responses, scores and summarises them, and writes the outputs. Every input error
 * is raised (as an InputError naming file, line and field) before anything is written.
 */
export async function scoreMcqFiles(o: McqFilesOptions): Promise<{ records: McqRecord[]; result: McqResult }> {
  const items = await readItems(o.items);
  if (![...items.values()].some((i) => i.format === 'mcq')) throw new InputError('no MCQ items in file', { file: o.items });
  const responses = await readResponses(o.responses, items);
  const records = scoreMcq(items, responses);
  if (records.length === 0) throw new InputError('no responses to MCQ items', { file: o.responses });
  const result = summariseMcq(records, { seed: o.seed, resamples: o.resamples, level: o.level });
  if (o.out) {
    await writeJsonlAtomic(join(o.out, MCQ_RECORDS_FILE), records);
    await writeJsonAtomic(join(o.out, MCQ_RESULT_FILE), result);
  }
  return { records, result };
}
