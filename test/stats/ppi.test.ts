// PPI, PPI++, stratified PPI, Rogan–Gladen and the label planner against the NumPy port of the
// authors' formulas (test/fixtures/ppi/make_golden.py), to 1e-9.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { binaryCounts, classicalMean, planLabels, ppiLambda, ppiMean, roganGladen, stratifiedPpiMean, zTwoSided } from '../../src/stats/ppi.ts';

const golden = JSON.parse(readFileSync(new URL('../fixtures/ppi/golden.json', import.meta.url), 'utf8'));
const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));

describe('prediction-powered means', () => {
  it('uses the same normal critical value as scipy', () => {
    close(zTwoSided(0.05), golden.z975);
  });

  for (const c of golden.arrays as any[]) {
    it(`matches ppi_py on "${c.name}" (PPI, PPI++ at α = 0.05 and 0.1, classical)`, () => {
      const ppi = ppiMean(c.y, c.yhat, c.yhat_u, { alpha: 0.05, lambda: 1 });
      for (const k of ['value', 'ci_low', 'ci_high', 'se']) close((ppi as any)[k], c.ppi[k]);
      const pp = ppiMean(c.y, c.yhat, c.yhat_u, { alpha: 0.05 });
      for (const k of ['value', 'ci_low', 'ci_high', 'se', 'lambda']) close((pp as any)[k], c.ppi_pp[k]);
      const pp10 = ppiMean(c.y, c.yhat, c.yhat_u, { alpha: 0.1 });
      for (const k of ['ci_low', 'ci_high']) close((pp10 as any)[k], c.ppi_pp_a10[k]);
      const cl = classicalMean(c.y, 0.05);
      for (const k of ['value', 'ci_low', 'ci_high']) close((cl as any)[k], c.classical[k]);
    });
  }

  it('clips λ to [0, 1]: an anti-correlated judge gets 0 (the classical mean), a down-scaled one 1', () => {
    const byName = Object.fromEntries((golden.arrays as any[]).map((c) => [c.name, c]));
    expect(ppiLambda(byName.anti.y, byName.anti.yhat, byName.anti.yhat_u)).toBe(0);
    expect(ppiLambda(byName.scaled.y, byName.scaled.yhat, byName.scaled.yhat_u)).toBe(1);
    expect(ppiLambda(byName.constant.y, byName.constant.yhat, byName.constant.yhat_u)).toBe(0);
    const anti = ppiMean(byName.anti.y, byName.anti.yhat, byName.anti.yhat_u, { alpha: 0.05 });
    close(anti.value, classicalMean(byName.anti.y, 0.05).value);
  });

  it('never gives PPI++ a wider interval than humans alone on these cases', () => {
    for (const c of golden.arrays as any[]) expect(c.ppi_pp.se).toBeLessThanOrEqual(Math.sqrt(variance(c.y) / c.y.length) + 1e-12);
  });

  it('stratified PPI is the weighted sum of per-stratum PPI++ estimates', () => {
    const [a, b] = golden.arrays as any[];
    const s = stratifiedPpiMean([{ y: a.y, yhat: a.yhat, yhatU: a.yhat_u }, { y: b.y, yhat: b.yhat, yhatU: b.yhat_u }], { alpha: 0.05 });
    const w = [440 / 880, 440 / 880];
    close(s.value, w[0]! * a.ppi_pp.value + w[1]! * b.ppi_pp.value);
    close(s.se, Math.sqrt(w[0]! ** 2 * a.ppi_pp.se ** 2 + w[1]! ** 2 * b.ppi_pp.se ** 2));
  });
});

function variance(xs: number[]): number {
  const m = xs.reduce((p, q) => p + q, 0) / xs.length;
  return xs.reduce((p, q) => p + (q - m) ** 2, 0) / xs.length;
}

describe('Rogan–Gladen with the Lee et al. (2025) interval', () => {
  for (const c of golden.rg_cases as any[]) {
    it(`matches the authors' formula at p=${c.input.p}, q0=${c.input.q0}, q1=${c.input.q1}, α=${c.alpha}`, () => {
      const e = roganGladen(c.input, c.alpha)!;
      close(e.value, c.value);
      close(e.ci_low, c.ci[0]);
      close(e.ci_high, c.ci[1]);
      expect(e.ci_low).toBeGreaterThanOrEqual(0);
      expect(e.ci_high).toBeLessThanOrEqual(1);
    });
  }

  it('is undefined for a judge no better than chance', () => {
    expect(roganGladen({ p: 0.5, n: 100, q0: 0.5, m0: 50, q1: 0.5, m1: 50 }, 0.05)).toBeNull();
  });

  it('counts sensitivity, specificity and the positive rate', () => {
    const c = binaryCounts([true, true, false, false, false], [true, false, false, true, false], [true, false, false, false]);
    expect(c).toMatchObject({ m1: 2, tp: 1, q1: 0.5, m0: 3, tn: 2, p: 0.25, n: 4 });
    close(c.q0, 2 / 3);
  });
});

describe('label planner', () => {
  it('needs ⌈(2z σ/W)²⌉ labels with humans alone, and no more with PPI++', () => {
    const c = (golden.arrays as any[])[0];
    const p = planLabels(c.y, c.yhat, c.yhat_u.length, { width: 0.05, alpha: 0.05 });
    expect(p.human_only).toBe(Math.ceil(((2 * golden.z975) / 0.05) ** 2 * variance(c.y)));
    expect(p.ppi_plus_plus).toBeLessThan(p.human_only);
    // and the PPI++ count is the first that reaches the width
    const se = (n: number) => {
      const r = n / c.yhat_u.length;
      const lam = Math.min(1, Math.max(0, p.pilot.cov / ((1 + r) * p.pilot.var_yhat)));
      return Math.sqrt((p.pilot.var_y - 2 * lam * p.pilot.cov + lam * lam * p.pilot.var_yhat * (1 + r)) / n);
    };
    expect(2 * golden.z975 * se(p.ppi_plus_plus)).toBeLessThanOrEqual(0.05);
    expect(2 * golden.z975 * se(p.ppi_plus_plus - 1)).toBeGreaterThan(0.05);
  });
});
