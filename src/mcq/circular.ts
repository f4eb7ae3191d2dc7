/**
 * CircularEval (option-order robustness, after MMBench's CircularEval): each MCQ with k options is
 * asked k times, the option texts rotated so that the correct text visits every letter once. A
 * model that knows the answer picks it under every rotation; one that leans on a letter does not.
 *
 * Rotation r of an item with letters L_0 … L_{k−1} (in letter order) puts the original option
 * L_{(j+r) mod k} at letter L_j, so the answer moves from L_a to L_{(a−r) mod k}. Rotation 0 is the
 * original item. Rotated ids are `<id>#rot<r>`.
 *
 * Invalid or missing answers are counted apart, per status, and never scored as a guess: an item
 * with any such rotation is left out of the all-rotations (circular) accuracy and counted in
 * `incomplete_items`; per-rotation accuracy, vote accuracy and letter priors use the valid
 * answers only.
 */
import { Item, type McqRecord, type Response } from '../schema/index.ts';
import { scoreMcq } from './score.ts';
import { nameMap } from '../io/name-map.ts';

export const CIRCULAR_SUFFIX = '#rot';

/** The k rotated copies of one MCQ (k = its option count). Open-ended items throw. */
export function rotateItem(item: Item): Item[] {
  if (item.format !== 'mcq' || !item.options || item.answer === undefined) {
    throw new RangeError(`rotateItem: item "${item.id}" is not an MCQ`);
  }
  const letters = Object.keys(item.options).sort();
  const k = letters.length;
  const a = letters.indexOf(item.answer);
  const out: Item[] = [];
  for (let r = 0; r < k; r++) {
    const options: Record<string, string> = {};
    for (let j = 0; j < k; j++) options[letters[j]!] = item.options[letters[(j + r) % k]!]!;
    out.push(
      Item.parse({
        ...item,
        id: `${item.id}${CIRCULAR_SUFFIX}${r}`,
        options,
        answer: letters[(((a - r) % k) + k) % k],
        meta: { ...(item.meta ?? {}), source_item_id: item.id, method: 'circular_rotation', rotation: r, rotations: k },
      }),
    );
  }
  return out;
}

/** Rotated copies of every MCQ; open-ended items are returned in `skipped`. */
export function rotateItems(items: Iterable<Item>): { items: Item[]; skipped: { id: string; reason: string }[] } {
  const out: Item[] = [];
  const skipped: { id: string; reason: string }[] = [];
  for (const it of items) {
    if (it.format === 'mcq') out.push(...rotateItem(it));
    else skipped.push({ id: it.id, reason: 'not an MCQ item' });
  }
  return { items: out, skipped };
}

/** Splits a rotated id into its source id and rotation; null when it is not a rotated id. */
export function parseRotatedId(id: string): { source: string; rotation: number } | null {
  const m = /^(.*)#rot(\d+)$/.exec(id);
  return m ? { source: m[1]!, rotation: Number(m[2]) } : null;
}

export interface CircularModelResult {
  model: string;
  /** Source items with at least one rotated record for this model. */
  items: number;
  /** Items whose every rotation has a valid answer (the circular denominator). */
  complete_items: number;
  /** Items with at least one invalid or missing rotation (left out of circular accuracy). */
  incomplete_items: number;
  /** Share of complete items answered right under every rotation; null with no complete item. */
  circular_accuracy: number | null;
  circular_correct: number;
  /** Accuracy over all valid rotated answers. */
  mean_accuracy: number | null;
  /** Accuracy of rotation r over its valid answers (rotation 0 = the original order). */
  per_rotation: { rotation: number; n: number; correct: number; accuracy: number | null }[];
  /**
   * Majority vote over the valid rotations (votes mapped back to the original options): right when
   * the correct option has strictly more votes than any other. A tie is not broken at random; it
   * is counted in `vote_ties` (and is not right).
   */
  vote_accuracy: number | null;
  vote_items: number;
  vote_ties: number;
  /** Share of valid extracted answers per letter (position bias); uniform is 1/k. */
  letter_prior: Record<string, number>;
  letter_counts: Record<string, number>;
  /** Share of the correct letter over the same answers (balanced by construction when complete). */
  answer_prior: Record<string, number>;
  valid_answers: number;
  /** Records that are not `ok`, by status (invalid_answer, missing, …). */
  invalid: Record<string, number>;
}

