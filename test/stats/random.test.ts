import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/stats/random.ts';
import { bootstrapItems } from '../../src/stats/bootstrap.ts';

const golden = JSON.parse(readFileSync(new URL('../fixtures/rng/golden.json', import.meta.url), 'utf8')) as {
  state_1234_u32: number[];
  seeded: Record<string, number[]>;
  int_1000_seed_42: number[];
  shuffle_10_seed_3: number[];
};

describe('Rng', () => {
  it('is xoshiro128**: from the state {1, 2, 3, 4} it draws the stream of the reference implementation', () => {
    // Blackman & Vigna's xoshiro128starstar.c from s = {1, 2, 3, 4}: 11520, 0, 5927040, 70819200, …
    const r = Rng.fromState([1, 2, 3, 4]);
    expect(Array.from({ length: 10 }, () => r.nextU32())).toEqual(golden.state_1234_u32);
    expect(golden.state_1234_u32.slice(0, 4)).toEqual([11520, 0, 5927040, 70819200]);
  });

  it('seeds, draws integers and shuffles exactly as the independent Python generator (test/fixtures/jkrng.py)', () => {
    for (const [seed, want] of Object.entries(golden.seeded)) {
      const r = new Rng(Number(seed));
      expect(Array.from({ length: want.length }, () => r.nextU32())).toEqual(want);
    }
    const r = new Rng(42);
    expect(Array.from({ length: 20 }, () => r.int(1000))).toEqual(golden.int_1000_seed_42);
    expect(new Rng(3).shuffle(Array.from({ length: 10 }, (_, i) => i))).toEqual(golden.shuffle_10_seed_3);
  });

  it('fillInt and countDraws draw exactly the stream of int(n), continuing it across calls', () => {
    for (const seed of [0, 1, 7, 20240604, 0xffffffff]) {
      for (const n of [1, 2, 3, 1000, 20000, 123457]) {
        const one = new Rng(seed);
        const bulk = new Rng(seed);
        const out = new Uint32Array(5000);
        bulk.fillInt(out.subarray(0, 2500), n);
        bulk.fillInt(out.subarray(2500), n);
        const want = new Uint32Array(5000);
        for (let i = 0; i < 5000; i++) want[i] = one.int(n);
        expect(Array.from(out)).toEqual(Array.from(want));
        // countDraws over identity keys counts the same draws
        const counter = new Rng(seed);
        const keys = new Int32Array(Math.min(n, 3000)).map((_, i) => i);
        const counts = new Float64Array(keys.length);
        counter.countDraws(keys, counts);
        const ref = new Rng(seed);
        const refCounts = new Float64Array(keys.length);
        for (let i = 0; i < keys.length; i++) refCounts[ref.int(keys.length)]!++;
        expect(Array.from(counts)).toEqual(Array.from(refCounts));
      }
    }
  });

  it('is uniform enough: a chi-square of 100,000 draws over 10 cells stays below the 0.999 quantile (27.88)', () => {
    const rng = new Rng(42);
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) counts[rng.int(10)]++;
    const chi2 = counts.reduce((s, c) => s + (c - 10_000) ** 2 / 10_000, 0);
    expect(chi2).toBeLessThan(27.88);
    const mean = Array.from({ length: 100_000 }, () => rng.next()).reduce((a, b) => a + b, 0) / 100_000;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005);
  });

  it('differs between seeds and repeats for a seed', () => {
    expect(new Rng(1).nextU32()).not.toBe(new Rng(2).nextU32());
    expect(new Rng(9).nextU32()).toBe(new Rng(9).nextU32());
  });
});

describe('bootstrapItems', () => {
  it('is deterministic for a seed and brackets the mean of a proportion', () => {
    const x = Array.from({ length: 400 }, (_, i) => (i % 4 === 0 ? 1 : 0)); // p = 0.25
    const mean = (idx: Uint32Array): number => {
      let s = 0;
      for (const i of idx) s += x[i]!;
      return s / idx.length;
    };
    const a = bootstrapItems(x.length, mean, { resamples: 2000, seed: 5 });
    expect(a).toEqual(bootstrapItems(x.length, mean, { resamples: 2000, seed: 5 }));
    expect(a.value).toBe(0.25);
    // the normal-approximation 95% interval is 0.25 ± 1.96·sqrt(.25·.75/400) = [0.2076, 0.2924]
    expect(a.ci_low!).toBeCloseTo(0.2076, 1);
    expect(a.ci_high!).toBeCloseTo(0.2924, 1);
    expect(a.ci_low!).toBeLessThan(0.25);
    expect(a.ci_high!).toBeGreaterThan(0.25);
  });

  it('gives no interval with zero resamples and null for an undefined statistic', () => {
    expect(bootstrapItems(3, () => 1, { resamples: 0, seed: 1 })).toEqual({ value: 1, ci_low: null, ci_high: null });
    expect(bootstrapItems(3, () => NaN, { resamples: 10, seed: 1 })).toEqual({ value: null, ci_low: null, ci_high: null });
  });
});
