import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { InputError } from '../../src/io/errors.ts';
import {
  parsePairedSpec,
  phiFromTable,
  readConsistencyPairs,
  runConsistency,
  type ConsistencyRow,
  type ModelConsistency,
} from '../../src/studies/consistency.ts';
import { MARKDOWN_DISCORDANT_LIMIT, renderConsistencyMarkdown } from '../../src/studies/consistency-report.ts';
import { main } from '../../src/cli/main.ts';
import { pairsFromRecords, pairsToCsv } from '../../src/studies/consistency-pairs.ts';
import { mcqToOpen } from '../../src/studies/reformulate.ts';
import { Item, Judgment } from '../../src/schema/index.ts';

const FIX = join(import.meta.dirname, '../fixtures/consistency');
const golden = JSON.parse(await readFile(join(FIX, 'golden.json'), 'utf8'));

async function tmp(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'jk-cons-'));
  const p = join(dir, name);
  await writeFile(p, text);
  return p;
}

async function inputError(p: Promise<unknown> | (() => unknown)): Promise<InputError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

function expectModel(got: ModelConsistency, want: Record<string, unknown>): void {
  for (const key of ['n', 'both', 'mcq_only', 'open_only', 'neither', 'excluded']) expect(got[key as keyof ModelConsistency], key).toBe(want[key]);
  for (const key of ['agreement', 'phi', 'kappa', 'mcnemar_exact_p', 'mcnemar_midp', 'mcnemar_chi2', 'mcnemar_chi2_p', 'mcq_accuracy', 'open_accuracy']) {
    const w = want[key] as number | null;
    const g = got[key as keyof ModelConsistency] as number | null;
    if (w === null) expect(g, key).toBeNull();
    else expect(g, key).toBeCloseTo(w, 10);
  }
  expect(got.mcq_only_ids).toEqual(want.mcq_only_ids);
  expect(got.open_only_ids).toEqual(want.open_only_ids);
}

