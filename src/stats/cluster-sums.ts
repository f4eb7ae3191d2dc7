/**
 * The item-cluster bootstrap at the cost of counting.
 *
 * Many statistics are a function of a few sums over the rated units: Cohen's κ of a confusion
 * matrix, Krippendorff's α of a coincidence table, Fleiss' κ and Gwet's AC1 of per-item category
 * shares. A resample of items (clusters) with replacement then changes only the weight of each
 * cluster in those sums, so a resample's statistic is the same function of Σ_c w_c · row_c, where
 * row_c holds the cluster's own sums and w_c is how often the resample drew the cluster.
 *
 * Two savings make this cheap: the rows are sparse (a unit adds to one cell of a confusion matrix),
 * and clusters with the same row share it: with 4 raters on 3 categories there are at most 4⁴
 * distinct single-unit rows, whatever the number of items. A resample costs one count per drawn
 * item plus one multiply-add per non-zero of each distinct row.
 *
 * The resamples are exactly those of `bootstrapItems(nClusters, …, { seed })`: the same
 * generator, the same draws (`Rng.countDraws` draws what `Rng.fillInt` draws).
 */
import { Rng } from './random.ts';

/** Adds one unit's contribution to `row[offset .. offset + width)`. */
export type UnitSums = (unit: number, row: Float64Array, offset: number) => void;

export class ClusterSums {
  private readonly blocks: { width: number; offset: number; add: UnitSums }[] = [];
  private built: { clusterRow: Int32Array; start: Int32Array; colStart: Int32Array; rowOf: Int32Array; value: Float64Array } | null = null;
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

  /** Each cluster's sparse row, identical rows stored once. */
  private build(): NonNullable<ClusterSums['built']> {
    if (this.built) return this.built;
    const n = this.clusters.length;
    const row = new Float64Array(this.width);
    const clusterRow = new Int32Array(n);
    // identical rows found by a hash of their non-zeros (bits of index and value), then compared
    const buckets = new Map<number, number[]>();
    const bits = new Uint32Array(row.buffer);
    const start: number[] = [0];
    const index: number[] = [];
    const value: number[] = [];
    const same = (id: number, nz: number): boolean => {
      const s = start[id]!;
      if (start[id + 1]! - s !== nz) return false;
      for (let j = 0; j < nz; j++) if (row[index[s + j]!] !== value[s + j]) return false;
      return true;
    };
    for (let c = 0; c < n; c++) {
      row.fill(0);
      for (const u of this.clusters[c]!) for (const b of this.blocks) b.add(u, row, b.offset);
      let h = 0x811c9dc5;
      let nz = 0;
      for (let f = 0; f < row.length; f++) {
        if (row[f] === 0) continue;
        nz++;
        h = Math.imul(h ^ f, 0x01000193);
        h = Math.imul(h ^ bits[2 * f]!, 0x01000193);
        h = Math.imul(h ^ bits[2 * f + 1]!, 0x01000193);
      }
      let bucket = buckets.get(h);
      let id = bucket?.find((b) => same(b, nz));
      if (id === undefined) {
        id = start.length - 1;
        for (let f = 0; f < row.length; f++) {
          if (row[f] === 0) continue;
          index.push(f);
          value.push(row[f]!);
        }
        start.push(index.length);
        if (!bucket) buckets.set(h, (bucket = []));
        bucket.push(id);
      }
      clusterRow[c] = id;
    }
    // stored by column (each sum lists the rows that add to it, rows ascending): a resample's sums
    // are then gathered, each in a register, instead of scattered row by row into memory (half the
    // time), and every sum still adds its rows in the same order
    const colStart = new Int32Array(this.width + 1);
    for (const f of index) colStart[f + 1]++;
    for (let f = 0; f < this.width; f++) colStart[f + 1] += colStart[f]!;
    const next = colStart.slice(0, this.width);
    const rowOf = new Int32Array(index.length);
    const byColumn = new Float64Array(index.length);
    for (let r = 0; r + 1 < start.length; r++) {
      for (let j = start[r]!; j < start[r + 1]!; j++) {
        const q = next[index[j]!]!++;
        rowOf[q] = r;
        byColumn[q] = value[j]!;
      }
    }
    this.built = { clusterRow, start: Int32Array.from(start), colStart, rowOf, value: byColumn };
    return this.built;
  }

  /** Number of distinct cluster rows (what a resample costs beyond its draws). */
  get distinctRows(): number {
    return this.build().start.length - 1;
  }

  private accumulate(counts: Float64Array, out: Float64Array): Float64Array {
    const { colStart, rowOf, value } = this.build();
    this.generation++;
    const width = this.width;
    let j = 0;
    for (let f = 0; f < width; f++) {
      const end = colStart[f + 1]!;
      let s = 0;
      for (; j < end; j++) s += counts[rowOf[j]!]! * value[j]!;
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
    const { clusterRow, start } = this.build();
    const counts = new Float64Array(start.length - 1);
    for (let i = 0; i < idx.length; i++) counts[clusterRow[idx[i]!]!]++;
    return this.accumulate(counts, out);
  }

  /**
   * The sums over all clusters (`visit(totals, -1)`), then over each of `resamples` resamples of
   * the clusters drawn as `bootstrapItems` draws them for `seed` (`visit(totals, b)`). The totals
   * vector is reused: read it inside `visit`.
   */
  bootstrap(resamples: number, seed: number, visit: (totals: Float64Array, b: number) => void): void {
    const { clusterRow, start } = this.build();
    const counts = new Float64Array(start.length - 1);
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
