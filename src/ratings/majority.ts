import type { z } from 'zod';
import type { PreferenceRow } from '../io/preferences.ts';
import type { MajorityReport as MajorityReportSchema } from '../schema/results/winrate.ts';
import { quorumOf, strictMajority } from './reduce.ts';

// A derived rater: the strict majority of some raters, by the one majority rule (ratings/reduce.ts).

export type MajorityReport = z.infer<typeof MajorityReportSchema>;

/**
 * Adds a rater `name` whose verdict on each (item, pair, dimension) is the strict majority of the
 * raters `from`: a verdict (A, B or tie, orientation aligned) given by more than half of ALL the
 * listed raters (2 of 3), so a rater's failure can cost a majority but never invent one. Groups
 * without a majority get no row and are listed in the report. Returns the input rows plus the new ones.
 */
export function addMajorityRater(prefs: readonly PreferenceRow[], from: readonly string[], name = 'majority'): { rows: PreferenceRow[]; report: MajorityReport } {
  if (from.length === 0) throw new RangeError('a majority needs at least one rater');
  if (prefs.some((p) => p.rater === name)) throw new RangeError(`a rater named "${name}" already exists`);
  const fromSet = new Set(from);
  const groups = new Map<string, { first: PreferenceRow; votes: Map<string, number> }>();
  for (const p of prefs) {
    if (!fromSet.has(p.rater)) continue;
    const flip = p.model_a > p.model_b;
    const key = [p.item_id, flip ? p.model_b : p.model_a, flip ? p.model_a : p.model_b, p.dimension ?? ''].join('\u0000');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { first: p, votes: new Map() }));
    if (p.status !== 'ok' || p.winner === null) continue;
    // Votes are stored in the orientation of the group's first row.
    const sameOrientation = p.model_a === g.first.model_a;
    const v = sameOrientation || p.winner === 'tie' ? p.winner : p.winner === 'A' ? 'B' : 'A';
    g.votes.set(v, (g.votes.get(v) ?? 0) + 1);
  }
  const rows: PreferenceRow[] = [...prefs];
  const report: MajorityReport = { rater: name, from: [...from], n_groups: groups.size, n_majority: 0, without_majority: [] };
  for (const { first, votes } of groups.values()) {
    // the one majority rule (ratings/reduce.ts), over the quorum of every listed rater
    const winner = (strictMajority(votes, quorumOf('listed', { present: [...votes.values()].reduce((a, b) => a + b, 0), listed: from.length })) ?? null) as PreferenceRow['winner'];
    if (winner === null) {
      report.without_majority.push({ item_id: first.item_id, model_a: first.model_a, model_b: first.model_b, ...(first.dimension !== undefined ? { dimension: first.dimension } : {}) });
      continue;
    }
    report.n_majority++;
    rows.push({ item_id: first.item_id, rater: name, model_a: first.model_a, model_b: first.model_b, winner, status: 'ok', ...(first.dimension !== undefined ? { dimension: first.dimension } : {}) });
  }
  return { rows, report };
}
