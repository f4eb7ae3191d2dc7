import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bootstrapBitCounts, groupSeed, summariseMcq } from '../../src/mcq/index.ts';
import { McqResult, type McqRecord } from '../../src/schema/index.ts';
import { bootstrapItems } from '../../src/stats/bootstrap.ts';
import { Rng } from '../../src/stats/random.ts';

function rec(item_id: string, model: string, status: McqRecord['status'], correct: boolean | null, extra: Partial<McqRecord> = {}): McqRecord {
  return { item_id, model, status, output: '', extracted: correct === null ? null : 'A', rule: status === 'ok' ? 'bare' : status === 'missing' ? 'missing' : 'no_answer', answer: correct ? 'A' : 'B', correct, ...extra };
}

describe('bootstrapBitCounts', () => {
  it.each([7, 16, 137, 1000])('reproduces bootstrapItems replicate for replicate, for every bit (n = %i)', (n) => {
    const rng = new Rng(n);
    const width = 32;
    const masks = new Uint32Array(n);
    for (let i = 0; i < n; i++) masks[i] = rng.nextU32();
    const counts = bootstrapBitCounts(masks, width, 50, 99);
    for (const j of [0, 1, 17, 31]) {
      const reps: number[] = [];
      bootstrapItems(n, (idx) => {
        let s = 0;
        for (const i of idx) s += (masks[i]! >>> j) & 1;
        reps.push(s / idx.length);
        return s / idx.length;
      }, { resamples: 50, seed: 99 });
      // the first call is the point estimate on all items; the rest are the resamples
      expect(reps.slice(1)).toEqual(Array.from({ length: 50 }, (_, b) => counts[b * width + j]! / n));
    }
  });

  it('handles counts that carry through many bit planes (every item counts)', () => {
    const counts = bootstrapBitCounts(new Uint32Array(1000).fill(0xffffffff), 32, 3, 1);
    expect([...counts]).toEqual(new Array(96).fill(1000));
  });
});

