// Loads the golden values written by test/fixtures/stats/inference/make_golden.py (scipy 1.10,
// sklearn 1.2, statsmodels 0.13) and compares numbers with a relative tolerance.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const path = fileURLToPath(new URL('../fixtures/stats/inference/golden.json', import.meta.url));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const golden: any = JSON.parse(readFileSync(path, 'utf8'));

/** JSON null stands for NaN in the fixture's inputs. */
export function nums(a: (number | null)[]): number[] {
  return a.map((v) => (v === null ? NaN : v));
}

/** |actual - expected| <= atol + rtol |expected|, with null meaning "undefined" on both sides. */
export function expectClose(actual: number | null | undefined, expected: number | null, rtol = 1e-10, atol = 1e-13, label = ''): void {
  if (expected === null) {
    expect(actual ?? null, label).toBeNull();
    return;
  }
  expect(actual, label).not.toBeNull();
  expect(Number.isFinite(actual as number), `${label}: ${actual} is not finite`).toBe(true);
  const err = Math.abs((actual as number) - expected);
  expect(err <= atol + rtol * Math.abs(expected), `${label}: got ${actual}, expected ${expected} (error ${err})`).toBe(true);
}
