/**
 * The item-cluster bootstrap at the cost of counting.
 *
 * Many statistics are a function of a few sums over the rated units: Cohen's κ of a confusion
 * matrix, Krippendorff's α of a coincidence table, Fleiss' κ and Gwet's AC1 of per-item category
 * shares. A resample of items (clusters) with replacement then changes only the weight of each
 * cluster in those sums, so a resample's statistic is the same function of Σ_c w_c · row_c, where
 * row_c holds the cluster's own sums and w_c is how often the resample drew the cluster.
 *
 * Three savings make this cheap: the rows are sparse (a unit adds to one cell of a confusion
 * matrix); units with the same row share it (with 4 raters on 3 categories there are at most 4⁴
 * distinct unit rows, whatever the number of items); and clusters with the same list of unit rows
 * share it. A resample costs one count per drawn item, one add per unit of each distinct cluster
 * drawn (none with one unit per item), and one multiply-add per non-zero of each distinct unit row
 * (stored by column, so each sum is gathered rather than scattered).
 *
 * The resamples are exactly those of `bootstrapItems(nClusters, …, { seed })`: the same
 * generator, the same draws (`Rng.countDraws` draws what `Rng.fillInt` draws).
 */
import { Rng } from './random.ts';

/** Adds one unit's contribution to `row[offset .. offset + width)`. */
export type UnitSums = (unit: number, row: Float64Array, offset: number) => void;

export class ClusterSums {
  private readonly blocks: { width: number; offset: number; add: UnitSums }[] = [];
  private built: {
    clusterRow: Int32Array;
    /** Cluster types are unit patterns (clusterRow holds pattern ids): no pattern level to sum through. */
    direct: boolean;
    typeStart: Int32Array;
    typePattern: Int32Array;
    typeMult: Float64Array;
    patternCounts: Float64Array;
    /** Number of distinct unit rows. */
    nPatterns: number;
    /** The unit rows stored by column: sum f adds value[j] · (count of row rowOf[j]) for j in colStart[f] .. colStart[f + 1]. */
    colStart: Int32Array;
    rowOf: Int32Array;
    value: Float64Array;
  } | null = null;
  width = 0;
  /** Counts the totals computed so far: a reader's value is reusable while it does not change. */
  generation = 0;

  /** `clusters[c]` lists the units of cluster (item) c. */
  constructor(private readonly clusters: readonly Int32Array[]) {}

  /** Reserves `width` sums, filled unit by unit by `add`; returns their offset in every totals vector. */
  block(width: number, add: UnitSums): number {
    const offset = this.width;
    this.blocks.push({ width, offset, add });
    this.width += width;
    this.built = null;
    return offset;
  }

  /**
   * The sparse rows in two levels: each unit's row, identical unit rows stored once (patterns); each
   * cluster as its list of (pattern, multiplicity), identical lists stored once (cluster types). A
   * cluster's row is the sum of its units' rows, so a resample's totals are Σ_pattern (Σ_type count ·
   * multiplicity) · row. With one unit per item this is the one-level table; with many units per
   * item (models × criteria), whose cluster rows are nearly all distinct, a resample costs its units
   * plus the few distinct unit rows instead of every cluster's whole row.
   */
  private build(): NonNullable<ClusterSums['built']> {
    if (this.built) return this.built;
    const row = new Float64Array(this.width);
    const patterns = new SparseRows(row);
    const patternOf = (u: number): number => {
      row.fill(0);
      for (const b of this.blocks) b.add(u, row, b.offset);
      return patterns.intern();
    };
    const typeStart: number[] = [0];
    const typePattern: number[] = [];
    const typeMult: number[] = [];
    const newType = (list: readonly number[], mult: readonly number[]): number => {
      for (let i = 0; i < list.length; i++) {
        typePattern.push(list[i]!);
        typeMult.push(mult[i]!);
      }
      typeStart.push(typePattern.length);
      return typeStart.length - 2;
    };
    // a one-unit cluster's type is found by its pattern, a longer one's by its sorted pattern list
    const singleType: number[] = [];
    const listType = new Map<string, number>();
    const n = this.clusters.length;
    const clusterRow = new Int32Array(n);
    for (let c = 0; c < n; c++) {
      const us = this.clusters[c]!;
      if (us.length === 1) {
        const p = patternOf(us[0]!);
        clusterRow[c] = singleType[p] ??= newType([p], [1]);
        continue;
      }
      const ps = Array.from(us, patternOf).sort((x, y) => x - y);
      const list: number[] = [];
      const mult: number[] = [];
      for (const p of ps) {
        if (list.length && list[list.length - 1] === p) mult[mult.length - 1]!++;
        else (list.push(p), mult.push(1));
      }
      const key = `${list.join(',')};${mult.join(',')}`;
      let t = listType.get(key);
      if (t === undefined) listType.set(key, (t = newType(list, mult)));
      clusterRow[c] = t;
    }
    // every cluster type is exactly one unit (one unit per item; no empty item): the types are the
    // unit rows, and a resample's counts are theirs
    let direct = true;
    for (let t = 0; t + 1 < typeStart.length && direct; t++) direct = typeStart[t + 1]! - typeStart[t]! === 1 && typeMult[typeStart[t]!] === 1;
    if (direct) for (let c = 0; c < n; c++) clusterRow[c] = typePattern[clusterRow[c]!]!;
    this.built = {
      clusterRow,
      direct,
      typeStart: direct ? Int32Array.from({ length: patterns.count + 1 }, (_, i) => i) : Int32Array.from(typeStart),
      typePattern: Int32Array.from(typePattern),
      typeMult: Float64Array.from(typeMult),
      patternCounts: new Float64Array(patterns.count),
      nPatterns: patterns.count,
      ...patterns.byColumn(this.width),
    };
    return this.built;
  }