describe('consistency against sklearn / statsmodels / numpy (make_golden.py)', () => {
  it('0/1 outcomes: tables, φ, κ, McNemar, discordant ids; all-correct, zero-discordant and tiny models', async () => {
    const rows = await readConsistencyPairs(join(FIX, 'pairs_binary.csv'));
    const res = runConsistency(rows);
    expect(res.open_form).toBe('binary');
    expect(res.threshold).toBeNull();
    expect(Object.keys(res.models)).toEqual(['general-a', 'medical-a', 'mirror', 'perfect', 'tiny']);
    for (const [m, want] of Object.entries(golden.binary.models)) expectModel(res.models[m]!, want as Record<string, unknown>);
    // degenerate cases, as documented: constant outcomes → φ and κ null, no discordance → p = 1
    expect(res.models.perfect!.phi).toBeNull();
    expect(res.models.perfect!.kappa).toBeNull();
    expect(res.models.mirror!.mcnemar_exact_p).toBe(1);
    expect(res.models.mirror!.mcnemar_midp).toBe(1);
    // empty cells are excluded and listed, never counted as wrong
    expect(res.models['general-a']!.excluded_ids).toEqual(['p04', 'p18']);
    expect(res.models['medical-a']!.excluded_ids).toEqual(['p10']);
  });

  it('scores cut at the threshold (score ≥ T is right)', async () => {
    const rows = await readConsistencyPairs(join(FIX, 'pairs_scores.csv'), { threshold: 50 });
    const res = runConsistency(rows, { threshold: 50 });
    expect(res.open_form).toBe('score');
    expect(res.threshold).toBe(50);
    for (const [m, want] of Object.entries(golden.scores.models)) expectModel(res.models[m]!, want as Record<string, unknown>);
    // a score of exactly 50 is right: q04 of base-1 scores 50
    const q04 = rows.find((r) => r.pair_id === 'q04' && r.model === 'base-1')!;
    expect(q04.open_correct).toBe(50);
    expect(runConsistency([q04], { threshold: 50 }).models['base-1']!.open_accuracy).toBe(1);
    expect(runConsistency([q04], { threshold: 50.5 }).models['base-1']!.open_accuracy).toBe(0);
  });

  it('Agresti’s presidential approval table (794/150/86/570): McNemar χ² = 17.36', () => {
    const rows: ConsistencyRow[] = [];
    const add = (count: number, m: boolean, o: boolean): void => {
      for (let i = 0; i < count; i++) rows.push({ pair_id: `s${rows.length}`, model: 'survey', mcq_correct: m, open_correct: o ? 1 : 0 });
    };
    add(794, true, true);
    add(150, true, false);
    add(86, false, true);
    add(570, false, false);
    const m = runConsistency(rows).models.survey!;
    expect(m.mcnemar_chi2).toBeCloseTo(17.36, 2); // the textbook value
    const g = golden.agresti;
    expect(m.mcnemar_chi2).toBeCloseTo(g.mcnemar_chi2, 10);
    expect(m.mcnemar_chi2_p).toBeCloseTo(g.mcnemar_chi2_p, 12);
    expect(m.mcnemar_exact_p / g.mcnemar_exact_p).toBeCloseTo(1, 9);
    expect(m.mcnemar_midp / g.mcnemar_midp).toBeCloseTo(1, 9);
    expect(m.kappa).toBeCloseTo(g.kappa, 12);
    expect(m.phi).toBeCloseTo(g.phi, 12);
    expect(phiFromTable(794, 150, 86, 570)).toBeCloseTo(g.phi, 12);
  });

  it('bootstrap intervals bracket the estimates and repeat for a seed', async () => {
    const rows = await readConsistencyPairs(join(FIX, 'pairs_binary.csv'));
    const a = runConsistency(rows, { bootstrap: 300, seed: 7 });
    const b = runConsistency(rows, { bootstrap: 300, seed: 7 });
    expect(a).toEqual(b);
    const iv = a.models['general-a']!.intervals!;
    for (const key of ['agreement', 'kappa', 'mcq_accuracy', 'open_accuracy', 'accuracy_gap'] as const) {
      expect(iv[key].ci_low!).toBeLessThanOrEqual(iv[key].value!);
      expect(iv[key].ci_high!).toBeGreaterThanOrEqual(iv[key].value!);
    }
    expect(iv.kappa.value).toBeCloseTo(golden.binary.models['general-a'].kappa, 12);
    // all-correct model: κ undefined on every resample → null interval, not NaN
    expect(a.models.perfect!.intervals!.kappa).toEqual({ value: null, ci_low: null, ci_high: null });
    expect(JSON.stringify(a)).not.toMatch(/NaN|Infinity/);
  });
});

