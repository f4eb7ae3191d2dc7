import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { simpleOls, tQuantile } from '../../src/stats/regression.ts';

const golden = JSON.parse(readFileSync(new URL('../fixtures/card/golden.json', import.meta.url), 'utf8'));

describe('simpleOls against statsmodels OLS', () => {
  it('slope, intercept, standard error, 95% t interval, p-value and R²', () => {
    const { x, y, fit } = golden.synthetic_ols;
    const r = simpleOls(x, y)!;
    expect(r.n).toBe(fit.n);
    for (const k of ['slope', 'intercept', 'slope_se', 'r2'] as const) expect(r[k]).toBeCloseTo(fit[k], 10);
    // the interval goes through the t quantile, which inherits tCdf's ~1e-10 accuracy
    for (const k of ['ci_low', 'ci_high'] as const) expect(r[k]).toBeCloseTo(fit[k], 8);
    expect(r.p_value / fit.p_value).toBeCloseTo(1, 6);
  });
  it('is null when undefined (fewer than 3 points, constant x) and skips non-finite pairs', () => {
    expect(simpleOls([1, 2], [3, 4])).toBeNull();
    expect(simpleOls([2, 2, 2, 2], [1, 2, 3, 4])).toBeNull();
    const { x, y, fit } = golden.synthetic_ols;
    expect(simpleOls([...x, NaN], [...y, 1])!.slope).toBeCloseTo(fit.slope, 10);
  });
  it('t quantiles (scipy.stats.t.ppf)', () => {
    expect(tQuantile(0.975, 10)).toBeCloseTo(2.2281388519649385, 8);
    expect(tQuantile(0.025, 3)).toBeCloseTo(-3.182446305284263, 8);
    expect(tQuantile(0.975, 398)).toBeCloseTo(1.9659423239761926, 8);
  });
});
