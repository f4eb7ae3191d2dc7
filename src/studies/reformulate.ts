/**
 * MCQ ↔ open-ended reformulation: the two forms of one question, linked by a shared `pair_id`, so
 * that a model's answers in both forms can be compared item by item (studies/consistency.ts).
 *
 * - MCQ → open: the options are dropped and the correct option's text becomes the reference. The
 *   question text is kept word for word; a question that points at its options ("Which of the
 *   following…") is flagged in `meta.refers_to_options`, because rewriting it by rule would change
 *   the question silently (Med-CMR rewrote its 500 items by hand; medcmr.md §4).
 * - open → MCQ: distractors are other items' reference answers of the same task (different from
 *   this item's answer after normalisation), chosen with a seeded `Rng`; the correct position is
 *   balanced across items (a seeded balanced assignment, not independent draws), so that a
 *   position-biased model gains nothing from where the answer sits.
 *
 * Every generated item passes the `Item` schema and records how it was made in `meta`:
 * `source_item_id`, `method`, `seed` (null for the deterministic MCQ → open direction).
 */
import { Item } from '../schema/index.ts';
import { Rng } from '../stats/random.ts';

export const REFORMULATION_VERSION = '1';

/** The pair id of an item: its own `pair_id`, or its id when it has none. */
export function pairIdOf(item: Item): string {
  return item.pair_id ?? item.id;
}

/** Wording that only makes sense next to a list of options. */
const OPTION_REFERENCE =
  /\b(which of the following|which one of the following|of the following|the following (options?|choices?|answers?|statements?)|which of these|(the|these|above) (options?|choices?)|all of the above|none of the above|option [A-E]\b|choices? [A-E]\b)/i;

/** Does the question text point at its options (so that it reads oddly without them)? */
export function refersToOptions(question: string): boolean {
  return OPTION_REFERENCE.test(question);
}

/** Normalised answer text for comparing answers: lower case, collapsed spaces, no end punctuation. */
export function normaliseAnswer(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.;:,!?\s]+$/u, '');
}

function copyContext(src: Item): Partial<Item> {
  const out: Partial<Item> = {};
  if (src.task !== undefined) out.task = src.task;
  if (src.organ_system !== undefined) out.organ_system = src.organ_system;
  if (src.modality !== undefined) out.modality = src.modality;
  if (src.image !== undefined) out.image = src.image;
  if (src.visual_description !== undefined) out.visual_description = src.visual_description;
  return out;
}

function makeMeta(src: Item, method: string, seed: number | null, extra: Record<string, unknown>): Record<string, unknown> {
  const meta: Record<string, unknown> = {
    source_item_id: src.id,
    method,
    seed,
    reformulation_version: REFORMULATION_VERSION,
    ...extra,
  };
  if (src.meta !== undefined) meta.source_meta = src.meta;
  return meta;
}

export interface SkippedItem {
  id: string;
  reason: string;
}

export interface ReformulationResult {
  items: Item[];
  /** Source items that could not be reformulated, with the reason (never silently dropped). */
  skipped: SkippedItem[];
  summary: Record<string, number>;
}

/**
 * MCQ → open-ended. Open items get id `<id>#open`, the source's pair id, the correct option's text
 * as `reference`, and `meta.{source_item_id, method: 'mcq_to_open', seed: null, source_answer,
 * source_options, refers_to_options}`. Items that are already open-ended are skipped (listed).
 */
export function mcqToOpen(items: Iterable<Item>): ReformulationResult {
  const out: Item[] = [];
  const skipped: SkippedItem[] = [];
  let flagged = 0;
  for (const src of items) {
    if (src.format !== 'mcq') {
      skipped.push({ id: src.id, reason: 'not an MCQ item' });
      continue;
    }
    const reference = src.options?.[src.answer ?? ''];
    if (reference === undefined || reference.trim() === '') {
      skipped.push({ id: src.id, reason: `the correct option ${src.answer ?? '(none)'} has no text` });
      continue;
    }
    const refers = refersToOptions(src.question);
    if (refers) flagged++;
    out.push(
      Item.parse({
        id: `${src.id}#open`,
        format: 'open',
        question: src.question,
        reference,
        ...copyContext(src),
        pair_id: pairIdOf(src),
        meta: makeMeta(src, 'mcq_to_open', null, {
          source_answer: src.answer,
          source_options: src.options,
          refers_to_options: refers,
        }),
      }),
    );
  }
  return { items: out, skipped, summary: { generated: out.length, skipped: skipped.length, refers_to_options: flagged } };
}

