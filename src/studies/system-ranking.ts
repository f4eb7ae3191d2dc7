import { ranksDescending } from '../stats/rank.ts';
import type { HumanLabel, Rating } from '../schema/index.ts';
import type { RatingMatrix } from '../stats/matrix.ts';
import { nameMap } from '../io/name-map.ts';

/** Average ranks, 1 = the highest value (pandas `rank(ascending=False)`, ties averaged): stats/rank.ts. */
export const rankDescending = (xs: number[]): number[] => ranksDescending(xs);

/**
 * System-level rankings as in Sottana et al. (2023): each rater's mean rating of each model over
 * the units, then the models ranked per rater (1 = best, ties averaged). The matrix has one row
 * per model and one column per rater, ready for Krippendorff's α. Models a rater never rated get
 * no rank (null). Direction does not matter for α: reversing every rater's ranks leaves it unchanged.
 */
export function systemRankMatrix(
  labels: readonly (HumanLabel | Rating)[],
  raters: string[],
): { models: string[]; means: Record<string, Record<string, number>>; ranks: Record<string, Record<string, number>>; matrix: RatingMatrix } {
  const models: string[] = [];
  const sums = new Map<string, { s: number; n: number }>();
  for (const l of labels) {
    if (l.model === undefined || ('status' in l && l.status !== 'ok') || typeof l.value !== 'number' || !raters.includes(l.rater)) continue;
    if (!models.includes(l.model)) models.push(l.model);
    const k = `${l.rater}\u0000${l.model}`;
    const e = sums.get(k) ?? { s: 0, n: 0 };
    e.s += l.value;
    e.n++;
    sums.set(k, e);
  }
  const means: Record<string, Record<string, number>> = nameMap();
  const ranks: Record<string, Record<string, number>> = nameMap();
  const matrix: RatingMatrix = models.map(() => raters.map(() => null));
  raters.forEach((r, j) => {
    means[r] = {};
    ranks[r] = {};
    const rated = models.filter((m) => sums.has(`${r}\u0000${m}`));
    const ms = rated.map((m) => {
      const e = sums.get(`${r}\u0000${m}`)!;
      return e.s / e.n;
    });
    const rk = rankDescending(ms);
    rated.forEach((m, i) => {
      means[r]![m] = ms[i]!;
      ranks[r]![m] = rk[i]!;
      matrix[models.indexOf(m)]![j] = rk[i]!;
    });
  });
  return { models, means, ranks, matrix };
}

