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
  // every MCQ-format item has a slot (duplicates are errors for all of them); the scored ones
  // (options and answer present) are read in the map's order. Per model, one array of responses by
  // slot instead of a map by item id: at Med-CMR scale the maps cost half as much as extraction.
  const slotOf = new Map<string, number>();
  const scored: { item: Item; slot: number; prep: PreparedOptions; answer: string; multi: boolean }[] = [];
  for (const [id, item] of items) {
    if (item.format !== 'mcq') continue;
    const slot = slotOf.size;
    slotOf.set(id, slot);
    if (item.options && (item.answer || item.answers)) {
      const answer = item.answers ? [...item.answers].sort().join(',') : item.answer!;
      scored.push({ item, slot, prep: prepareOptions(item.options), answer, multi: item.answers !== undefined });
    }
  }
  const byModel = new Map<string, (Response | undefined)[]>();
  let lastModel: string | null = null;
  let answered: (Response | undefined)[] = [];
  for (const r of responses) {
    const slot = slotOf.get(r.item_id);
    if (slot === undefined) {
      if (items.has(r.item_id)) continue; // an open-ended item
      throw new InputError(`response of model "${r.model}" names no known item "${r.item_id}"`, { field: 'item_id' });
    }
    if (r.model !== lastModel) {
      lastModel = r.model;
      let m = byModel.get(r.model);
      if (!m) byModel.set(r.model, (m = new Array<Response | undefined>(slotOf.size)));
      answered = m;
    }
    if (answered[slot] !== undefined) throw new InputError(`duplicate response of model "${r.model}" to item "${r.item_id}"`, { field: 'item_id' });
    answered[slot] = r;
  }
  const out: McqRecord[] = [];
  for (const [model, answeredBy] of byModel) {
    for (const { item, slot, prep, answer, multi } of scored) {
      const r = answeredBy[slot];
      const x = r ? extractAnswer(r.output, prep, { multi }) : null;
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
