import { describe, expect, it } from 'vitest';
import { readLabels } from '../../src/io/records.ts';
import { join } from 'node:path';
import { runAgreement } from '../../src/studies/validation.ts';
import { dataset } from '../helpers/datasets.ts';

// K-QA physicians' NLI labels (`judgekit datasets list`): regression anchors computed from the
// upstream file, reproduced from the labels `datasets get kqa --mirror ../shared/data` converts.
const FILE = join(await dataset('kqa'), 'labels.csv');

describe('K-QA physician NLI labels (datasets get kqa)', async () => {
  const labels = await readLabels(FILE);
  const r = runAgreement(labels, { level: 'nominal', seed: 1, resamples: 0 });

  it('has 399 statements rated by 3 physicians', () => {
    expect(r.n_items).toBe(399);
    expect(r.raters).toEqual(['physician0', 'physician1', 'physician2']);
    expect(r.n_ratings).toBe(1197);
    expect(r.categories).toEqual(['Contradiction', 'Entailment', 'Neutral']);
  });

  it("Fleiss' κ 0.7189 with observed agreement P̄ 0.8546", () => {
    expect(r.fleiss_kappa.value!).toBeCloseTo(0.7189, 4);
    expect(r.percent_agreement.value!).toBeCloseTo(0.8546, 4);
  });

  it('pairwise raw agreement 0.8246 / 0.8797 / 0.8596', () => {
    expect(r.pairs.map((p) => Number(p.percent_agreement.value!.toFixed(4)))).toEqual([0.8246, 0.8797, 0.8596]);
  });

  it('the majority label always exists (no 3-way split): distribution Neutral 234, Entailment 153, Contradiction 12', () => {
    // treat physician2 as a "judge" to get the majority of all three through the study: n and no_majority
    const byItem = new Map<string, string[]>();
    for (const l of labels) byItem.set(l.item_id, [...(byItem.get(l.item_id) ?? []), String(l.value)]);
    const counts: Record<string, number> = {};
    let unanimous = 0;
    for (const vals of byItem.values()) {
      const m = vals.find((v) => vals.filter((x) => x === v).length >= 2)!;
      counts[m] = (counts[m] ?? 0) + 1;
      if (new Set(vals).size === 1) unanimous++;
    }
    expect(counts).toEqual({ Neutral: 234, Entailment: 153, Contradiction: 12 });
    expect(unanimous).toBe(312);
  });
});
