import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../io/errors.ts';
import { readJudgments } from '../../io/judgments.ts';
import { readRows } from '../../io/rows.ts';
import { McqRecord, type Judgment } from '../../schema/index.ts';
import { outName, type StageContext } from '../stage.ts';

/** "ok=3 parse_error=2": a ledger's counts by status, for a message. */
export function statusCounts(rows: readonly { status: string }[]): string {
  const c: Record<string, number> = {};
  for (const r of rows) c[r.status] = (c[r.status] ?? 0) + 1;
  return Object.entries(c).map(([k, v]) => `${k}=${v}`).join(' ') || 'no records';
}

async function ledgerOf(ctx: StageContext, reader: string, upstream: string, suffix: string, kind: string): Promise<string> {
  const file = join(ctx.runDir, outName({ name: upstream }, suffix));
  try {
    await access(file);
  } catch {
    const st = ctx.stages?.get(upstream);
    const what = st ? `stage "${upstream}" is a ${st.kind} stage and has not written ${outName({ name: upstream }, suffix)}` : `there is no stage "${upstream}"`;
    throw new InputError(`stage "${reader}" reads the ${kind} of stage "${upstream}", but ${what}; a ${kind === 'judgments' ? 'judge' : 'mcq'} stage of that name must run earlier in the same run`);
  }
  return file;
}

/**
 * The judgments of an earlier judge stage. A stage that produced no ok judgment is an error that
 * names it and its counts by status, so the reader is not blamed for an empty upstream.
 */
export async function upstreamJudgments(ctx: StageContext, reader: string, upstream: string): Promise<Judgment[]> {
  const judgments = await readJudgments(await ledgerOf(ctx, reader, upstream, 'judgments.jsonl', 'judgments'));
  if (!judgments.some((j) => j.status === 'ok')) throw new InputError(`stage "${reader}" reads stage "${upstream}", which produced no ok judgment (${statusCounts(judgments)})`);
  return judgments;
}

/** The MCQ records of an earlier mcq stage; none ok is an error naming that stage and its counts. */
export async function upstreamMcqRecords(ctx: StageContext, reader: string, upstream: string): Promise<McqRecord[]> {
  return readMcqRecords(await ledgerOf(ctx, reader, upstream, 'mcq_records.jsonl', 'MCQ records'), (records) => {
    if (!records.some((r) => r.status === 'ok')) throw new InputError(`stage "${reader}" reads stage "${upstream}", which produced no ok MCQ record (${statusCounts(records)})`);
  });
}

/** An MCQ records ledger (`mcq_records.jsonl`), each line checked against the schema. */
export async function readMcqRecords(file: string, check: (records: McqRecord[]) => void = () => {}): Promise<McqRecord[]> {
  const records: McqRecord[] = [];
  for await (const row of readRows(file)) {
    const r = McqRecord.safeParse(row.value);
    if (!r.success) throw new InputError(r.error.issues[0]!.message, { file, line: row.line, field: r.error.issues[0]!.path.join('.') });
    records.push(r.data);
  }
  check(records);
  return records;
}
