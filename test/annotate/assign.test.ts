import { describe, expect, it } from 'vitest';
import { assignUnits, buildUnits } from '../../src/annotate/assign.ts';
import { AnnotationPlan } from '../../src/annotate/plan.ts';
import { Item, Response } from '../../src/schema/index.ts';

const models = ['m1', 'm2', 'm3'];
const items = new Map(Array.from({ length: 40 }, (_, i) => [`q${i}`, Item.parse({ id: `q${i}`, format: 'open', question: `Q${i}`, reference: 'r' })]));
const responses = [...items.keys()].flatMap((id) => models.map((m) => Response.parse({ item_id: id, model: m, output: `a ${m}` })));
const plan = (o: Record<string, unknown>) =>
  AnnotationPlan.parse({ task: 'pairwise', items: 'i', responses: 'r', raters: ['a', 'b', 'c', 'd', 'e'], per_unit: 3, seed: 3, out: 'o.csv', ...o });

describe('assignment', () => {
  it('gives every unit its raters, never one rater twice, and balances the load', () => {
    const p = plan({});
    const units = buildUnits(p, items, responses, 'k'.repeat(64));
    expect(units).toHaveLength(40 * 3); // 3 pairs per item
    const a = assignUnits(p, units);
    const ratersOf = new Map<string, string[]>();
    for (const [r, list] of a) for (const x of list) ratersOf.set(x.unit, [...(ratersOf.get(x.unit) ?? []), r]);
    for (const u of units) {
      const rs = ratersOf.get(u.id)!;
      expect(rs).toHaveLength(3);
      expect(new Set(rs).size).toBe(3);
    }
    const loads = [...a.values()].map((l) => l.length);
    expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);
    expect(loads.reduce((x, y) => x + y, 0)).toBe(120 * 3);
  });

  it('balances the answer order per rater to within one', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const p = plan({ seed });
      const a = assignUnits(p, buildUnits(p, items, responses, 's'.repeat(64)));
      for (const list of a.values()) {
        const flipped = list.filter((x) => x.flipped).length;
        expect(Math.abs(flipped - (list.length - flipped))).toBeLessThanOrEqual(1);
      }
    }
  });

  it('the overlap share decides how many units get several raters', () => {
    const p = plan({ overlap: 0.25 });
    const units = buildUnits(p, items, responses, 'k'.repeat(64));
    const a = assignUnits(p, units);
    const count = new Map<string, number>();
    for (const list of a.values()) for (const x of list) count.set(x.unit, (count.get(x.unit) ?? 0) + 1);
    const multi = [...count.values()].filter((c) => c === 3).length;
    expect(multi).toBe(Math.round(0.25 * units.length));
    expect([...count.values()].every((c) => c === 1 || c === 3)).toBe(true);
  });

  it('is the same for the same seed and secret; unit ids name no model', () => {
    const p = plan({ sample: 30 });
    const u1 = buildUnits(p, items, responses, 'x'.repeat(64));
    const u2 = buildUnits(p, items, responses, 'x'.repeat(64));
    expect(u1).toEqual(u2);
    expect(u1).toHaveLength(30);
    expect(assignUnits(p, u1)).toEqual(assignUnits(p, u2));
    for (const u of u1) expect(u.id).toMatch(/^u[0-9a-f]{16}$/);
    expect(buildUnits(p, items, responses, 'y'.repeat(64)).map((u) => u.id)).not.toEqual(u1.map((u) => u.id));
  });

  it('rubric tasks: one unit per (item, model), no order to balance', () => {
    const p = plan({ task: 'rubric', rubric: 'r.yaml', per_unit: 2 });
    const units = buildUnits(p, items, responses, 'k'.repeat(64));
    expect(units).toHaveLength(120);
    const a = assignUnits(p, units);
    expect([...a.values()].flat().every((x) => !x.flipped)).toBe(true);
  });

  it('rejects plans that cannot be honoured', () => {
    expect(() => plan({ per_unit: 6 })).toThrow(/per_unit/);
    expect(() => plan({ raters: ['a', 'a'], per_unit: 1 })).toThrow(/twice/);
    expect(() => plan({ per_unti: 2 })).toThrow();
    expect(() => plan({ task: 'rubric' })).toThrow(/rubric/);
  });
});