export interface OpenToMcqOptions {
  seed: number;
  /** Options per generated MCQ, answer included (Med-CMR uses 5, A–E). Default 5. */
  options?: number;
  /**
   * When an item's task has too few distinct other answers: 'other_tasks' (default) fills the rest
   * from other tasks' answers (recorded per item in `meta.distractor_tasks`); 'fewer_options'
   * makes the item with fewer options (at least 2); 'skip' skips it.
   */
  shortfall?: 'other_tasks' | 'fewer_options' | 'skip';
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * A balanced seeded assignment of n positions among k: every position is used ⌊n/k⌋ or ⌈n/k⌉
 * times, the positions that get the extra use are chosen at random, and the order is shuffled.
 */
export function balancedPositions(n: number, k: number, rng: Rng): number[] {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`balancedPositions: k must be a positive integer, got ${k}`);
  const out: number[] = [];
  const full = Math.floor(n / k);
  for (let b = 0; b < full; b++) for (let j = 0; j < k; j++) out.push(j);
  const extra = rng.shuffle(Array.from({ length: k }, (_, j) => j)).slice(0, n - full * k);
  out.push(...extra);
  return rng.shuffle(out);
}

interface Candidate {
  text: string;
  norm: string;
  task: string | undefined;
  source: string;
}

/**
 * open-ended → MCQ with distractors drawn from other items' reference answers (same task first).
 * MCQ items get id `<id>#mcq`, the source's pair id, and `meta.{source_item_id, method:
 * 'open_to_mcq_pool', seed, distractor_source_ids, distractor_tasks}`. Distractors are distinct
 * from the answer and from each other after `normaliseAnswer`. Deterministic for a seed and an
 * input order. MCQ sources are skipped (listed).
 */