describe('pairs file errors', () => {
  it('a score without a threshold is an error naming file, line and field', async () => {
    const e = await inputError(readConsistencyPairs(join(FIX, 'pairs_scores.csv')));
    expect(e.line).toBe(2);
    expect(e.field).toBe('open_correct');
    expect(e.message).toContain('pairs_scores.csv');
    expect(e.message).toMatch(/--threshold/);
    const rows = await readConsistencyPairs(join(FIX, 'pairs_scores.csv'), { requireThreshold: false });
    expect((await inputError(() => runConsistency(rows))).message).toMatch(/threshold is needed/);
  });

  it('bad cells, duplicates, missing columns and mixed forms', async () => {
    let e = await inputError(readConsistencyPairs(await tmp('a.csv', 'pair_id,model,mcq_correct,open_correct\np1,m,1,1\np2,m,yes,0\n')));
    expect([e.line, e.field]).toEqual([3, 'mcq_correct']);
    e = await inputError(readConsistencyPairs(await tmp('b.csv', 'pair_id,model,mcq_correct,open_correct\np1,m,1,1\np1,m,0,0\n')));
    expect([e.line, e.field]).toEqual([3, 'pair_id']);
    expect(e.message).toMatch(/first at line 2/);
    e = await inputError(readConsistencyPairs(await tmp('c.csv', 'pair_id,model,mcq\np1,m,1\n')));
    expect([e.line, e.field]).toEqual([1, 'mcq_correct']);
    e = await inputError(readConsistencyPairs(await tmp('d.csv', 'pair_id,model,mcq_correct,open_correct\np1,m,1,true\np2,m,1,73.5\n'), { threshold: 50 }));
    expect([e.line, e.field]).toEqual([3, 'open_correct']);
    e = await inputError(readConsistencyPairs(await tmp('e.csv', 'pair_id,model,mcq_correct,open_correct\np1,,1,1\n')));
    expect([e.line, e.field]).toEqual([2, 'model']);
    e = await inputError(readConsistencyPairs(await tmp('f.csv', 'pair_id,model,mcq_correct,open_correct\np1,m,1,high\n')));
    expect([e.line, e.field]).toEqual([2, 'open_correct']);
  });

  it('reads JSONL too, with booleans and nulls', async () => {
    const p = await tmp('p.jsonl', ['{"pair_id":"a","model":"m","mcq_correct":true,"open_correct":false}', '{"pair_id":"b","model":"m","mcq_correct":0,"open_correct":null}'].join('\n'));
    const res = runConsistency(await readConsistencyPairs(p));
    expect(res.models.m).toMatchObject({ n: 1, mcq_only: 1, excluded: 1, excluded_ids: ['b'] });
  });

  it('a threshold on 0/1 outcomes is not applied, and says so', () => {
    const res = runConsistency([{ pair_id: 'a', model: 'm', mcq_correct: true, open_correct: 1 }], { threshold: 50 });
    expect(res.models.m!.both).toBe(1);
    expect(res.warnings.join(' ')).toMatch(/not applied/);
  });
});

describe('BASE:TUNED specifications', () => {
  it('splits on the colon that separates two known models', () => {
    expect(parsePairedSpec('a:b', ['a', 'b'])).toEqual(['a', 'b']);
    expect(parsePairedSpec('qwen2.5vl:7b:lingshu:7b', ['qwen2.5vl:7b', 'lingshu:7b'])).toEqual(['qwen2.5vl:7b', 'lingshu:7b']);
    expect(() => parsePairedSpec('a-b', ['a', 'b'])).toThrow(InputError);
    expect(() => parsePairedSpec('a:c', ['a', 'b'])).toThrow(/does not name two models/);
  });
});

describe('Markdown report', () => {
  it(`lists the first ${MARKDOWN_DISCORDANT_LIMIT} discordant pairs of each kind and points to the JSON for the rest`, () => {
    const rows: ConsistencyRow[] = [];
    for (let i = 0; i < 25; i++) rows.push({ pair_id: `x${i}`, model: 'm', mcq_correct: true, open_correct: 0 });
    rows.push({ pair_id: 'y', model: 'm', mcq_correct: false, open_correct: 1 });
    const res = runConsistency(rows);
    expect(res.models.m!.mcq_only_ids).toHaveLength(25);
    const md = renderConsistencyMarkdown(res, 'Demo');
    expect(md).toContain('## Demo');
    expect(md).toContain('`x19`');
    expect(md).not.toContain('`x20`');
    expect(md).toContain('5 more in the JSON');
    expect(md).toContain('`y`');
  });
});

