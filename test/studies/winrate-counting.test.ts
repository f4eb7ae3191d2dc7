import { describe, expect, it } from 'vitest';
import type { PreferenceRow } from '../../src/io/preferences.ts';
import { bradleyTerry, type PairCounts } from '../../src/stats/bradley-terry.ts';
import { mtBenchAgreement, type PairwiseVote } from '../../src/stats/classification.ts';
import { Rng } from '../../src/stats/random.ts';
import { bootstrapCounts, bootstrapVector, intervalOf } from '../../src/stats/resample.ts';
import { runWinrate } from '../../src/studies/winrate.ts';

// The study reads every resample from a count table weighted by how often each item was drawn.
// The reference here does it the obvious way: copy the rows of the drawn items (an item drawn
// twice appears twice) and recount them from scratch for each statistic.

const MODELS = ['m0', 'm1', 'm2', 'm3', 'm4'];
const rng = new Rng(11);
const rows: PreferenceRow[] = [];
for (let it = 0; it < 40; it++)
  for (const rater of ['h', 'j'])
    for (let k = 0; k < 3; k++) {
      const a = rng.int(5);
      const b = (a + 1 + rng.int(4)) % 5;
      for (const dimension of ['acc', 'safe']) {
        const u = rng.next();
        const status = u < 0.04 ? 'api_error' : 'ok';
        const winner = status !== 'ok' ? null : u < 0.5 ? 'A' : u < 0.85 ? 'B' : 'tie';
        rows.push({ item_id: `i${String(it).padStart(2, '0')}`, rater, model_a: MODELS[a]!, model_b: MODELS[b]!, winner, status, dimension });
      }
    }
const items = [...new Set(rows.filter((r) => r.status === 'ok').map((r) => r.item_id))].sort();
const byItem = new Map(items.map((it) => [it, rows.filter((r) => r.item_id === it && r.status === 'ok')]));

/** Win ratio (ties half), BT log-strength of every model, by recounting the given rows. */
function recount(sample: PreferenceRow[], rater: string, dimension: string | null): { wr: number[]; bt: number[] } {
  const mine = sample.filter((r) => r.rater === rater && (dimension === null || r.dimension === dimension));
  const pair = new Map<string, PairCounts>();
  const wlt = MODELS.map(() => [0, 0, 0]);
  for (const r of mine) {
    const a = MODELS.indexOf(r.model_a);
    const b = MODELS.indexOf(r.model_b);
    const [i, j, aWins, bWins] = a < b ? [a, b, r.winner === 'A', r.winner === 'B'] : [b, a, r.winner === 'B', r.winner === 'A'];
    const p = pair.get(`${i},${j}`) ?? { i, j, wins_i: 0, wins_j: 0, ties: 0 };
    if (aWins) p.wins_i++;
    else if (bWins) p.wins_j++;
    else p.ties++;
    pair.set(`${i},${j}`, p);
    wlt[i]![aWins ? 0 : bWins ? 1 : 2]!++;
    wlt[j]![bWins ? 0 : aWins ? 1 : 2]!++;
  }
  const wr = wlt.map(([w, l, t]) => (w! + t! / 2) / (w! + l! + t!));
  const bt = bradleyTerry(MODELS.length, [...pair.values()], { ties: 'half' }).log_strength;
  return { wr, bt };
}

