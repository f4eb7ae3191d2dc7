import { InputError } from '../io/errors.ts';
import type { McqGroupStats, McqModelResult, McqRecord, McqResult } from '../schema/index.ts';
import { percentileInterval } from '../stats/bootstrap.ts';
import { Rng } from '../stats/random.ts';
import { EXTRACTOR_VERSION } from './extract.ts';
import { nameMap } from '../io/name-map.ts';

/** The group key of items that have no value for a grouping field. */
export const NO_GROUP = '(none)';

/** The seven Med-CMR task dimensions in the paper's column order; other tasks follow alphabetically. */
export const MEDCMR_TASK_ORDER = ['SOD', 'FDD', 'SU', 'TP', 'CR', 'LTG', 'MSI'] as const;

export const ACCURACY_CONVENTION =
  'accuracy = correct / n with invalid and missing answers counted as wrong (Med-CMR); accuracy_valid = correct / answered; intervals: percentile bootstrap over items';

export interface SummariseOptions {
  seed: number;
  /** Bootstrap resamples per group (0: no intervals). */
  resamples: number;
  /** Interval coverage, 0.95 by default. */
  level?: number;
  /** What the LLM second reader did, when it was on: the result then counts each reader's records apart. */
  second_reader?: NonNullable<McqResult['second_reader']>;
}

/**
 * The seed of one group's bootstrap: FNV-1a of `family \0 key` mixed with the run seed. Every
 * model is resampled with the same indices within a group (paired), and a model's interval does
 * not depend on which other models are in the run.
 */
export function groupSeed(seed: number, family: string, key: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  const s = `${family}\u0000${key}`;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= Math.floor(seed / 4294967296);
  return h >>> 0;
}

/**
 * Item bootstrap of up to 32 proportions at once. `masks[i]` has bit j set when item i counts for
 * proportion j. For each resample the n items are drawn with replacement by `rng.int(n)` exactly
 * as `bootstrapItems` draws them, and the count of drawn items with bit j set is returned at
 * `counts[b * width + j]`; so `counts / n` are bootstrapItems' replicates of the mean, number for
 * number, for the same seed.
 *
 * Why not call bootstrapItems: at Med-CMR scale (20,653 items × 18 models × 4 groupings × 1,000
 * resamples) a statistic over an index array per model per resample costs ~1.5 billion lookups.
 * Here each draw updates all models at once with bit-sliced counters (bit j of each plane belongs
 * to model j): draws are summed 16 at a time by a carry-save adder tree (Harley–Seal), whose
 * planes weigh 1, 2, 4 and 8, and only the carries of weight 16 ripple into the high planes, so
 * there is no data-dependent branch per draw.
 */
export function bootstrapBitCounts(masks: Uint32Array, width: number, resamples: number, seed: number): Int32Array {
  if (width < 1 || width > 32) throw new RangeError('width must be 1..32');
  const n = masks.length;
  const counts = new Int32Array(resamples * width);
  if (n === 0) return counts;
  const rng = new Rng(seed);
  const P = 32 - Math.clz32(n);
  const high = new Int32Array(P + 1); // counters in units of 16
  const tail = new Int32Array(P + 1); // draws left over after the blocks of 16
  const blocks = n >>> 4;
  const rest = n & 15;
  // One resample's draws at a time, by `fillInt`: the numbers of n calls of `rng.int(n)` in the
  // same order, with the generator's state in locals instead of a method call per draw.
  const draw = new Uint32Array(n);
  for (let b = 0; b < resamples; b++) {
    rng.fillInt(draw, n);
    let d = 0;
    high.fill(0);
    tail.fill(0);
    let ones = 0;
    let twos = 0;
    let fours = 0;
    let eights = 0;
    for (let k = 0; k < blocks; k++) {
      let u: number, twosA: number, twosB: number, foursA: number, foursB: number, eightsA: number, eightsB: number, a: number, c: number;
      // CSA(h, l ← l, a, c): u = l ^ a; h = (l & a) | (u & c); l = u ^ c
      a = masks[draw[d++]!]!; c = masks[draw[d++]!]!; u = ones ^ a; twosA = (ones & a) | (u & c); ones = u ^ c;
      a = masks[draw[d++]!]!; c = masks[draw[d++]!]!; u = ones ^ a; twosB = (ones & a) | (u & c); ones = u ^ c;
      u = twos ^ twosA; foursA = (twos & twosA) | (u & twosB); twos = u ^ twosB;
      a = masks[draw[d++]!]!; c = masks[draw[d++]!]!; u = ones ^ a; twosA = (ones & a) | (u & c); ones = u ^ c;
      a = masks[draw[d++]!]!; c = masks[draw[d++]!]!; u = ones ^ a; twosB = (ones & a) | (u & c); ones = u ^ c;
      u = twos ^ twosA; foursB = (twos & twosA) | (u & twosB); twos = u ^ twosB;
      u = fours ^ foursA; eightsA = (fours & foursA) | (u & foursB); fours = u ^ foursB;
      a = masks[draw[d++]!]!; c = masks[draw[d++]!]!; u = ones ^ a; twosA = (ones & a) | (u & c); ones = u ^ c;
      a = masks[draw[d++]!]!; c = masks[draw[d++]!]!; u = ones ^ a; twosB = (ones & a) | (u & c); ones = u ^ c;
      u = twos ^ twosA; foursA = (twos & twosA) | (u & twosB); twos = u ^ twosB;
      a = masks[draw[d++]!]!; c = masks[draw[d++]!]!; u = ones ^ a; twosA = (ones & a) | (u & c); ones = u ^ c;
      a = masks[draw[d++]!]!; c = masks[draw[d++]!]!; u = ones ^ a; twosB = (ones & a) | (u & c); ones = u ^ c;
      u = twos ^ twosA; foursB = (twos & twosA) | (u & twosB); twos = u ^ twosB;
      u = fours ^ foursA; eightsB = (fours & foursA) | (u & foursB); fours = u ^ foursB;
      u = eights ^ eightsA;
      let carry = (eights & eightsA) | (u & eightsB);
      eights = u ^ eightsB;
      for (let p = 0; carry !== 0; p++) {
        const t = high[p]! & carry;
        high[p] ^= carry;
        carry = t;
      }
    }
    for (let k = 0; k < rest; k++) {
      let carry = masks[draw[d++]!]! | 0;
      for (let p = 0; carry !== 0; p++) {
        const t = tail[p]! & carry;
        tail[p] ^= carry;
        carry = t;
      }
    }
    const base = b * width;
    for (let j = 0; j < width; j++) {
      let hi = 0;
      let lo = 0;
      for (let p = 0; p <= P; p++) {
        hi |= ((high[p]! >>> j) & 1) << p;
        lo |= ((tail[p]! >>> j) & 1) << p;
      }
      counts[base + j] = 16 * hi + 8 * ((eights >>> j) & 1) + 4 * ((fours >>> j) & 1) + 2 * ((twos >>> j) & 1) + ((ones >>> j) & 1) + lo;
    }
  }
  return counts;
}

