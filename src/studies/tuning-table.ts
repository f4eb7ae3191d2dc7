/**
 * The rating table of the tuning study (studies/tuning.ts): candidates and humans as unit-aligned
 * columns (NaN where missing or failed; nominal values as category codes), units grouped by item
 * (the split and the bootstrap resample items), and the human consensus of each unit from
 * ratings/consensus.ts (strict majority of the humans present, or their mean).
 */
import { InputError } from '../io/errors.ts';
import type { Rating } from '../schema/index.ts';
import { codeCategories } from '../stats/matrix.ts';
import { consensusColumn } from '../ratings/consensus.ts';
import { failureName } from '../ratings/failures.ts';
import type { TuningOptions } from './tuning.ts';

export interface Table {
  items: string[];
  /** Units of each item (cluster). */
  clusters: Int32Array[];
  unitDim: Int32Array;
  unitModel: (string | undefined)[];
  unitItem: Int32Array;
  dims: string[];
  /** values[rater][unit], NaN where missing or failed; nominal values are category codes. */
  cand: Float64Array[];
  humans: Float64Array[];
  scale: number[];
  /** Human consensus per unit (majority code or mean), NaN where undefined. */
  consensus: Float64Array;
  noMajority: Uint8Array;
  failures: Record<string, Record<string, number>>;
}

export function buildTable(labels: readonly Rating[], opts: TuningOptions): Table {
  const candIdx = new Map(opts.candidates.map((c, i) => [c, i]));
  const humIdx = new Map(opts.humans.map((h, i) => [h, i]));
  const itemIndex = new Map<string, number>();
  const items: string[] = [];
  const unitIndex = new Map<string, number>();
  const units: { item: number; model: string | undefined; dim: string }[] = [];
  const failures: Record<string, Record<string, number>> = Object.fromEntries(opts.candidates.map((c) => [c, { ...(opts.extraFailures?.[c] ?? {}) }]));
  const cells: { r: number; human: boolean; u: number; v: string | number }[] = [];
  const dimSet: string[] = [];
  for (const l of labels) {
    const ci = candIdx.get(l.rater);
    const hi = humIdx.get(l.rater);
    if (ci === undefined && hi === undefined) continue;
    let it = itemIndex.get(l.item_id);
    if (it === undefined) {
      it = items.length;
      itemIndex.set(l.item_id, it);
      items.push(l.item_id);
    }
    const dim = l.dimension ?? '';
    if (!dimSet.includes(dim)) dimSet.push(dim);
    const key = `${l.item_id}\u0000${l.model ?? ''}\u0000${dim}`;
    let u = unitIndex.get(key);
    if (u === undefined) {
      u = units.length;
      unitIndex.set(key, u);
      units.push({ item: it, model: l.model, dim });
    }
    if (l.status !== 'ok') {
      const name = failureName(l);
      if (ci !== undefined) failures[l.rater]![name] = (failures[l.rater]![name] ?? 0) + 1;
      continue;
    }
    cells.push({ r: ci ?? hi!, human: ci === undefined, u, v: l.value });
  }
  if (dimSet.length > 1 && dimSet.includes('')) throw new InputError('some labels have a dimension and some have none: give every label a dimension, or none');
  const dims = dimSet.filter((d) => d !== '').sort();
  const n = units.length;
  const cand = opts.candidates.map(() => new Float64Array(n).fill(NaN));
  const humans = opts.humans.map(() => new Float64Array(n).fill(NaN));
  let scale: number[];
  if (opts.level === 'nominal') {
    const coded = codeCategories(cells.map((c) => c.v));
    cells.forEach((c, i) => ((c.human ? humans : cand)[c.r]![c.u] = coded.codes[i]!));
    scale = coded.categories.map((_, i) => i);
  } else {
    const distinct = new Set<number>();
    for (const c of cells) {
      if (typeof c.v !== 'number' || !Number.isFinite(c.v)) {
        const who = c.human ? opts.humans[c.r] : opts.candidates[c.r];
        throw new InputError(`the ${opts.level} level needs numeric values, but rater "${who}" has "${String(c.v)}" on item "${items[units[c.u]!.item]}" (use level nominal, or list it as a failure value)`, { field: 'value' });
      }
      (c.human ? humans : cand)[c.r]![c.u] = c.v;
      distinct.add(c.v);
    }
    scale = [...distinct].sort((a, b) => a - b);
  }
  const clustersL: number[][] = items.map(() => []);
  units.forEach((u, i) => clustersL[u.item]!.push(i));
  const { values: consensus, noMajority } = consensusColumn(humans, { nominal: opts.level === 'nominal', minRaters: Math.min(2, opts.humans.length) });
  return {
    items,
    clusters: clustersL.map((c) => Int32Array.from(c)),
    unitDim: Int32Array.from(units.map((u) => (u.dim === '' ? -1 : dims.indexOf(u.dim)))),
    unitModel: units.map((u) => u.model),
    unitItem: Int32Array.from(units.map((u) => u.item)),
    dims,
    cand,
    humans,
    scale,
    consensus,
    noMajority,
    failures,
  };
}

export function gather(v: Float64Array, sel: ArrayLike<number>): Float64Array {
  const out = new Float64Array(sel.length);
  for (let i = 0; i < sel.length; i++) out[i] = v[sel[i]!]!;
  return out;
}

export const safe = (f: () => number | null): number | null => {
  try {
    const v = f();
    return v !== null && Number.isFinite(v) ? v : null;
  } catch (err) {
    if (err instanceof RangeError) return null;
    throw err;
  }
};

