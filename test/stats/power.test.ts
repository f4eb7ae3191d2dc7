import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  exactBinomialItems,
  exactBinomialPower,
  itemsForWinRatio,
  itemsForWinRatioDifference,

  normalQuantile,
  type PowerAlternative,
  type PlanTies,
} from '../../src/stats/power.ts';
import { normalCdf } from '../../src/stats/distributions.ts';

const golden = JSON.parse(readFileSync(new URL('../fixtures/winrate/golden.json', import.meta.url), 'utf8')).power as {
  one_sample: { win_ratio: number; tie_rate: number; ties: PlanTies; alpha: number; power: number; alternative: PowerAlternative; effect_size: number; items_real: number }[];
  difference: { win_ratio_1: number; win_ratio_2: number; tie_rate: number; ties: PlanTies; effect_size: number; items_real: number }[];
  exact: { n: number; win_ratio: number; alpha: number; power: number }[];
  exact_items: { win_ratio: number; alpha: number; power: number; items: number }[];
};

describe('normal distribution', () => {
  it('matches known values', () => {
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
    expect(normalCdf(-8)).toBeCloseTo(6.22096057427178e-16, 28);
    expect(normalQuantile(0.8)).toBeCloseTo(0.8416212335729143, 12);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 9);
  });
});

describe('win-ratio sample-size planner against statsmodels NormalIndPower', () => {
  for (const g of golden.one_sample) {
    it(`one model: p=${g.win_ratio}, ties=${g.tie_rate} (${g.ties}), ${g.alternative}`, () => {
      const plan = itemsForWinRatio({ win_ratio: g.win_ratio, tie_rate: g.tie_rate, ties: g.ties, alpha: g.alpha, power: g.power, alternative: g.alternative });
      expect(plan.effect_size).toBeCloseTo(g.effect_size, 12);
      expect(plan.items_real).toBeCloseTo(g.items_real, 5);
      expect(plan.items).toBe(Math.ceil(g.items_real));
    });
  }
  for (const g of golden.difference) {
    it(`two models: ${g.win_ratio_1} vs ${g.win_ratio_2}, ties=${g.tie_rate} (${g.ties})`, () => {
      const plan = itemsForWinRatioDifference({ win_ratio_1: g.win_ratio_1, win_ratio_2: g.win_ratio_2, tie_rate: g.tie_rate, ties: g.ties });
      expect(plan.effect_size).toBeCloseTo(g.effect_size, 12);
      expect(plan.items_real).toBeCloseTo(g.items_real, 5);
    });
  }
});

describe('exact binomial power against scipy binomtest', () => {
  for (const g of golden.exact) {
    it(`n=${g.n}, p=${g.win_ratio}, alpha=${g.alpha}`, () => {
      expect(exactBinomialPower(g.n, g.win_ratio, g.alpha)).toBeCloseTo(g.power, 10);
    });
  }
  for (const g of golden.exact_items) {
    it(`smallest n for p=${g.win_ratio}`, () => {
      expect(exactBinomialItems(g.win_ratio, g.alpha, g.power)).toBe(g.items);
    });
  }
});