function agreement(sample: PreferenceRow[], dimension: string | null): [number, number] {
  const key = (r: PreferenceRow) => `${r.item_id}|${[r.model_a, r.model_b].sort().join('|')}|${r.dimension}`;
  const oriented = (r: PreferenceRow): PairwiseVote => (r.winner === 'tie' ? 'tie' : (r.winner === 'A') === r.model_a < r.model_b ? 'A' : 'B');
  const h = new Map<string, PreferenceRow>();
  const va: PairwiseVote[] = [];
  const vb: PairwiseVote[] = [];
  const inScope = sample.filter((r) => dimension === null || r.dimension === dimension);
  // a drawn item's rows appear as often as it was drawn: each copy of j's verdict counts once
  for (const r of inScope) if (r.rater === 'h') h.set(key(r), r);
  for (const r of inScope) {
    if (r.rater !== 'j') continue;
    const other = h.get(key(r));
    if (!other) continue;
    va.push(oriented(other));
    vb.push(oriented(r));
  }
  const ag = mtBenchAgreement(va, vb);
  return [ag.with_ties ?? NaN, ag.without_ties ?? NaN];
}

describe('runWinrate: weighted counting equals recounting copied rows on every resample', () => {
  const B = 60;
  const result = runWinrate(rows, { ties: 'half', seed: 5, resamples: B, compare: ['h', 'j'] });
  for (const dimension of [null, 'acc']) {
    const scope = dimension === null ? result : result.dimensions![dimension]!;
    it(`${dimension ?? 'overall'}: win ratios, BT scores and pair agreement, intervals to 1e-12`, () => {
      const stat = (sample: PreferenceRow[]): number[] => {
        const { wr, bt } = recount(sample, 'j', dimension);
        return [...wr, ...bt, ...agreement(sample, dimension)];
      };
      const { point, replicates } = bootstrapVector(items.length, 2 * MODELS.length + 2, (idx) => stat([...idx].flatMap((i) => byItem.get(items[i]!)!)), { resamples: B, seed: 5 });
      const j = scope.raters.j!;
      MODELS.forEach((m, k) => {
        const wr = intervalOf(point[k]!, replicates[k]!);
        const bt = intervalOf(point[MODELS.length + k]!, replicates[MODELS.length + k]!);
        expect(j.models[m]!.win_ratio.value!).toBeCloseTo(wr.value!, 12);
        expect(j.models[m]!.win_ratio.ci_low!).toBeCloseTo(wr.ci_low!, 12);
        expect(j.models[m]!.win_ratio.ci_high!).toBeCloseTo(wr.ci_high!, 12);
        expect(j.models[m]!.bt_score.value!).toBeCloseTo(bt.value!, 12);
        expect(j.models[m]!.bt_score.ci_low!).toBeCloseTo(bt.ci_low!, 12);
        expect(j.models[m]!.bt_score.ci_high!).toBeCloseTo(bt.ci_high!, 12);
      });
      const k = 2 * MODELS.length;
      for (const [got, at] of [[scope.compare!.pair_agreement_with_ties, k], [scope.compare!.pair_agreement_without_ties, k + 1]] as const) {
        const ref = intervalOf(point[at]!, replicates[at]!);
        expect(got.value!).toBeCloseTo(ref.value!, 12);
        expect(got.ci_low!).toBeCloseTo(ref.ci_low!, 12);
        expect(got.ci_high!).toBeCloseTo(ref.ci_high!, 12);
      }
    });
  }
});

describe('bootstrapCounts', () => {
  it('draws the resamples of bootstrapVector, as counts per item', () => {
    const n = 37;
    const fromIdx: number[][] = [];
    bootstrapVector(n, 0, (idx, b) => {
      if (b >= 0) {
        const c = new Array<number>(n).fill(0);
        for (const i of idx) c[i]!++;
        fromIdx.push(c);
      }
      return [];
    }, { resamples: 25, seed: 9 });
    const fromCounts: number[][] = [];
    let pointCounts: number[] = [];
    bootstrapCounts(n, 0, (counts, b) => (b < 0 ? (pointCounts = [...counts]) : fromCounts.push([...counts]), []), { resamples: 25, seed: 9 });
    expect(pointCounts).toEqual(new Array(n).fill(1));
    expect(fromCounts).toEqual(fromIdx);
    expect(fromCounts.every((c) => c.reduce((s, x) => s + x, 0) === n)).toBe(true);
  });
});