// status codes per (model, item)
const NONE = -1;
const WRONG = 0;
const RIGHT = 1;
const INVALID = 2;
const MISSING = 3;

interface Grouping {
  family: 'overall' | 'task' | 'organ_system' | 'modality';
  groups: Map<string, number[]>;
}

/**
 * Folds MCQ records into accuracies per model: overall and by task, organ system and modality,
 * micro-averaged over items, with percentile bootstrap intervals resampled by item within each
 * group. Degenerate cases: a group no item falls in does not appear; a group where nothing was
 * answered has accuracy 0 and accuracy_valid null; with `resamples` 0 the intervals are null.
 *
 * The interval of (model, group) equals `bootstrapItems(n, idx => mean(correct[idx]), { seed:
 * groupSeed(seed, family, key), resamples, level })` with the group's items in the order they
 * first appear in `records` (a test checks this number for number).
 */
export function summariseMcq(records: McqRecord[], opts: SummariseOptions): McqResult {
  const level = opts.level ?? 0.95;
  const itemIndex = new Map<string, number>();
  const itemRecs: McqRecord[] = [];
  const modelIndex = new Map<string, number>();
  const status: Int8Array[] = [];
  const rules: Map<string, number>[] = [];
  const failures: Map<string, number>[] = [];
  const byReader: Record<'rules' | 'llm', { records: number; correct: number }>[] = [];
  for (const r of records) {
    let i = itemIndex.get(r.item_id);
    if (i === undefined) {
      i = itemRecs.length;
      itemIndex.set(r.item_id, i);
      itemRecs.push(r);
    }
    let m = modelIndex.get(r.model);
    if (m === undefined) {
      m = status.length;
      modelIndex.set(r.model, m);
      status.push(new Int8Array(0));
      rules.push(new Map());
      failures.push(new Map());
      byReader.push({ rules: { records: 0, correct: 0 }, llm: { records: 0, correct: 0 } });
    }
    const reader = byReader[m]![r.extracted_by ?? 'rules'];
    reader.records += 1;
    if (r.correct) reader.correct += 1;
    rules[m]!.set(r.rule, (rules[m]!.get(r.rule) ?? 0) + 1);
    if (r.status !== 'ok') {
      const kind = r.status === 'missing' ? 'missing' : r.rule;
      failures[m]!.set(kind, (failures[m]!.get(kind) ?? 0) + 1);
    }
  }
  const nItems = itemRecs.length;
  for (let m = 0; m < status.length; m++) status[m] = new Int8Array(nItems).fill(NONE);
  for (const r of records) {
    const i = itemIndex.get(r.item_id)!;
    const s = status[modelIndex.get(r.model)!]!;
    if (s[i] !== NONE) throw new InputError(`two MCQ records of model "${r.model}" for item "${r.item_id}"`, { field: 'item_id' });
    s[i] = r.status === 'ok' ? (r.correct ? RIGHT : WRONG) : r.status === 'missing' ? MISSING : INVALID;
  }

  const groupings: Grouping[] = [
    { family: 'overall', groups: new Map([['', Array.from({ length: nItems }, (_, i) => i)]]) },
    { family: 'task', groups: groupBy(itemRecs, (r) => r.task) },
    { family: 'organ_system', groups: groupBy(itemRecs, (r) => r.organ_system) },
    { family: 'modality', groups: groupBy(itemRecs, (r) => r.modality) },
  ];

  const nModels = status.length;
  const stats: Map<string, McqGroupStats>[][] = groupings.map(() => Array.from({ length: nModels }, () => new Map()));
  groupings.forEach((g, gi) => {
    for (const key of orderedKeys(g)) {
      const items = g.groups.get(key)!;
      const seed = groupSeed(opts.seed, g.family, key);
      const complete: number[] = [];
      for (let m = 0; m < nModels; m++) {
        const s = status[m]!;
        const present = items.filter((i) => s[i] !== NONE);
        if (present.length === 0) continue;
        if (present.length === items.length) complete.push(m);
        else {
          const counts = bootstrapBitCounts(correctMasks(present, [s]), 1, opts.resamples, seed);
          stats[gi]![m]!.set(key, groupStats(s, present, counts, 1, 0, opts.resamples, level));
        }
      }
      for (let c = 0; c < complete.length; c += 32) {
        const chunk = complete.slice(c, c + 32);
        const sts = chunk.map((m) => status[m]!);
        const counts = bootstrapBitCounts(correctMasks(items, sts), chunk.length, opts.resamples, seed);
        chunk.forEach((m, j) => stats[gi]![m]!.set(key, groupStats(status[m]!, items, counts, chunk.length, j, opts.resamples, level)));
      }
    }
  });

  const models: Record<string, McqModelResult> = nameMap();
  for (const [name, m] of modelIndex) {
    const overall = stats[0]![m]!.get('');
    if (!overall) continue;
    models[name] = {
      ...overall,
      by_task: Object.fromEntries(stats[1]![m]!),
      by_organ_system: Object.fromEntries(stats[2]![m]!),
      by_modality: Object.fromEntries(stats[3]![m]!),
      by_rule: byCount(rules[m]!),
      by_failure: byCount(failures[m]!),
      // Without the second reader every record it read would be the rules' invalid answer: wrong under the convention.
      ...(opts.second_reader ? { by_extractor: byReader[m]!, accuracy_rules_only: byReader[m]!.rules.correct / overall.n } : {}),
    };
  }
  return {
    models,
    n_items: nItems,
    seed: opts.seed,
    resamples: opts.resamples,
    level,
    extractor_version: EXTRACTOR_VERSION,
    convention: ACCURACY_CONVENTION,
    ...(opts.second_reader ? { second_reader: opts.second_reader } : {}),
  };
}

