/** Shared by the counting-bootstrap tests: synthetic labels, and a deep comparison of two results. */
import { expect } from 'vitest';
import type { HumanLabel } from '../../src/schema/index.ts';
import { Rng } from '../../src/stats/random.ts';

export interface LabelSpec {
  items: number;
  models: string[];
  dims: string[];
  /** Raters besides the humans (`judge` by default; tuning candidates). */
  raters?: string[];
  humans: number;
  cats: string[];
  missing: number;
  failures: number;
}

/** Long-form labels: per (item, model, dimension) a truth, and each rater on it with probability 0.65 (else a random category). */
export function labels(seed: number, opts: LabelSpec): HumanLabel[] {
  return syntheticLabels(seed, { ...opts, classes: opts.cats.length }, (rng, truth) => opts.cats[rng.next() < 0.65 ? truth : rng.int(opts.cats.length)]!);
}

/**
 * The same layout with any values: per (item, model, dimension) a truth among `classes`, each rater
 * missing with probability `missing`, failed (`parse_error`) with probability `failures`, else
 * rating `value(rng, truth)`.
 */
export function syntheticLabels(seed: number, opts: Omit<LabelSpec, 'cats'> & { classes: number }, value: (rng: Rng, truth: number) => string | number): HumanLabel[] {
  const rng = new Rng(seed);
  const out: HumanLabel[] = [];
  const raters = [...(opts.raters ?? ['judge']), ...Array.from({ length: opts.humans }, (_, h) => `h${h + 1}`)];
  for (let i = 0; i < opts.items; i++) {
    for (const model of opts.models) {
      for (const dim of opts.dims) {
        const truth = rng.int(opts.classes);
        for (const rater of raters) {
          if (rng.next() < opts.missing) continue;
          const base = { item_id: `q${i}`, rater, ...(model ? { model } : {}), ...(dim ? { dimension: dim } : {}) };
          if (rng.next() < opts.failures) out.push({ ...base, value: 'parse_error' });
          else out.push({ ...base, value: value(rng, truth) });
        }
      }
    }
  }
  return out;
}

/** Every number of the two results within `tol`, every other value equal. */
export function expectSame(a: unknown, b: unknown, path = '', tol = 1e-9): void {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Math.abs(a - b) > tol) throw new Error(`${path}: ${a} vs ${b}`);
    return;
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    expect(a, path).toEqual(b);
    return;
  }
  expect(Object.keys(a as object).sort(), path).toEqual(Object.keys(b as object).sort());
  for (const k of Object.keys(a as object)) expectSame((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`, tol);
}
