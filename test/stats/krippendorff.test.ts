import { describe, expect, it } from 'vitest';
import { krippendorffAlpha, type AlphaLevel, type RatingMatrix } from '../../src/stats/index.ts';
import { byItem, expandTable, expectClose, golden } from './agreement-golden.ts';

describe("Krippendorff's α against the numpy coincidence-matrix reference", () => {
  for (const c of golden.krippendorff) {
    it(c.name, () => {
      for (const [level, want] of Object.entries(c.expected)) expectClose(krippendorffAlpha(c.matrix, level as AlphaLevel), want!);
    });
  }
});

const N = null;
// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": 4 observers, 12 units, missing values.
const KRIPP2011: RatingMatrix = [
  [1, 1, N, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4],
  [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [N, 5, 5, 5], [N, N, 1, 1], [N, N, 3, N],
];

describe('published values', () => {
  it('Sottana et al. (2023), summarisation relevance ranks: 3 humans, then GPT-4 as a 4th rater', () => {
    const humans = [[4, 3, 2, 1], [4, 3, 2, 1], [4, 3, 1, 2]];
    const gpt4 = [3, 4, 2, 1];
    const m3 = byItem(humans); // rows = the 4 systems, columns = raters
    const m4 = byItem([...humans, gpt4]);
    expectClose(krippendorffAlpha(m3, 'nominal'), 0.5926, 5e-5);
    expectClose(krippendorffAlpha(m3, 'ordinal'), 0.8778, 5e-5);
    expectClose(krippendorffAlpha(m3, 'interval'), 0.8778, 5e-5);
    expectClose(krippendorffAlpha(m4, 'nominal'), 0.375, 1e-12);
    expectClose(krippendorffAlpha(m4, 'ordinal'), 0.8125, 1e-12);
    expectClose(krippendorffAlpha(m4, 'interval'), 0.8125, 1e-12);
  });

  it('Krippendorff (2011) worked example: nominal .743, ordinal .815, interval .849, ratio .797', () => {
    expectClose(krippendorffAlpha(KRIPP2011, 'nominal'), 0.743, 5e-4);
    expectClose(krippendorffAlpha(KRIPP2011, 'ordinal'), 0.815, 5e-4);
    expectClose(krippendorffAlpha(KRIPP2011, 'interval'), 0.849, 5e-4);
    expectClose(krippendorffAlpha(KRIPP2011, 'ratio'), 0.797, 5e-4);
    // irrCAC krippen.alpha.raw(cac.raw4raters), the same data: 0.74342.
    expectClose(krippendorffAlpha(KRIPP2011, 'nominal'), 0.74342, 5e-6);
  });

  it('irrCAC krippen2.table(cont3x3abstractors) = 0.7972585', () => {
    const { a, b } = expandTable([[13, 0, 0], [0, 20, 7], [0, 4, 56]]);
    expectClose(krippendorffAlpha(a.map((x, i) => [x, b[i]!]), 'nominal'), 0.7972585, 5e-8);
  });
});

describe('degenerate input gives null, never NaN', () => {
  const levels: AlphaLevel[] = ['nominal', 'ordinal', 'interval', 'ratio'];
  it('one single category among the pairable values (all raters agree on one category)', () => {
    for (const l of levels) expect(krippendorffAlpha([[2, 2], [2, 2, 2], [2, null]], l)).toBeNull();
  });
  it('no pairable values: one rater, all missing, empty matrix', () => {
    for (const l of levels) {
      expect(krippendorffAlpha([[1], [2], [3]], l)).toBeNull();
      expect(krippendorffAlpha([[null, null], [null, null]], l)).toBeNull();
      expect(krippendorffAlpha([], l)).toBeNull();
      expect(krippendorffAlpha([[1, null], [null, 2]], l)).toBeNull();
    }
  });
  it('items with a single rating drop out entirely (their value is not a margin)', () => {
    const base: RatingMatrix = [[1, 1], [2, 2], [1, 2], [3, 3]];
    for (const l of levels) expect(krippendorffAlpha([...base, [5, null], [null, 9]], l)).toBe(krippendorffAlpha(base, l));
  });
  it('NaN is a missing rating; ragged rows are padded with missing ratings', () => {
    expect(krippendorffAlpha([[1, NaN, 1], [2, 2], [3, 1, 3]], 'interval')).toBe(krippendorffAlpha([[1, null, 1], [2, 2, null], [3, 1, 3]], 'interval'));
  });
  it('perfect agreement over two or more values is 1', () => {
    for (const l of levels) expect(krippendorffAlpha([[1, 1, 1], [4, 4, null], [2, 2, 2]], l)).toBe(1);
  });
  it('rejects negative values at ratio level, infinite values and unknown levels', () => {
    expect(() => krippendorffAlpha([[-1, 1], [2, 2]], 'ratio')).toThrow(RangeError);
    expect(() => krippendorffAlpha([[Infinity, 1], [2, 2]], 'nominal')).toThrow(RangeError);
    expect(() => krippendorffAlpha([[1, 1], [2, 2]], 'cardinal' as AlphaLevel)).toThrow(RangeError);
  });
});

describe('coding paths agree', () => {
  it('wide-range and non-integer values give the same α as their small-integer images', () => {
    const m: RatingMatrix = [[1, 2, 2], [3, 3, null], [1, 1, 2], [2, 3, 3], [1, null, 1]];
    const scaled = m.map((r) => r.map((v) => (v === null ? null : v * 1e7 + 0.5)));
    for (const l of ['nominal', 'ordinal'] as const) expectClose(krippendorffAlpha(scaled, l), krippendorffAlpha(m, l), 1e-12);
  });
  it('a shifted scale (-2..2 instead of 1..5) changes nothing at nominal, ordinal and interval level', () => {
    const m: RatingMatrix = [[1, 2, 2], [3, 3, null], [1, 1, 2], [2, 3, 5], [4, null, 5]];
    const shifted = m.map((r) => r.map((v) => (v === null ? null : v - 3)));
    for (const l of ['nominal', 'ordinal', 'interval'] as const) expectClose(krippendorffAlpha(shifted, l), krippendorffAlpha(m, l), 1e-12);
  });
});
