import { InputError } from '../io/errors.ts';
import type { Item, McqRecord, Response } from '../schema/index.ts';
import { extractAnswer, prepareOptions, type PreparedOptions } from './extract.ts';

/**
 * Is the read answer right, as the item declares: one letter equal to `answer`; for a multi-answer
 * item, exactly the set `answers` (`scoring: exact`, the default) or a non-empty set of its letters
 * with none wrong (`scoring: subset`).
 */
export function isCorrect(extracted: string, item: Item): boolean {
  if (!item.answers) return extracted === item.answer;
  const got = extracted.split(',');
  const want = new Set(item.answers);
  if (item.scoring === 'subset') return got.length > 0 && got.every((l) => want.has(l));
  return got.length === want.size && got.every((l) => want.has(l));
}

/**
 * Scores every MCQ item for every model that has at least one response: one `McqRecord` per
 * (model, MCQ item), models in order of first appearance, items in the map's order. An item a
 * model did not answer gets a `missing` record (empty output, `correct` null), so that every model
 * is counted over the same items. Open-ended items and responses to them are skipped.
 *
 * A response to an item that is not in `items`, or a second response of a model to an item, is
 * an InputError (the readers in src/io already reject both with the file and line; this guards
 * callers that build responses in code).
 */
export function scoreMcq(items: Map<string, Item>, responses: Response[]): McqRecord[] {
  const mcqItems: { item: Item; prep: PreparedOptions }[] = [];
  for (const item of items.values()) {
    if (item.format === 'mcq' && item.options && (item.answer || item.answers)) mcqItems.push({ item, prep: prepareOptions(item.options) });
  }
  const byModel = new Map<string, Map<string, Response>>();
  for (const r of responses) {
    const item = items.get(r.item_id);
    if (!item) throw new InputError(`response of model "${r.model}" names no known item "${r.item_id}"`, { field: 'item_id' });
    if (item.format !== 'mcq') continue;
    let m = byModel.get(r.model);
    if (!m) byModel.set(r.model, (m = new Map()));
    if (m.has(r.item_id)) throw new InputError(`duplicate response of model "${r.model}" to item "${r.item_id}"`, { field: 'item_id' });
    m.set(r.item_id, r);
  }
  const out: McqRecord[] = [];
  for (const [model, answered] of byModel) {
    for (const { item, prep } of mcqItems) {
      const r = answered.get(item.id);
      const x = r ? extractAnswer(r.output, prep, { multi: item.answers !== undefined }) : null;
      const answer = item.answers ? [...item.answers].sort().join(',') : item.answer!;
      const rec: McqRecord = {
        item_id: item.id,
        model,
        status: x ? x.status : 'missing',
        output: r ? r.output : '',
        extracted: x ? x.extracted : null,
        rule: x ? x.rule : 'missing',
        answer,
        correct: x && x.status === 'ok' ? isCorrect(x.extracted!, item) : null,
        extracted_by: 'rules',
      };
      if (item.task !== undefined) rec.task = item.task;
      if (item.organ_system !== undefined) rec.organ_system = item.organ_system;
      if (item.modality !== undefined) rec.modality = item.modality;
      out.push(rec);
    }
  }
  return out;
}