/** Counts as an object, most frequent first (ties by name), so that reports list them in that order. */
function byCount(counts: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}

function groupBy(items: McqRecord[], key: (r: McqRecord) => string | undefined): Map<string, number[]> {
  const out = new Map<string, number[]>();
  items.forEach((r, i) => {
    const k = key(r);
    const g = k === undefined || k.trim() === '' ? NO_GROUP : k;
    let list = out.get(g);
    if (!list) out.set(g, (list = []));
    list.push(i);
  });
  return out;
}

/** Med-CMR task order first for tasks; otherwise alphabetical; `(none)` last. */
function orderedKeys(g: Grouping): string[] {
  const keys = [...g.groups.keys()];
  const rank = (k: string): number => {
    if (k === NO_GROUP) return 1e9;
    const i = g.family === 'task' ? (MEDCMR_TASK_ORDER as readonly string[]).indexOf(k) : -1;
    return i >= 0 ? i : 100;
  };
  return keys.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

function correctMasks(items: number[], sts: Int8Array[]): Uint32Array {
  const masks = new Uint32Array(items.length);
  for (let k = 0; k < items.length; k++) {
    let mask = 0;
    for (let j = 0; j < sts.length; j++) if (sts[j]![items[k]!] === RIGHT) mask |= 1 << j;
    masks[k] = mask >>> 0;
  }
  return masks;
}

function groupStats(s: Int8Array, items: number[], counts: Int32Array, width: number, j: number, resamples: number, level: number): McqGroupStats {
  let correct = 0;
  let invalid = 0;
  let missing = 0;
  for (const i of items) {
    const v = s[i];
    if (v === RIGHT) correct++;
    else if (v === INVALID) invalid++;
    else if (v === MISSING) missing++;
  }
  const n = items.length;
  const answered = n - invalid - missing;
  let ci: { ci_low: number | null; ci_high: number | null } = { ci_low: null, ci_high: null };
  if (resamples > 0) {
    const reps = new Float64Array(resamples);
    for (let b = 0; b < resamples; b++) reps[b] = counts[b * width + j]! / n;
    ci = percentileInterval(reps, level);
  }
  return {
    n,
    correct,
    invalid,
    missing,
    answered,
    accuracy: correct / n,
    ci_low: ci.ci_low,
    ci_high: ci.ci_high,
    accuracy_valid: answered > 0 ? correct / answered : null,
    invalid_rate: invalid / n,
    missing_rate: missing / n,
  };
}
