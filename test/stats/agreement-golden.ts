// Loads the golden values written by test/fixtures/stats/agreement/make_golden.py (never runs Python).
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { RatingMatrix } from '../../src/stats/index.ts';

export interface GoldenMatrixCase<E> {
  name: string;
  matrix: RatingMatrix;
  categories?: number[];
  reference?: string;
  expected: E;
}

export interface GoldenKappaCase {
  name: string;
  a: (number | null)[];
  b: (number | null)[];
  categories?: number[];
  expected: { none: number | null; linear: number | null; quadratic: number | null };
  statsmodels: { none?: number | null; linear?: number | null; quadratic?: number | null };
  percent_agreement: number | null;
}

export interface Golden {
  kappa: GoldenKappaCase[];
  fleiss: GoldenMatrixCase<number | null>[];
  krippendorff: GoldenMatrixCase<Partial<Record<'nominal' | 'ordinal' | 'interval' | 'ratio', number | null>>>[];
  gwet: GoldenMatrixCase<{ none: number | null; linear: number | null; quadratic: number | null }>[];
  icc: GoldenMatrixCase<{ icc2_1: number | null; icc3_1: number | null; icc2_k: number | null; icc3_k: number | null; n_items: number; n_raters: number }>[];
}

export const golden: Golden = JSON.parse(
  readFileSync(new URL('../fixtures/stats/agreement/golden.json', import.meta.url), 'utf8'),
);

/** null in the JSON marks a missing rating: NaN for the paired (ArrayLike<number>) API. */
export const nanVec = (v: (number | null)[]): number[] => v.map((x) => (x === null ? NaN : x));

/** Same value within tol, or both null; never NaN. */
export function expectClose(actual: number | null, expected: number | null, tol = 1e-9): void {
  if (expected === null) {
    expect(actual).toBeNull();
    return;
  }
  expect(actual).not.toBeNull();
  expect(Number.isNaN(actual)).toBe(false);
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(tol);
}

/** Columns (one array per rater) to a rating matrix with items as rows. */
export const byItem = (raters: (number | null)[][]): RatingMatrix => raters[0]!.map((_, i) => raters.map((r) => r[i]!));

/** Expands a contingency table (rows = rater a's category, columns = rater b's) into paired ratings. */
export function expandTable(table: number[][]): { a: number[]; b: number[] } {
  const a: number[] = [];
  const b: number[] = [];
  table.forEach((row, i) => row.forEach((count, j) => {
    for (let c = 0; c < count; c++) {
      a.push(i);
      b.push(j);
    }
  }));
  return { a, b };
}

/** Expands a distribution of raters by item and category (counts) into a raw rating matrix. */
export function expandDistribution(dist: number[][]): RatingMatrix {
  return dist.map((row) => row.flatMap((count, c) => Array<number>(count).fill(c)));
}
