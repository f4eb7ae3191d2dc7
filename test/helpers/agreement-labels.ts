/**
 * Synthetic label tables for the agreement study's tests, and the comparison of two results number
 * by number (the counting bootstrap against the generic one).
 */
import { expect } from 'vitest';
import type { HumanLabel } from '../../src/schema/index.ts';
import { Rng } from '../../src/stats/random.ts';

export interface LabelSpec {
  items: number;
  /** '' for no model / no dimension. */
  models: string[];
  dims: string[];
  /** Raters: the judge and h1..h{humans}. */
  humans: number;
  /** Number of true classes (the item's truth is drawn among them). */
  classes: number;
  missing: number;
  /** Share of ratings recorded as `parse_error` (a failed rating). */
  failures: number;
}

/** One label per (item, model, dimension, rater), its value drawn by `value` from the unit's truth. */
export function syntheticLabels(seed: number, s: LabelSpec, value: (rng: Rng, truth: number) => string | number): HumanLabel[] {
  const rng = new Rng(seed);
  const out: HumanLabel[] = [];
  for (let i = 0; i < s.items; i++) {
    for (const model of s.models) {
      for (const dim of s.dims) {
        const truth = rng.int(s.classes);
        for (const rater of ['judge', ...Array.from({ length: s.humans }, (_, h) => `h${h + 1}`)]) {
          if (rng.next() < s.missing) continue;
          const base = { item_id: `q${i}`, rater, ...(model ? { model } : {}), ...(dim ? { dimension: dim } : {}) };
          if (rng.next() < s.failures) out.push({ ...base, value: 'parse_error' });
          else out.push({ ...base, value: value(rng, truth) });
        }
      }
    }
  }
  return out;
}

/** Every number of the two results within `tolerance` (relative above 1), every other value equal. */
export function expectSameNumbers(a: unknown, b: unknown, tolerance: number, path = ''): void {
  if (typeof a === 'number' && typeof b === 'number') {
    if (!(Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(b)))) throw new Error(`${path}: ${a} vs ${b}`);
    return;
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    expect(a, path).toEqual(b);
    return;
  }
  expect(Object.keys(a as object).sort(), path).toEqual(Object.keys(b as object).sort());
  for (const k of Object.keys(a as object)) expectSameNumbers((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], tolerance, `${path}.${k}`);
}