export interface CircularResult {
  rotations_per_item: Record<string, number>;
  models: Record<string, CircularModelResult>;
}

/**
 * Folds MCQ records of rotated items into CircularEval metrics per model. `rotated` are the items
 * the records refer to (from `rotateItems`); a record whose item is not a rotated id is ignored,
 * and so is nothing else.
 */
export function summariseCircular(records: McqRecord[], rotated: Map<string, Item> | Item[]): CircularResult {
  const itemMap = rotated instanceof Map ? rotated : new Map(rotated.map((it) => [it.id, it]));
  // How many rotations each source item has, and the letters of each rotated item.
  const expected = new Map<string, number>();
  for (const it of itemMap.values()) {
    const p = parseRotatedId(it.id);
    if (!p) continue;
    expected.set(p.source, Object.keys(it.options ?? {}).length);
  }
  const byModel = new Map<string, McqRecord[]>();
  for (const r of records) {
    if (!parseRotatedId(r.item_id) || !itemMap.has(r.item_id)) continue;
    const list = byModel.get(r.model) ?? [];
    list.push(r);
    byModel.set(r.model, list);
  }

  const models: Record<string, CircularModelResult> = nameMap();
  for (const [model, recs] of [...byModel.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const perItem = new Map<string, McqRecord[]>();
    for (const r of recs) {
      const src = parseRotatedId(r.item_id)!.source;
      const list = perItem.get(src) ?? [];
      list.push(r);
      perItem.set(src, list);
    }
    const invalid: Record<string, number> = nameMap();
    const rot = new Map<number, { n: number; correct: number }>();
    const letterCounts: Record<string, number> = nameMap();
    const answerCounts: Record<string, number> = nameMap();
    let valid = 0;
    let validCorrect = 0;
    let complete = 0;
    let incomplete = 0;
    let circularCorrect = 0;
    let voteItems = 0;
    let voteRight = 0;
    let voteTies = 0;
    for (const [src, list] of perItem) {
      const k = expected.get(src)!;
      let itemValid = 0;
      let itemAllRight = true;
      const votes = new Map<string, number>();
      let sourceAnswer: string | undefined;
      for (const r of list) {
        const { rotation } = parseRotatedId(r.item_id)!;
        const item = itemMap.get(r.item_id)!;
        const letters = Object.keys(item.options ?? {}).sort();
        // the original option's letter: rotated letter L_j shows original L_{(j+r) mod k}
        sourceAnswer = letters[(letters.indexOf(r.answer) + rotation) % letters.length];
        if (r.status !== 'ok' || r.extracted === null || r.correct === null) {
          invalid[r.status] = (invalid[r.status] ?? 0) + 1;
          itemAllRight = false;
          continue;
        }
        itemValid++;
        valid++;
        letterCounts[r.extracted] = (letterCounts[r.extracted] ?? 0) + 1;
        answerCounts[r.answer] = (answerCounts[r.answer] ?? 0) + 1;
        const slot = rot.get(rotation) ?? { n: 0, correct: 0 };
        slot.n++;
        if (r.correct) {
          slot.correct++;
          validCorrect++;
        } else itemAllRight = false;
        rot.set(rotation, slot);
        const j = letters.indexOf(r.extracted);
        if (j >= 0) {
          const orig = letters[(j + rotation) % letters.length]!;
          votes.set(orig, (votes.get(orig) ?? 0) + 1);
        }
      }
      // Missing rotations (no record at all) also make the item incomplete.
      const missing = k - list.length;
      if (missing > 0) invalid.missing = (invalid.missing ?? 0) + missing;
      if (itemValid === k) {
        complete++;
        if (itemAllRight) circularCorrect++;
      } else incomplete++;
      if (itemValid > 0 && sourceAnswer !== undefined) {
        voteItems++;
        const right = votes.get(sourceAnswer) ?? 0;
        let bestOther = 0;
        for (const [opt, v] of votes) if (opt !== sourceAnswer) bestOther = Math.max(bestOther, v);
        const top = Math.max(right, bestOther);
        const leaders = [...votes.values()].filter((v) => v === top).length;
        if (right > bestOther) voteRight++;
        else if (leaders > 1 && right === top) voteTies++;
      }
    }
    const share = (c: Record<string, number>): Record<string, number> => {
      const out: Record<string, number> = nameMap();
      for (const L of Object.keys(c).sort()) out[L] = valid > 0 ? c[L]! / valid : 0;
      return out;
    };
    const sortedCounts = (c: Record<string, number>): Record<string, number> => {
      const out: Record<string, number> = nameMap();
      for (const L of Object.keys(c).sort()) out[L] = c[L]!;
      return out;
    };
    models[model] = {
      model,
      items: perItem.size,
      complete_items: complete,
      incomplete_items: incomplete,
      circular_accuracy: complete > 0 ? circularCorrect / complete : null,
      circular_correct: circularCorrect,
      mean_accuracy: valid > 0 ? validCorrect / valid : null,
      per_rotation: [...rot.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([rotation, s]) => ({ rotation, n: s.n, correct: s.correct, accuracy: s.n > 0 ? s.correct / s.n : null })),
      vote_accuracy: voteItems > 0 ? voteRight / voteItems : null,
      vote_items: voteItems,
      vote_ties: voteTies,
      letter_prior: share(letterCounts),
      letter_counts: sortedCounts(letterCounts),
      answer_prior: share(answerCounts),
      valid_answers: valid,
      invalid: sortedCounts(invalid),
    };
  }
  const rotationsPerItem: Record<string, number> = {};
  for (const k of expected.values()) rotationsPerItem[String(k)] = (rotationsPerItem[String(k)] ?? 0) + 1;
  return { rotations_per_item: rotationsPerItem, models };
}

/** Extracts the answers of responses to rotated items (with the project's MCQ extractor) and folds them. */
export function scoreCircular(rotated: Map<string, Item>, responses: Response[]): { records: McqRecord[]; result: CircularResult } {
  const records = scoreMcq(rotated, responses);
  return { records, result: summariseCircular(records, rotated) };
}

function fmt(x: number | null, digits = 3): string {
  return x === null ? '–' : x.toFixed(digits);
}

/** Markdown: CircularEval accuracies per model, then the letter priors (position bias) as a table. */
export function renderCircularMarkdown(result: CircularResult, title = 'Option-order robustness (CircularEval)'): string {
  const models = Object.values(result.models);
  const lines: string[] = [`## ${title}`, ''];
  if (models.length === 0) return lines.concat('No records of rotated items.', '').join('\n');
  const rotations = [...new Set(models.flatMap((m) => m.per_rotation.map((p) => p.rotation)))].sort((a, b) => a - b);
  lines.push(
    'CircularEval accuracy counts an item right only when every rotation of its options is answered right; items with an invalid or missing rotation are counted apart, never as a guess.',
    '',
    `| Model | Items (complete) | CircularEval acc. | Vote acc. | Mean acc. | ${rotations.map((r) => `Rot. ${r}`).join(' | ')} | Invalid |`,
    `|---|---:|---:|---:|---:|${rotations.map(() => '---:').join('|')}|---:|`,
  );
  for (const m of models) {
    const per = new Map(m.per_rotation.map((p) => [p.rotation, p.accuracy]));
    const inv = Object.entries(m.invalid).map(([s, c]) => `${s} ${c}`).join(', ') || '0';
    lines.push(
      `| ${m.model} | ${m.items} (${m.complete_items}) | ${fmt(m.circular_accuracy)} | ${fmt(m.vote_accuracy)} | ${fmt(m.mean_accuracy)} | ${rotations.map((r) => fmt(per.get(r) ?? null)).join(' | ')} | ${inv} |`,
    );
  }
  const letters = [...new Set(models.flatMap((m) => Object.keys(m.letter_prior)).concat(models.flatMap((m) => Object.keys(m.answer_prior))))].sort();
  lines.push(
    '',
    '### Letter priors (position bias)',
    '',
    'Share of valid extracted answers per letter. With every rotation present the correct answer sits equally often at each letter, so an unbiased model is near uniform.',
    '',
    `| Model | ${letters.join(' | ')} | Valid answers |`,
    `|---|${letters.map(() => '---:').join('|')}|---:|`,
  );
  for (const m of models) lines.push(`| ${m.model} | ${letters.map((L) => fmt(m.letter_prior[L] ?? 0)).join(' | ')} | ${m.valid_answers} |`);
  lines.push('');
  return lines.join('\n');
}