  /** Number of distinct cluster rows (what a resample costs beyond its draws). */
  get distinctRows(): number {
    return this.build().typeStart.length - 1;
  }

  /** Number of distinct unit rows. */
  get distinctUnitRows(): number {
    return this.build().nPatterns;
  }

  private accumulate(counts: Float64Array, out: Float64Array): Float64Array {
    const { direct, typeStart, typePattern, typeMult, colStart, rowOf, value } = this.build();
    let patternCounts = counts;
    this.generation++;
    if (!direct) {
      patternCounts = this.built!.patternCounts.fill(0);
      for (let t = 0; t < counts.length; t++) {
        const w = counts[t]!;
        if (w === 0) continue;
        for (let j = typeStart[t]!; j < typeStart[t + 1]!; j++) patternCounts[typePattern[j]!] += w * typeMult[j]!;
      }
    }
    // each sum gathered in a register from the rows that add to it (rows ascending), instead of
    // scattered row by row into memory: about half the time, and each sum adds in the same order
    const width = this.width;
    let j = 0;
    for (let f = 0; f < width; f++) {
      const end = colStart[f + 1]!;
      let s = 0;
      for (; j < end; j++) s += patternCounts[rowOf[j]!]! * value[j]!;
      out[f] = s;
    }
    return out;
  }

  /** `read` computed once per totals (several statistics of a study read the same value). */
  memo<T>(read: (totals: Float64Array) => T): (totals: Float64Array) => T {
    let at = -1;
    let last: T;
    return (totals) => {
      if (at !== this.generation) {
        last = read(totals);
        at = this.generation;
      }
      return last;
    };
  }

  /** The sums over the clusters listed in `idx` (with repetition: a resample's indices). */
  totals(idx: ArrayLike<number>, out = new Float64Array(this.width)): Float64Array {
    const { clusterRow, typeStart } = this.build();
    const counts = new Float64Array(typeStart.length - 1);
    for (let i = 0; i < idx.length; i++) counts[clusterRow[idx[i]!]!]++;
    return this.accumulate(counts, out);
  }

  /**
   * The sums over all clusters (`visit(totals, -1)`), then over each of `resamples` resamples of
   * the clusters drawn as `bootstrapItems` draws them for `seed` (`visit(totals, b)`). The totals
   * vector is reused: read it inside `visit`.
   */
  bootstrap(resamples: number, seed: number, visit: (totals: Float64Array, b: number) => void): void {
    const { clusterRow, typeStart } = this.build();
    const counts = new Float64Array(typeStart.length - 1);
    const out = new Float64Array(this.width);
    for (let c = 0; c < clusterRow.length; c++) counts[clusterRow[c]!]++;
    visit(this.accumulate(counts, out), -1);
    if (resamples <= 0 || clusterRow.length === 0) return;
    const rng = new Rng(seed);
    for (let b = 0; b < resamples; b++) {
      counts.fill(0);
      rng.countDraws(clusterRow, counts);
      visit(this.accumulate(counts, out), b);
    }
  }
}

/** Sparse rows with identical rows stored once, found by a hash of their non-zeros (bits of index and value). */
class SparseRows {
  private readonly buckets = new Map<number, number[]>();
  private readonly bits: Uint32Array;
  private readonly start: number[] = [0];
  private readonly index: number[] = [];
  private readonly value: number[] = [];
  /** `row` is the scratch row `intern` reads. */
  constructor(private readonly row: Float64Array) {
    this.bits = new Uint32Array(row.buffer, row.byteOffset, row.length * 2);
  }

  get count(): number {
    return this.start.length - 1;
  }

  /** The id of the scratch row's content, stored if new. */
  intern(): number {
    const { row, bits, start, index, value } = this;
    let h = 0x811c9dc5;
    let nz = 0;
    for (let f = 0; f < row.length; f++) {
      if (row[f] === 0) continue;
      nz++;
      h = Math.imul(h ^ f, 0x01000193);
      h = Math.imul(h ^ bits[2 * f]!, 0x01000193);
      h = Math.imul(h ^ bits[2 * f + 1]!, 0x01000193);
    }
    const same = (id: number): boolean => {
      const s = start[id]!;
      if (start[id + 1]! - s !== nz) return false;
      for (let j = 0; j < nz; j++) if (row[index[s + j]!] !== value[s + j]) return false;
      return true;
    };
    let bucket = this.buckets.get(h);
    const found = bucket?.find(same);
    if (found !== undefined) return found;
    const id = start.length - 1;
    for (let f = 0; f < row.length; f++) {
      if (row[f] === 0) continue;
      index.push(f);
      value.push(row[f]!);
    }
    start.push(index.length);
    if (!bucket) this.buckets.set(h, (bucket = []));
    bucket.push(id);
    return id;
  }

  /** The rows stored by column: for each of the `width` sums, the rows (ascending) that add to it and their values. */
  byColumn(width: number): { colStart: Int32Array; rowOf: Int32Array; value: Float64Array } {
    const { start, index, value } = this;
    const colStart = new Int32Array(width + 1);
    for (const f of index) colStart[f + 1]++;
    for (let f = 0; f < width; f++) colStart[f + 1] += colStart[f]!;
    const next = colStart.slice(0, width);
    const rowOf = new Int32Array(index.length);
    const byColumn = new Float64Array(index.length);
    for (let r = 0; r + 1 < start.length; r++) {
      for (let j = start[r]!; j < start[r + 1]!; j++) {
        const q = next[index[j]!]!++;
        rowOf[q] = r;
        byColumn[q] = value[j]!;
      }
    }
    return { colStart, rowOf, value: byColumn };
  }
}