describe('judgekit consistency (CLI)', () => {
  it('prints the JSON contract and writes --out files', async () => {
    const out = await mkdtemp(join(tmpdir(), 'jk-cons-out-'));
    const chunks: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (chunks.push(String(s)), true));
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    let code: number;
    try {
      code = await main([
        'consistency', join(FIX, 'pairs_scores.csv'), '--threshold', '50',
        '--paired', 'base-1:tuned-1', '--paired', 'base-2:tuned-2', '--bootstrap', '0', '--json', '--out', out,
      ]);
    } finally {
      spy.mockRestore();
      err.mockRestore();
    }
    expect(code).toBe(0);
    const json = JSON.parse(chunks.join(''));
    for (const key of ['n', 'both', 'mcq_only', 'open_only', 'neither', 'agreement', 'phi', 'kappa', 'mcnemar_exact_p', 'mcnemar_midp']) {
      expect(json.models['base-1']).toHaveProperty(key);
    }
    expect(json.paired['base-1:tuned-1'].mcq.sign_test_p).toBeCloseTo(golden.scores.paired['base-1:tuned-1'].mcq.sign_test_p, 12);
    expect(json.paired['base-2:tuned-2'].open.wilcoxon_p).toBeCloseTo(golden.scores.paired['base-2:tuned-2'].open.wilcoxon_p, 12);
    expect(JSON.parse(await readFile(join(out, 'consistency.json'), 'utf8'))).toEqual(json);
    expect(await readFile(join(out, 'consistency.md'), 'utf8')).toContain('Base versus fine-tuned');
  });

  it('exits 2 with one line when scores come without --threshold', async () => {
    const errs: string[] = [];
    const err = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (errs.push(String(s)), true));
    let code: number;
    try {
      code = await main(['consistency', join(FIX, 'pairs_scores.csv')]);
    } finally {
      err.mockRestore();
    }
    expect(code).toBe(2);
    expect(errs.join('')).toMatch(/pairs_scores\.csv:2: field "open_correct": .*--threshold/);
  });
});

describe('pairs from MCQ records and judgments', () => {
  const mcqItems = ['a', 'b', 'c'].map((id, i) => Item.parse({ id, format: 'mcq', question: 'q', options: { A: 'x', B: 'y' }, answer: 'A', task: i < 2 ? 'T1' : 'T2' }));
  const openItems = mcqToOpen(mcqItems).items;
  const items = new Map([...mcqItems, ...openItems].map((it) => [it.id, it]));
  const rec = (item_id: string, model: string, status: 'ok' | 'invalid_answer', correct: boolean | null) =>
    ({ item_id, model, status, output: '', extracted: correct === null ? null : correct ? 'A' : 'B', rule: 'bare', answer: 'A', correct });
  const judge = { kind: 'llm', model: 'j', endpoint: 'http://x', params: {}, parser_version: 'p', hash: 'h' };
  const base = { judge, parse_method: 'json_mode', repairs: 0, raw: null, tokens: { input: 0, output: 0 }, cost_usd: 0, latency_ms: 0, requests: 1, cached: false };
  const jd = (item_id: string, model: string, gt: number | null) =>
    Judgment.parse(gt === null ? { ...base, item_id, model, status: 'api_error', error: 'down' } : { ...base, item_id, model, status: 'ok', scores: { ground_truth_correctness: gt, consistency: 3 }, score: gt * 20 });

  it('joins the two forms on pair_id; unreadable answers and failed judgments are missing', () => {
    const { rows, counts } = pairsFromRecords(items, [rec('a', 'm', 'ok', true), rec('b', 'm', 'invalid_answer', null), rec('c', 'm', 'ok', false)], [jd('a#open', 'm', 5), jd('b#open', 'm', 4), jd('c#open', 'm', null)]);
    expect(counts).toMatchObject({ mcq_not_ok: 1, judgment_not_ok: 1, rows: 3 });
    expect(rows.map((r) => [r.pair_id, r.mcq_correct, r.open_correct, r.task])).toEqual([['a', true, 5, 'T1'], ['b', null, 4, 'T1'], ['c', false, null, 'T2']]);
    const res = runConsistency(rows, { threshold: 4 });
    expect(res.models.m).toMatchObject({ n: 1, both: 1, excluded: 2, excluded_ids: ['b', 'c'] });
    expect(pairsToCsv(rows)).toBe('pair_id,model,mcq_correct,open_correct,task,dim_consistency,dim_ground_truth_correctness\na,m,1,5,T1,3,5\nb,m,,4,T1,3,4\nc,m,0,,T2,,\n');
    expect(pairsFromRecords(items, [], [jd('a#open', 'm', 2)], { criterion: 'score' }).rows[0]!.open_correct).toBe(40);
    expect(() => pairsFromRecords(items, [], [jd('a#open', 'm', 2)], { criterion: 'nope' })).toThrow(InputError);
  });
});
