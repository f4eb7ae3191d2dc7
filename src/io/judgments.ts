import { Judgment } from '../schema/index.ts';
import { InputError, zodToInputError } from './errors.ts';
import { readRows } from './rows.ts';

/** Reads rubric-judge judgments (JSONL or a JSON array of `Judgment` records), validating each line. */
export async function readJudgments(file: string): Promise<Judgment[]> {
  const out: Judgment[] = [];
  for await (const { line, value } of readRows(file)) {
    const r = Judgment.safeParse(value);
    if (!r.success) throw zodToInputError(r.error, file, line);
    out.push(r.data);
  }
  if (out.length === 0) throw new InputError('no judgments in file', { file });
  return out;
}
