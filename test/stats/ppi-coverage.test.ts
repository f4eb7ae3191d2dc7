// Coverage of the corrected 95% intervals on simulations with known truth (bench/ppi-coverage.ts;
// the 2,000-repetition figures are in bench/README.md). Here 600 repetitions: the binomial SD of a
// coverage of 0.95 is √(0.95·0.05/600) = 0.89 points, so a correct interval lands within
// ±4 SD = ±3.6 points of 95% except with probability < 1e-4; a biased judge's naive interval does not.
import { describe, expect, it } from 'vitest';
import { simulateCoverage, simulateRanking } from '../../bench/ppi-coverage.ts';

describe('simulated coverage of corrected intervals', () => {
  const rows = Object.fromEntries(simulateCoverage(600, 777).map((r) => [r.method, r]));
  for (const m of ['scores: PPI', 'scores: PPI++', 'strata: stratified PPI', 'binary: Rogan–Gladen']) {
    it(`${m} covers the truth 95% ± 3.6 points of the time`, () => {
      expect(rows[m]!.reps).toBe(600);
      expect(Math.abs(rows[m]!.coverage - 0.95)).toBeLessThanOrEqual(0.036);
    });
  }
  it('the naive judge interval misses a biased judge’s truth; PPI++ is narrower than humans alone', () => {
    expect(rows['scores: judge naive']!.coverage).toBeLessThan(0.05);
    expect(rows['scores: PPI++']!.mean_width).toBeLessThan(rows['scores: humans only']!.mean_width);
  });
  it('a judge biased for one model: the corrected ranking is the true one, the naive ranking is not', () => {
    const r = simulateRanking(200, 778);
    expect(r.ppi_plus_plus).toBeGreaterThanOrEqual(0.97);
    expect(r.judge_naive).toBeLessThanOrEqual(0.05);
  });
});