export function openToMcq(items: Iterable<Item>, opts: OpenToMcqOptions): ReformulationResult {
  const k = opts.options ?? 5;
  if (!Number.isInteger(k) || k < 2 || k > LETTERS.length) throw new RangeError(`openToMcq: options must be an integer in [2, 26], got ${k}`);
  const shortfall = opts.shortfall ?? 'other_tasks';
  const rng = new Rng(opts.seed);
  const all = [...items];
  const skipped: SkippedItem[] = [];
  const sources = all.filter((it) => {
    if (it.format === 'open' && it.reference !== undefined && it.reference.trim() !== '') return true;
    skipped.push({ id: it.id, reason: it.format === 'open' ? 'empty reference answer' : 'not an open-ended item' });
    return false;
  });

  // Distinct answers of the file, first occurrence kept, in file order (so the draw is reproducible).
  const candidates: Candidate[] = [];
  const seenNorm = new Map<string, Set<string | undefined>>();
  for (const it of sources) {
    const norm = normaliseAnswer(it.reference!);
    const tasks = seenNorm.get(norm) ?? new Set();
    if (tasks.has(it.task)) continue;
    tasks.add(it.task);
    seenNorm.set(norm, tasks);
    candidates.push({ text: it.reference!.trim(), norm, task: it.task, source: it.id });
  }

  // Choose the distractors first, so that the option count (and with it the balanced position
  // assignment) is known for every item.
  const planned: { src: Item; distractors: Candidate[]; fallback: number }[] = [];
  let fallbackItems = 0;
  for (const src of sources) {
    const norm = normaliseAnswer(src.reference!);
    const pick = (pool: Candidate[], taken: Set<string>, want: number): Candidate[] => {
      const eligible = pool.filter((c) => c.norm !== norm && !taken.has(c.norm));
      // distinct texts only: the same answer may appear under two tasks
      const uniq: Candidate[] = [];
      const u = new Set<string>();
      for (const c of eligible) if (!u.has(c.norm)) (u.add(c.norm), uniq.push(c));
      return rng.shuffle(uniq).slice(0, want);
    };
    const taken = new Set<string>();
    const chosen = pick(candidates.filter((c) => c.task === src.task), taken, k - 1);
    for (const c of chosen) taken.add(c.norm);
    let fallback = 0;
    if (chosen.length < k - 1) {
      if (shortfall === 'skip') {
        skipped.push({ id: src.id, reason: `only ${chosen.length} distinct other answers in task "${src.task ?? '(none)'}"; ${k - 1} needed` });
        continue;
      }
      if (shortfall === 'other_tasks') {
        const more = pick(candidates.filter((c) => c.task !== src.task), taken, k - 1 - chosen.length);
        fallback = more.length;
        chosen.push(...more);
      }
    }
    if (chosen.length < 1) {
      skipped.push({ id: src.id, reason: 'no distinct other answer to use as a distractor' });
      continue;
    }
    if (fallback > 0) fallbackItems++;
    planned.push({ src, distractors: chosen, fallback });
  }

  const out = assembleMcqs(
    planned.map((p) => ({
      src: p.src,
      distractors: p.distractors.map((c) => c.text),
      meta: {
        distractor_source_ids: p.distractors.map((c) => c.source),
        distractor_tasks: p.distractors.map((c) => c.task ?? null),
        distractors_from_other_tasks: p.fallback,
      },
    })),
    rng,
    'open_to_mcq_pool',
    opts.seed,
  );

  return {
    items: out,
    skipped,
    summary: { generated: out.length, skipped: skipped.length, items_with_other_task_distractors: fallbackItems, ...answerLetterCounts(out) },
  };
}

/** How many generated MCQs have their answer at each letter (`answer_A`, …), in letter order. */
export function answerLetterCounts(items: Item[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const it of [...items].sort((a, b) => (a.answer! < b.answer! ? -1 : a.answer! > b.answer! ? 1 : 0))) {
    counts[`answer_${it.answer}`] = (counts[`answer_${it.answer}`] ?? 0) + 1;
  }
  return counts;
}

/** An open-ended item with the distractors chosen for it (any method). */
export interface PlannedMcq {
  src: Item;
  distractors: string[];
  meta: Record<string, unknown>;
}

/**
 * Builds the MCQs from open items and their distractors: the correct position is a balanced seeded
 * assignment within each option count, the distractors fill the other letters in their order, and
 * every item is validated by the Item schema with its provenance in `meta`.
 */
export function assembleMcqs(planned: PlannedMcq[], rng: Rng, method: string, seed: number): Item[] {
  const byCount = new Map<number, number[]>();
  planned.forEach((p, i) => {
    const c = p.distractors.length + 1;
    const list = byCount.get(c) ?? [];
    list.push(i);
    byCount.set(c, list);
  });
  const position = new Array<number>(planned.length);
  for (const [count, idx] of [...byCount.entries()].sort((a, b) => a[0] - b[0])) {
    const pos = balancedPositions(idx.length, count, rng);
    idx.forEach((i, j) => (position[i] = pos[j]!));
  }
  return planned.map((p, i) => {
    const count = p.distractors.length + 1;
    const options: Record<string, string> = {};
    let d = 0;
    for (let j = 0; j < count; j++) options[LETTERS[j]!] = j === position[i] ? p.src.reference!.trim() : p.distractors[d++]!;
    return Item.parse({
      id: `${p.src.id}#mcq`,
      format: 'mcq',
      question: p.src.question,
      options,
      answer: LETTERS[position[i]!],
      ...copyContext(p.src),
      pair_id: pairIdOf(p.src),
      meta: makeMeta(p.src, method, seed, { source_reference: p.src.reference, ...p.meta }),
    });
  });
}