describe('summariseMcq', () => {
  it('matches an independent Python implementation (xoshiro128** + numpy.percentile)', () => {
    const golden = JSON.parse(readFileSync(new URL('../fixtures/mcq/golden-accuracy.json', import.meta.url), 'utf8')) as {
      seed: number;
      resamples: number;
      level: number;
      records: { item_id: string; model: string; status: McqRecord['status']; correct: boolean | null; task?: string; organ_system?: string; modality?: string }[];
      expected: Record<string, Record<string, Record<string, Record<string, number | null>>>>;
    };
    const records = golden.records.map((r) => rec(r.item_id, r.model, r.status, r.correct, { task: r.task, organ_system: r.organ_system, modality: r.modality }));
    const res = summariseMcq(records, { seed: golden.seed, resamples: golden.resamples, level: golden.level });
    McqResult.parse(res);
    for (const [model, fams] of Object.entries(golden.expected)) {
      const m = res.models[model]!;
      const got: Record<string, Record<string, unknown>> = { overall: { '': m }, task: m.by_task, organ_system: m.by_organ_system, modality: m.by_modality };
      for (const [fam, groups] of Object.entries(fams)) {
        expect(Object.keys(got[fam]!).sort()).toEqual(Object.keys(groups).sort());
        for (const [key, exp] of Object.entries(groups)) {
          const g = got[fam]![key] as Record<string, number | null>;
          for (const [field, v] of Object.entries(exp)) {
            if (v === null) expect(g[field], `${model} ${fam} ${key} ${field}`).toBeNull();
            else expect(g[field], `${model} ${fam} ${key} ${field}`).toBeCloseTo(v, 12);
          }
        }
      }
    }
    // the all-invalid group: accuracy 0, answered accuracy undefined
    expect(res.models['m-flaky']!.by_task.SOD).toMatchObject({ accuracy: 0, accuracy_valid: null, invalid_rate: 1 });
  });

  it('reproduces the Med-CMR overall MCQ score as the micro average of its task scores', () => {
    // Released MCQ counts per task (medcmr.md §5.3) and GPT-5's published task accuracies (§6.1):
    // the micro average is 57.95 against the published 57.81; the macro average would be 63.20.
    const counts: Record<string, number> = { SOD: 1024, FDD: 711, SU: 371, TP: 336, CR: 1922, LTG: 11582, MSI: 709 };
    const gpt5: Record<string, number> = { SOD: 66.08, FDD: 71.45, SU: 62.06, TP: 58.33, CR: 60.3, LTG: 55.19, MSI: 69.0 };
    const records: McqRecord[] = [];
    for (const [task, n] of Object.entries(counts)) {
      const k = Math.round((gpt5[task]! / 100) * n);
      for (let i = 0; i < n; i++) records.push(rec(`${task}-${i}`, 'GPT-5', 'ok', i < k, { task }));
    }
    const res = summariseMcq(records, { seed: 1, resamples: 0 });
    const m = res.models['GPT-5']!;
    // the nearest count to a published percentage is within half an item of it
    for (const [task, acc] of Object.entries(gpt5)) expect(Math.abs(m.by_task[task]!.accuracy * 100 - acc)).toBeLessThanOrEqual(50 / counts[task]!);
    expect(m.n).toBe(16655);
    expect(m.accuracy * 100).toBeCloseTo(57.95, 1);
    expect(Math.abs(m.accuracy * 100 - 57.81)).toBeLessThan(0.2);
    expect(m.ci_low).toBeNull();
    expect(Object.keys(m.by_task)).toEqual(['SOD', 'FDD', 'SU', 'TP', 'CR', 'LTG', 'MSI']);
  });

  it('counts invalid and missing apart, as wrong in accuracy and left out of accuracy_valid', () => {
    const records = [
      rec('a', 'm', 'ok', true),
      rec('b', 'm', 'ok', false),
      rec('c', 'm', 'invalid_answer', null),
      rec('d', 'm', 'missing', null),
    ];
    const g = summariseMcq(records, { seed: 3, resamples: 200 }).models.m!;
    expect(g).toMatchObject({ n: 4, correct: 1, invalid: 1, missing: 1, answered: 2, accuracy: 0.25, accuracy_valid: 0.5, invalid_rate: 0.25, missing_rate: 0.25 });
    expect(g.by_rule).toEqual({ bare: 2, missing: 1, no_answer: 1 });
    expect(g.by_failure).toEqual({ missing: 1, no_answer: 1 });
    expect(Object.keys(g.by_task)).toEqual(['(none)']);
    expect(g.ci_low!).toBeLessThanOrEqual(0.25);
    expect(g.ci_high!).toBeGreaterThanOrEqual(0.25);
  });

  it('is deterministic for a seed, and a model interval does not depend on the other models', () => {
    const rng = new Rng(11);
    const records: McqRecord[] = [];
    for (const model of ['x', 'y']) for (let i = 0; i < 200; i++) records.push(rec(`q${i}`, model, 'ok', rng.next() < 0.6, { task: i % 2 ? 'CR' : 'LTG' }));
    const a = summariseMcq(records, { seed: 42, resamples: 300 });
    expect(summariseMcq(records, { seed: 42, resamples: 300 })).toEqual(a);
    const alone = summariseMcq(records.filter((r) => r.model === 'y'), { seed: 42, resamples: 300 });
    expect(alone.models.y).toEqual(a.models.y);
    expect(summariseMcq(records, { seed: 43, resamples: 300 }).models.x!.ci_low).not.toBe(a.models.x!.ci_low);
  });

  it('bootstraps a model that lacks some items over its own items (same as bootstrapItems)', () => {
    const rng = new Rng(2);
    const records: McqRecord[] = [];
    for (let i = 0; i < 120; i++) records.push(rec(`q${i}`, 'full', 'ok', rng.next() < 0.5));
    const partial: boolean[] = [];
    for (let i = 0; i < 120; i += 2) {
      const c = rng.next() < 0.5;
      partial.push(c);
      records.push(rec(`q${i}`, 'half', 'ok', c));
    }
    const res = summariseMcq(records, { seed: 9, resamples: 250 });
    const ref = bootstrapItems(partial.length, (idx) => idx.reduce((s, i) => s + (partial[i] ? 1 : 0), 0) / idx.length, { seed: groupSeed(9, 'overall', ''), resamples: 250 });
    expect(res.models.half).toMatchObject({ n: 60, accuracy: ref.value, ci_low: ref.ci_low, ci_high: ref.ci_high });
  });

  it('handles more than 32 models (several bit-sliced chunks with the same draws)', () => {
    const rng = new Rng(4);
    const records: McqRecord[] = [];
    for (let m = 0; m < 40; m++) for (let i = 0; i < 50; i++) records.push(rec(`q${i}`, `m${m}`, 'ok', rng.next() < 0.5));
    const res = summariseMcq(records, { seed: 5, resamples: 100 });
    for (const name of ['m0', 'm33', 'm39']) {
      const mine = records.filter((r) => r.model === name).map((r) => r.correct);
      const ref = bootstrapItems(50, (idx) => idx.reduce((s, i) => s + (mine[i] ? 1 : 0), 0) / idx.length, { seed: groupSeed(5, 'overall', ''), resamples: 100 });
      expect(res.models[name]).toMatchObject({ ci_low: ref.ci_low, ci_high: ref.ci_high });
    }
  });

  it('rejects two records of one model for one item', () => {
    expect(() => summariseMcq([rec('a', 'm', 'ok', true), rec('a', 'm', 'ok', false)], { seed: 1, resamples: 0 })).toThrow(/two MCQ records/);
  });

  it('returns no models for no records', () => {
    expect(summariseMcq([], { seed: 1, resamples: 10 })).toMatchObject({ models: {}, n_items: 0 });
  });
});
