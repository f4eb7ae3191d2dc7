import { describe, expect, it } from 'vitest';
import { classificationReport, confusionMatrix, mtBenchAgreement, type PairwiseVote } from '../../src/stats/classification.ts';
import { expectClose, golden } from './inference-golden.ts';

describe('classificationReport against sklearn 1.2 (zero_division=0)', () => {
  for (const c of golden.classification) {
    it(c.name, () => {
      const r = classificationReport(c.truth, c.pred, c.labels ?? undefined);
      const e = c.expected;
      expect(r.labels).toEqual(e.labels);
      expect(r.n).toBe(c.truth.length);
      expectClose(r.accuracy, e.accuracy, 1e-14, 1e-15, 'accuracy');
      expectClose(r.macro_precision, e.macro_precision, 1e-14, 1e-15, 'macro precision');
      expectClose(r.macro_recall, e.macro_recall, 1e-14, 1e-15, 'macro recall');
      expectClose(r.macro_f1, e.macro_f1, 1e-14, 1e-15, 'macro f1');
      r.per_class.forEach((pc, j) => {
        expectClose(pc.precision, e.precision[j], 1e-14, 1e-15, `precision ${pc.label}`);
        expectClose(pc.recall, e.recall[j], 1e-14, 1e-15, `recall ${pc.label}`);
        expectClose(pc.f1, e.f1[j], 1e-14, 1e-15, `f1 ${pc.label}`);
        expect(pc.support).toBe(e.support[j]);
      });
      expect(r.confusion).toEqual(e.confusion);
      expect(confusionMatrix(c.truth, c.pred, c.labels ?? undefined)).toEqual(e.confusion);
    });
  }

  it("the sklearn documentation's example, as printed there", () => {
    // y_true = [0, 1, 2, 2, 2], y_pred = [0, 0, 2, 2, 1]: accuracy 0.60, macro avg 0.50 / 0.56 / 0.49.
    const r = classificationReport([0, 1, 2, 2, 2], [0, 0, 2, 2, 1]);
    expect(r.accuracy).toBe(0.6);
    expect(r.macro_precision!.toFixed(2)).toBe('0.50');
    expect(r.macro_recall!.toFixed(2)).toBe('0.56');
    expect(r.macro_f1!.toFixed(2)).toBe('0.49');
  });

  it('degenerate input: no pairs and no labels give null, not NaN', () => {
    const r = classificationReport([], []);
    expect(r).toMatchObject({ n: 0, accuracy: null, macro_precision: null, macro_recall: null, macro_f1: null, confusion: [] });
    expect(classificationReport([], [], ['a']).macro_f1).toBe(0);
  });

  it('rejects mixed label types and unequal lengths', () => {
    expect(() => classificationReport([1, 'a'], [1, 'a'])).toThrow(TypeError);
    expect(() => classificationReport([1], [])).toThrow(RangeError);
  });
});

describe('mtBenchAgreement', () => {
  it('a small example worked by hand', () => {
    // a = [A, B, tie, A, tie, B], b = [A, A, tie, A, B, B]
    // with ties: 6 pairs, agreeing at positions 1, 3 (tie = tie), 4, 6 -> 4/6.
    // without ties: drop positions 3 and 5 (a tie on either side) -> 4 pairs, agreeing 1, 4, 6 -> 3/4.
    const r = mtBenchAgreement(['A', 'B', 'tie', 'A', 'tie', 'B'], ['A', 'A', 'tie', 'A', 'B', 'B']);
    expect(r).toEqual({ with_ties: 4 / 6, without_ties: 3 / 4, n_with_ties: 6, n_without_ties: 4 });
  });

  for (const c of golden.mt_bench) {
    it(`matches a port of FastChat get_mt_bench_agreement: ${c.name}`, () => {
      expect(mtBenchAgreement(c.a as PairwiseVote[], c.b as PairwiseVote[])).toEqual(c.expected);
    });
  }

  it('is null when there is nothing to compare', () => {
    expect(mtBenchAgreement([], [])).toEqual({ with_ties: null, without_ties: null, n_with_ties: 0, n_without_ties: 0 });
  });
});
