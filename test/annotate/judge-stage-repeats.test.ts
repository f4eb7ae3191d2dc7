/**
 * Two plan options: `judge_stage` (label the units a judge stage rated, or a seeded sample of
 * them) and `repeat` (units shown again to measure each rater's self-consistency, kept out of
 * the label file the studies read).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parse } from 'csv-parse/sync';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addRepeats, assignUnits, buildUnits } from '../../src/annotate/assign.ts';
import { openPlan, progressTable, serveAnnotation } from '../../src/annotate/index.ts';
import { AnnotationPlan } from '../../src/annotate/plan.ts';
import { Item, Response } from '../../src/schema/index.ts';
import { spawnJudgekit } from '../helpers/cli.ts';
import { MODELS, modelOf, pairwisePlan } from './fixture.ts';

const fingerprint = { kind: 'llm', model: 'judge-x', endpoint: 'http://127.0.0.1:1/v1', params: {}, parser_version: '1', hash: 'h' };
function judgment(item_id: string, model: string, ok: boolean): Record<string, unknown> {
  const base = { item_id, model, judge: fingerprint, parse_method: ok ? 'json_schema' : null, raw: null, tokens: { input: 1, output: 1 }, cost_usd: 0, latency_ms: 1, requests: 1, cached: false };
  return ok ? { ...base, status: 'ok', scores: { c: 3 }, score: 0.5 } : { ...base, status: 'parse_error', error: 'unreadable' };
}

const models = ['m1', 'm2', 'm3'];
const items = new Map(Array.from({ length: 10 }, (_, i) => [`q${i}`, Item.parse({ id: `q${i}`, format: 'open', question: `Q${i}`, reference: 'r' })]));
const responses = [...items.keys()].flatMap((id) => models.map((m) => Response.parse({ item_id: id, model: m, output: `a ${m}` })));
const plan = (o: Record<string, unknown>) => AnnotationPlan.parse({ task: 'pairwise', items: 'i', responses: 'r', raters: ['a', 'b', 'c'], per_unit: 2, seed: 5, out: 'o.csv', ...o });

describe('judge_stage: the units a judge stage rated', () => {
  // the judge rated q0: m1, m2, m3; q1: m1, m3; q2: m2 only; nothing else
  const judged = new Map([
    ['q0', new Set(['m1', 'm2', 'm3'])],
    ['q1', new Set(['m1', 'm3'])],
    ['q2', new Set(['m2'])],
  ]);
  it('pairwise: the pairs both of whose models the judge rated on the item', () => {
    const units = buildUnits(plan({}), items, responses, 'k'.repeat(64), judged);
    expect(units.map((u) => `${u.item_id}:${u.model_a}-${u.model_b}`)).toEqual(['q0:m1-m2', 'q0:m1-m3', 'q0:m2-m3', 'q1:m1-m3']);
    // `sample` draws from those, and `models` narrows them
    expect(buildUnits(plan({ sample: 2 }), items, responses, 'k'.repeat(64), judged)).toHaveLength(2);
    expect(buildUnits(plan({ models: ['m1', 'm3'] }), items, responses, 'k'.repeat(64), judged).map((u) => u.item_id)).toEqual(['q0', 'q1']);
  });
  it('rubric: the (item, model) units the judge rated', () => {
    const units = buildUnits(plan({ task: 'rubric', rubric: 'r.yaml' }), items, responses, 'k'.repeat(64), judged);
    expect(units.map((u) => `${u.item_id}:${u.model_a}`)).toEqual(['q0:m1', 'q0:m2', 'q0:m3', 'q1:m1', 'q1:m3', 'q2:m2']);
  });

  it('reads <run>/<stage>.judgments.jsonl relative to the plan; ok judgments only; a missing stage names the plan, line and key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jk-annot-stage-'));
    pairwisePlan(dir, 4); // items q0..q3 and responses of both MODELS
    mkdirSync(join(dir, 'run'));
    const lines = [
      judgment('q0', MODELS[0]!, true), judgment('q0', MODELS[1]!, true), // a pair
      judgment('q1', MODELS[0]!, true), judgment('q1', MODELS[1]!, false), // a failure rates nothing
      judgment('q3', MODELS[0]!, true), judgment('q3', MODELS[1]!, true), // a pair
    ];
    writeFileSync(join(dir, 'run', 'judge_a.judgments.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const yaml = (stage: string, run = 'run') =>
      `task: pairwise\nitems: items.jsonl\nresponses: responses.jsonl\nraters: [r1, r2]\nper_unit: 2\nseed: 3\nout: labels.csv\njudge_stage:\n  run: ${run}\n  stage: ${stage}\n`;
    writeFileSync(join(dir, 'plan.yaml'), yaml('judge_a'));
    const opened = await openPlan(join(dir, 'plan.yaml'));
    expect(opened.units).toBe(2);
    const seen = new Set<string>();
    for (;;) {
      const n = opened.store.next('r1');
      if (!n) break;
      seen.add(n.unit.item_id);
      await opened.store.label('r1', n.unit.id, { overall: 'tie' }, null);
    }
    expect([...seen].sort()).toEqual(['q0', 'q3']);
    opened.store.close();

    writeFileSync(join(dir, 'plan2.yaml'), yaml('judge_b'));
    await expect(openPlan(join(dir, 'plan2.yaml'))).rejects.toThrow(`${join(dir, 'plan2.yaml')}:10: field "judge_stage.stage": `);
    writeFileSync(join(dir, 'plan3.yaml'), yaml('judge_a', 'nowhere'));
    await expect(openPlan(join(dir, 'plan3.yaml'))).rejects.toThrow(`${join(dir, 'plan3.yaml')}:9: field "judge_stage.run": no run directory`);
    writeFileSync(join(dir, 'plan4.yaml'), yaml('judge_a') + '  extra: 1\n');
    await expect(openPlan(join(dir, 'plan4.yaml'))).rejects.toThrow(/:11: field "judge_stage.extra": unknown key/);
  });
});

describe('repeat: units shown again for self-consistency', () => {
  it('gives each rater N of their own units again, later, under new ids, in the other order', () => {
    const p = plan({ repeat: 3 });
    const units = buildUnits(p, items, responses, 'k'.repeat(64));
    const base = assignUnits(p, units);
    const { units: all, assignments } = addRepeats(p, units, base, 'k'.repeat(64));
    const byId = new Map(all.map((u) => [u.id, u]));
    expect(all).toHaveLength(units.length + 3 * 3);
    expect(new Set(all.map((u) => u.id)).size).toBe(all.length);
    for (const [rater, list] of assignments) {
      const ordinary = list.filter((a) => !byId.get(a.unit)!.repeat_of);
      expect(ordinary).toEqual(base.get(rater)); // the ordinary units, in their order, unchanged
      const reps = list.filter((a) => byId.get(a.unit)!.repeat_of);
      expect(reps).toHaveLength(3);
      for (const r of reps) {
        const u = byId.get(r.unit)!;
        const k = list.findIndex((a) => a.unit === u.repeat_of);
        expect(k).toBeGreaterThanOrEqual(0); // a unit of this rater's
        expect(list.indexOf(r)).toBeGreaterThan(k); // shown after it
        expect(r.flipped).toBe(!list[k]!.flipped);
        const o = byId.get(u.repeat_of!)!;
        expect([u.item_id, u.model_a, u.model_b]).toEqual([o.item_id, o.model_a, o.model_b]);
        expect(u.id).toMatch(/^u[0-9a-f]{16}$/);
      }
      // no other rater is given this rater's repeats
      for (const [other, l2] of assignments) if (other !== rater) expect(l2.some((a) => reps.some((r) => r.unit === a.unit))).toBe(false);
    }
    expect(addRepeats(p, units, base, 'k'.repeat(64))).toEqual({ units: all, assignments });
    expect(addRepeats(plan({}), units, base, 'k'.repeat(64)).units).toBe(units);
  });

  it('through the API: repeats are labelled once, kept out of the label file, and --status reports self-consistency', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jk-annot-rep-'));
    const planFile = pairwisePlan(dir, 6, { repeat: 2 });
    const s = await serveAnnotation(planFile, { host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${s.port}`;
    const post = async (path: string, body: unknown) => (await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).status;
    const tokens = new Map(s.urls.map((u) => [u.rater, new URL(u.url).searchParams.get('token')!]));
    // r1 always prefers MODELS[0] (consistent); r2 answers "A" whatever is shown (by position)
    const expectAgreed = new Map<string, number>();
    try {
      for (const rater of ['r1', 'r2']) {
        const token = tokens.get(rater)!;
        const given = new Map<string, string>(); // item → canonical verdict on visual_accuracy
        let agreed = 0;
        let n = 0;
        for (;;) {
          const nx = (await (await fetch(`${base}/api/next?rater=${rater}&token=${token}`)).json()) as any;
          if (nx.done) break;
          n++;
          expect(MODELS.some((m) => JSON.stringify(nx).includes(m))).toBe(false);
          const slotOfFirst = modelOf(nx.answers[0].text) === MODELS[0] ? 'A' : 'B';
          const pick = rater === 'r1' ? slotOfFirst : 'A';
          const canonical = pick === slotOfFirst ? 'first' : 'second';
          const item = /Question (\d+)/.exec(nx.question)![1]!;
          if (given.has(item)) agreed += given.get(item) === canonical ? 2 : 0; // both dimensions get `pick`
          else given.set(item, canonical);
          expect(await post('/api/label', { rater, token, unit: nx.unit, labels: { visual_accuracy: pick, ground_truth_correctness: pick } })).toBe(200);
          expect(await post('/api/label', { rater, token, unit: nx.unit, labels: { visual_accuracy: pick, ground_truth_correctness: pick } })).toBe(409);
        }
        expect(n).toBe(8); // 6 units + 2 repeats
        expectAgreed.set(rater, agreed);
      }
    } finally {
      await s.server.close();
      s.opened.store.close();
      s.release();
    }
    expect(expectAgreed.get('r1')).toBe(4); // a consistent rater agrees with herself on 2 repeats × 2 dimensions
    expect(expectAgreed.get('r2')).toBe(0); // a repeat shows the pair the other way round: by-position answers disagree

    const readCsv = (f: string) => {
      const rows = parse(readFileSync(f, 'utf8'), { columns: true }) as Record<string, string>[];
      return { header: readFileSync(f, 'utf8').split('\n')[0]!.split(','), rows };
    };
    const main = readCsv(join(dir, 'labels.csv'));
    expect(main.rows).toHaveLength(6 * 2 * 2); // units × raters × dimensions: no repeat rows
    expect(main.header).not.toContain('repeat_of');
    const reps = readCsv(join(dir, 'labels.csv.repeats.csv'));
    expect(reps.header.at(-1)).toBe('repeat_of');
    expect(reps.rows).toHaveLength(2 * 2 * 2);
    const mainUnits = new Set(main.rows.map((r) => r.unit));
    for (const r of reps.rows) {
      expect(mainUnits.has(r.repeat_of!)).toBe(true);
      expect(mainUnits.has(r.unit!)).toBe(false);
    }

    const st = await spawnJudgekit(['annotate', planFile, '--status', '--json']).done;
    expect(st.code).toBe(0);
    expect(JSON.parse(st.stdout).raters).toEqual([
      { rater: 'r1', assigned: 8, labelled: 8, skipped: 0, remaining: 0, repeats: { assigned: 2, compared: 4, agreed: 4, consistency: 1 } },
      { rater: 'r2', assigned: 8, labelled: 8, skipped: 0, remaining: 0, repeats: { assigned: 2, compared: 4, agreed: 0, consistency: 0 } },
    ]);
    const opened = await openPlan(planFile);
    expect(progressTable(opened.store.progress(), opened.units)).toContain('r2\t8\t8\t0\t0\t100.0%\t0/4 (0.0%)');

    // the main file still runs through the agreement study
    const ag = await spawnJudgekit(['agree', join(dir, 'labels.csv'), '--bootstrap', '0', '--json']).done;
    expect(ag.code).toBe(0);
  }, 60_000);
});
