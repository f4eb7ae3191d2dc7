// A model or rater named `__proto__` is an own key of the stage JSON (src/io/name-map.ts), but
// zod 4's z.record drops that key when it parses. The report parses every result before it draws:
// the hostile name must still be drawn, and its entry still validated.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { chartsForStage } from '../../src/report/charts.ts';
import { parseResult } from '../../src/report/parse-result.ts';

const RUN = 'test/fixtures/report/run';
const text = (f: string): Promise<string> => readFile(join(RUN, f), 'utf8');
const dataOf = (spec: any): any[] => spec.data?.values ?? [];
const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

describe('parseResult', () => {
  const R = z.object({ models: z.record(z.string(), z.object({ a: z.number() })), n: z.number() });

  it('keeps a __proto__ key in its place, as an own key of a null-prototype map', () => {
    const raw = JSON.parse('{"models": {"x": {"a": 1}, "__proto__": {"a": 2}, "constructor": {"a": 3}}, "n": 1}');
    expect(R.safeParse(raw).success && Object.keys(R.parse(raw).models)).toEqual(['x', 'constructor']); // what zod alone does
    const p = parseResult(R, raw);
    expect(p.success).toBe(true);
    if (!p.success) return;
    expect(Object.keys(p.data.models)).toEqual(['x', '__proto__', 'constructor']);
    expect(own(p.data.models, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(p.data.models)).toBeNull();
    expect(p.data.models['__proto__']).toEqual({ a: 2 });
    expect(JSON.parse(JSON.stringify(p.data))).toEqual(raw);
    // objects without such a key are zod's own output, untouched
    const plain = parseResult(R, { models: { x: { a: 1 } }, n: 1 });
    expect(plain.success && Object.getPrototypeOf(plain.data.models)).toBe(Object.prototype);
  });

  it("validates the __proto__ entry and names it in the issue's path", () => {
    const p = parseResult(R, JSON.parse('{"models": {"__proto__": {"a": "no"}}, "n": 1}'));
    expect(p.success).toBe(false);
    if (!p.success) expect(p.error.issues[0]!.path).toEqual(['models', '__proto__', 'a']);
  });
});

describe('charts of results with hostile names', () => {
  it('draws a model named __proto__ in the MCQ charts, with its own numbers', async () => {
    const raw = await text('mcq.json');
    const victim = Object.keys(JSON.parse(raw).models)[0]!;
    const mcq = JSON.parse(raw.replaceAll(`"${victim}"`, '"__proto__"'));
    expect(own(mcq.models, '__proto__')).toBe(true);
    const { charts, notes } = chartsForStage('mcq', 'mcq', mcq);
    expect(notes).toEqual(expect.not.arrayContaining([expect.stringMatching(/does not match/)]));
    const acc = dataOf(charts.find((c) => c.id === 'mcq-accuracy')!.spec);
    expect(acc.map((r) => r.label)).toContain('__proto__');
    expect(acc.find((r) => r.label === '__proto__').value).toBe(mcq.models['__proto__'].accuracy);
    const task = dataOf(charts.find((c) => c.id === 'mcq-task')!.spec).filter((c) => c.y === '__proto__' && c.x !== 'All');
    expect(task.map((c) => c.value)).toEqual(task.map((c) => mcq.models['__proto__'].by_task[c.x].accuracy));
    expect(task.length).toBe(Object.keys(mcq.models['__proto__'].by_task).length);
  });

  it('draws raters named __proto__ and constructor in the win-ratio charts', async () => {
    const raw = await text('winrate.json');
    const wr0 = JSON.parse(raw);
    const [a, b] = [wr0.compare.rater_a, wr0.compare.rater_b];
    const wr = JSON.parse(raw.replaceAll(`"${a}"`, '"__proto__"').replaceAll(`"${b}"`, '"constructor"'));
    const { charts } = chartsForStage('winrate', 'w', wr);
    const scatter = dataOf(charts.find((c) => c.id === 'w-winratio-scatter')!.spec);
    expect(scatter.length).toBe(Object.keys(wr.dimensions).length * Object.keys(wr.raters['__proto__'].models).length);
    for (const p of scatter) {
      expect(p.a).toBe(wr.dimensions[p.scope].raters['__proto__'].models[p.model].win_ratio.value);
      expect(p.b).toBe(wr.dimensions[p.scope].raters['constructor'].models[p.model].win_ratio.value);
    }
  });

  it('says so when the __proto__ entry does not match the schema', async () => {
    const raw = await text('judge.json');
    const victim = Object.keys(JSON.parse(raw).models)[0]!;
    const judge = JSON.parse(raw.replaceAll(`"${victim}"`, '"__proto__"'));
    judge.models['__proto__'].n = 'many';
    const out = chartsForStage('judge', 'j', judge);
    expect(out.charts).toEqual([]);
    expect(out.notes[0]).toContain('(models.__proto__.n: ');
  });
});

describe('the Med-CMR main table with a hostile name', () => {
  it('keeps a model named __proto__ as a row', async () => {
    const { mainTable } = await import('../../src/report/medcmr-table.ts');
    const raw = await text('mcq.json');
    const victim = Object.keys(JSON.parse(raw).models)[0]!;
    const mcq = JSON.parse(raw.replaceAll(`"${victim}"`, '"__proto__"'));
    const t = mainTable(mcq, null)!;
    expect(t.models).toContain('__proto__');
    expect(t.mcq['__proto__']!['all']!.value).toBeCloseTo(mcq.models['__proto__'].accuracy * 100, 12);
  });
});
