import { basename } from 'node:path';
import { z } from 'zod';
import { InputError, zodToInputError } from '../io/errors.ts';
import { hashFile, hashValue } from '../io/hash.ts';
import { readRows } from '../io/rows.ts';
import type { Item } from '../schema/item.ts';
import { JudgeStatus, type Judgment, type JudgeFingerprint } from '../schema/records.ts';
import type { Response } from '../schema/response.ts';
import { checkScores } from './parse.ts';
import { aggregateScore, applyGates, criterionScale, type LoadedRubric } from './rubric.ts';

export const REPLAY_PARSER_VERSION = 'replay/1';

/**
 * One recorded verdict (the contract with the dataset importers, e.g.
 * `datasets/sottana/summarization/verdicts-gpt-4.jsonl` from `judgekit datasets get sottana`): the judged item and model, the scores per rubric criterion
 * on the rubric's raw scale (or null when the recorded judge gave none), an optional status
 * (default `ok` with scores, `parse_error` without), and the judge's raw text.
 */
export const RecordedVerdict = z.object({
  item_id: z.string().min(1),
  model: z.string().min(1),
  scores: z.record(z.string(), z.number()).nullable(),
  status: JudgeStatus.optional(),
  raw: z.string().optional(),
});
export type RecordedVerdict = z.infer<typeof RecordedVerdict>;

export interface ReplayOptions {
  /** The recorded judge's name (e.g. `gpt-4`); it is the fingerprint's model. */
  name: string;
  items?: Map<string, Item> | readonly Item[];
  /** When given, every verdict must be about one of these responses. */
  responses?: readonly Response[];
}

/**
 * Turns recorded verdicts into judgments (`judge.kind = 'replay'`, `parse_method = 'replay'`), one per
 * verdict row, in file order. A row with `scores: null` or a non-ok status becomes a judgment with
 * that status (`parse_error` when none is given); scores outside the rubric's scale, a missing or
 * unknown criterion are `parse_error` with the reason. Recorded scores need not be integers (some
 * sources average or round). An unknown item, an unknown (item, model) response, or the same
 * (item, model) twice is an InputError naming the file and line.
 */
export async function replayJudgments(file: string, lr: LoadedRubric, opts: ReplayOptions): Promise<{ judgments: Judgment[]; fingerprint: JudgeFingerprint }> {
  const { sha256 } = await hashFile(file).catch(() => {
    throw new InputError('file not found', { file });
  });
  const fpBody = {
    kind: 'replay' as const,
    model: opts.name,
    endpoint: `replay:${basename(file)}`,
    rubric_id: lr.rubric.id,
    rubric_version: lr.rubric.version,
    rubric_hash: lr.hash,
    params: { verdicts_sha256: sha256 },
    output_mode: 'replay',
    parser_version: REPLAY_PARSER_VERSION,
  };
  const fingerprint: JudgeFingerprint = { ...fpBody, hash: hashValue(fpBody) };
  const items = opts.items === undefined ? undefined : opts.items instanceof Map ? opts.items : new Map(opts.items.map((i) => [i.id, i]));
  const responses = opts.responses ? new Set(opts.responses.map((r) => `${r.model}\u0000${r.item_id}`)) : undefined;
  const specs = lr.rubric.criteria.map((c) => ({ key: c.key, ...criterionScale(lr.rubric, c) }));
  const seen = new Set<string>();
  const judgments: Judgment[] = [];
  for await (const row of readRows(file)) {
    const parsed = RecordedVerdict.safeParse(row.value);
    if (!parsed.success) throw zodToInputError(parsed.error, file, row.line);
    const v = parsed.data;
    if (items && !items.has(v.item_id)) throw new InputError(`no item with id "${v.item_id}"`, { file, line: row.line, field: 'item_id' });
    const key = `${v.model}\u0000${v.item_id}`;
    if (responses && !responses.has(key)) {
      throw new InputError(`no response of model "${v.model}" to item "${v.item_id}"`, { file, line: row.line, field: 'model' });
    }
    if (seen.has(key)) throw new InputError(`a second verdict on model "${v.model}" for item "${v.item_id}"`, { file, line: row.line, field: 'item_id' });
    seen.add(key);
    const base = {
      item_id: v.item_id,
      model: v.model,
      judge: fingerprint,
      parse_method: 'replay',
      repairs: 0,
      raw: v.raw ?? null,
      tokens: { input: 0, output: 0 },
      cost_usd: 0,
      latency_ms: 0,
      requests: 0,
      cached: false,
    };
    const status = v.status ?? (v.scores === null ? 'parse_error' : 'ok');
    if (status !== 'ok') {
      judgments.push({ ...base, status, error: `recorded as ${status}${v.raw ? '' : ' (no raw text recorded)'}` });
      continue;
    }
    if (v.scores === null) {
      judgments.push({ ...base, status: 'parse_error', error: 'recorded as ok but without scores' });
      continue;
    }
    const problem = checkScores(v.scores, specs, { integer: false });
    if (problem) {
      judgments.push({ ...base, status: 'parse_error', error: `${problem} (${file}:${row.line})` });
      continue;
    }
    const gated = applyGates(lr.rubric, v.scores);
    judgments.push({
      ...base,
      status: 'ok',
      scores: gated.scores,
      ...(gated.changed ? { ungated_scores: v.scores } : {}),
      score: aggregateScore(lr.rubric, gated.scores),
    });
  }
  return { judgments, fingerprint };
}
