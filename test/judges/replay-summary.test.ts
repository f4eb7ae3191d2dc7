import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readItems, readResponses } from '../../src/io/records.ts';
import { loadRubric, meanEstimate, renderJudgeMarkdown, replayJudgments, runJudge, summariseJudgments, type LoadedRubric } from '../../src/judges/index.ts';
import { bootstrapItems } from '../../src/stats/bootstrap.ts';
import { Judgment, type Item, type Response } from '../../src/schema/index.ts';

const FIX = resolve('test/fixtures/judge');
const VERDICTS = join(FIX, 'verdicts.jsonl');
let items: Map<string, Item>;
let responses: Response[];
let medreason: LoadedRubric;
const golden = JSON.parse(readFileSync(join(FIX, 'summary_golden.json'), 'utf8')) as Record<string, { n_ok: number; gt_final: number; va_answer: number; rvf_trace: number }>;

beforeAll(async () => {
  items = await readItems(join(FIX, 'items.jsonl'));
  responses = await readResponses(join(FIX, 'responses.jsonl'), items);
  medreason = await loadRubric('rubrics/medreason-v1.yaml');
});

describe('replay judge', () => {
  it('turns recorded verdicts into judgments with honest statuses', async () => {
    const { judgments, fingerprint } = await replayJudgments(VERDICTS, medreason, { name: 'gpt-4', items, responses });
    expect(fingerprint).toMatchObject({ kind: 'replay', model: 'gpt-4', rubric_hash: medreason.hash, parser_version: 'replay/1' });
    expect(judgments.map((j) => j.status)).toEqual(['ok', 'ok', 'ok', 'parse_error', 'ok', 'parse_error', 'refusal']);
    for (const j of judgments) {
      expect(Judgment.safeParse(j).success).toBe(true);
      expect(j.parse_method).toBe('replay');
    }
    expect(judgments[3]).toMatchObject({ raw: 'garbage' });
    expect((judgments[5] as { error: string }).error).toMatch(/score for "gt_final" is 5, outside its scale 0–4 \(.*verdicts\.jsonl:6\)/);
    // the gate applies to replayed verdicts too
    expect(judgments[2]).toMatchObject({ scores: { va_answer: 1 }, ungated_scores: { va_answer: 3 } });
  });

  it('an unknown item or response is an InputError naming file and line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jk-replay-'));
    const f = join(dir, 'v.jsonl');
    writeFileSync(f, JSON.stringify({ item_id: 'open-1', model: 'model-a', scores: null }) + '\n' + JSON.stringify({ item_id: 'nope', model: 'model-a', scores: null }) + '\n');
    await expect(replayJudgments(f, medreason, { name: 'x', items })).rejects.toThrow(`${f}:2: field "item_id": no item with id "nope"`);
    writeFileSync(f, JSON.stringify({ item_id: 'open-1', model: 'model-z', scores: null }) + '\n');
    await expect(replayJudgments(f, medreason, { name: 'x', items, responses })).rejects.toThrow(`${f}:1: field "model": no response of model "model-z"`);
    writeFileSync(f, JSON.stringify({ item_id: 'open-1', model: 'model-a', scores: 'high' }) + '\n');
    await expect(replayJudgments(f, medreason, { name: 'x', items })).rejects.toThrow(`${f}:1: field "scores"`);
  });

  it('runs offline through runJudge({kind: replay})', async () => {
    const r = await runJudge({ items, responses, rubric: medreason, judge: { kind: 'replay', verdicts: VERDICTS, name: 'gpt-4' }, seed: 3, resamples: 100 });
    expect(r.summary.by_status).toEqual({ ok: 4, parse_error: 2, refusal: 1 });
    expect(r.spend).toEqual({ requests: 0, tokens: { input: 0, output: 0 }, cost_usd: 0 });
  });
});

describe('summariseJudgments', () => {
  it('means per model and criterion over ok judgments match numpy', async () => {
    const { judgments } = await replayJudgments(VERDICTS, medreason, { name: 'gpt-4', items, responses });
    const s = summariseJudgments(judgments, medreason, { seed: 11, resamples: 500 });
    for (const [model, g] of Object.entries(golden)) {
      const m = s.models[model]!;
      expect(m.by_status.ok).toBe(g.n_ok);
      for (const k of ['gt_final', 'va_answer', 'rvf_trace'] as const) expect(m.criteria[k]!.value).toBeCloseTo(g[k], 12);
      expect(m.score).toEqual({ value: null, ci_low: null, ci_high: null }); // separate aggregation: no total
    }
    expect(s.models['model-b']!.n).toBe(4);
  });

  it('intervals are the seeded item bootstrap of the ok values', () => {
    const xs = [10, 40, 55, 70, 100, 85];
    const e = meanEstimate(xs, 5, 2000);
    const ref = bootstrapItems(xs.length, (idx) => idx.reduce((a, i) => a + xs[i]!, 0) / idx.length, { seed: 5, resamples: 2000, level: 0.95 });
    expect(e).toEqual(ref);
    expect(e.value).toBeCloseTo(60, 12);
    expect(e.ci_low!).toBeLessThan(60);
    expect(e.ci_high!).toBeGreaterThan(60);
    expect(meanEstimate([], 5, 100)).toEqual({ value: null, ci_low: null, ci_high: null });
  });

  it('renders a Markdown section with statuses and spend', async () => {
    const { judgments } = await replayJudgments(VERDICTS, medreason, { name: 'gpt-4', items, responses });
    const md = renderJudgeMarkdown(summariseJudgments(judgments, medreason, { seed: 1, resamples: 100 }), medreason);
    expect(md).toContain('## Rubric judge: MedReason open-ended scoring');
    expect(md).toMatch(/\| model-a \| 3 \| 3\.67 \[/);
    expect(md).toContain('7 judgments: 4 ok, 2 parse_error, 1 refusal.');
  });
});
