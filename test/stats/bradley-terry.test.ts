import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AUTO_RIDGE, bradleyTerry, btProbabilities, winGraphComponents, type PairCounts } from '../../src/stats/bradley-terry.ts';

interface Ref {
  log_strength: number[];
  tie_parameter: number | null;
  glm_log_strength?: number[];
}
interface Case {
  n: number;
  pairs: number[][];
  ridge: number;
  half: Ref;
  davidson: Ref;
  agresti_baltimore_zero?: number[];
}
const golden = JSON.parse(readFileSync(new URL('../fixtures/winrate/golden.json', import.meta.url), 'utf8')) as {
  bradley_terry: Record<string, Case>;
};
const toPairs = (ps: number[][]): PairCounts[] => ps.map(([i, j, wi, wj, t]) => ({ i: i!, j: j!, wins_i: wi!, wins_j: wj!, ties: t! }));

describe('bradleyTerry against scipy (BFGS on the log-likelihood) and statsmodels GLM', () => {
  for (const [name, c] of Object.entries(golden.bradley_terry)) {
    for (const ties of ['half', 'davidson'] as const) {
      it(`${name}, ties ${ties}`, () => {
        const fit = bradleyTerry(c.n, toPairs(c.pairs), { ties });
        expect(fit.ridge).toBe(c.ridge);
        expect(fit.regularized).toBe(c.ridge > 0);
        expect(fit.converged).toBe(true);
        const ref = c[ties];
        fit.log_strength.forEach((v, i) => expect(v).toBeCloseTo(ref.log_strength[i]!, 6));
        if (ref.glm_log_strength) fit.log_strength.forEach((v, i) => expect(v).toBeCloseTo(ref.glm_log_strength![i]!, 6));
        if (ref.tie_parameter === null) expect(fit.tie_parameter).toBeNull();
        else expect(fit.tie_parameter!).toBeCloseTo(ref.tie_parameter, 6);
        expect(Math.abs(fit.log_strength.reduce((a, b) => a + b, 0))).toBeLessThan(1e-12);
      });
    }
  }

  it("reproduces Agresti's 1987 American League East estimates (CDA 2nd ed., Baltimore = 0)", () => {
    const c = golden.bradley_terry.baseball!;
    const fit = bradleyTerry(c.n, toPairs(c.pairs));
    const last = fit.log_strength[6]!;
    fit.log_strength.forEach((v, i) => expect(v - last).toBeCloseTo(c.agresti_baltimore_zero![i]!, 2));
  });
});

describe('bradleyTerry edge cases', () => {
  it('reports components and the automatic ridge when a model never loses', () => {
    const pairs = toPairs([
      [0, 1, 3, 0, 0],
      [1, 2, 2, 1, 0],
    ]);
    expect(winGraphComponents(3, pairs)).toBe(2);
    const fit = bradleyTerry(3, pairs);
    expect(fit.ridge).toBe(AUTO_RIDGE);
    expect(fit.components).toBe(2);
    expect(fit.log_strength.every(Number.isFinite)).toBe(true);
    expect(fit.log_strength[0]!).toBeGreaterThan(fit.log_strength[1]!);
  });

  it('keeps models with no comparison at 0 and gives 0 strengths when every outcome is a tie (Davidson)', () => {
    const fit = bradleyTerry(3, toPairs([[0, 1, 0, 0, 4]]), { ties: 'davidson' });
    expect(fit.log_strength).toEqual([0, 0, 0]);
    expect(fit.tie_parameter).toBeNull();
    const half = bradleyTerry(3, toPairs([[0, 1, 2, 1, 0], [1, 0, 0, 0, 0]]), { ties: 'half' });
    expect(half.log_strength[2]).toBeCloseTo(0, 12);
  });

  it('fitted probabilities of the Davidson model sum to 1 and match the tie share for equal models', () => {
    const fit = bradleyTerry(2, toPairs([[0, 1, 10, 10, 5]]), { ties: 'davidson' });
    const pr = btProbabilities(fit, 0, 1);
    expect(pr.win + pr.loss + pr.tie).toBeCloseTo(1, 12);
    expect(pr.tie).toBeCloseTo(5 / 25, 8);
  });
});
