import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, readdir, symlink, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CORRECTED_DIMENSION, DEFAULT_SIMULATION, simulateMedCmr, medcmrScore, ratingDistribution } from '../../src/simulate/medcmr.ts';
import { evaluate, renderTruthSection } from '../../src/simulate/truth-report.ts';
import { runExperiment } from '../../src/pipeline/run.ts';
import { hashFile } from '../../src/io/hash.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/judgekit.js');
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

describe('judgekit simulate', () => {
  it('the committed data/simulated is exactly what `simulate --seed 20260101` writes, marked synthetic everywhere', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'jk-sim-')), 'sim');
    const p = run(['simulate', '--seed', '20260101', '--out', out, '--json']);
    expect(p.status, p.stderr).toBe(0);
    const files = (JSON.parse(p.stdout) as { files: string[] }).files.filter((f) => f !== 'manifest.json');
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) expect((await hashFile(join(out, f))).sha256, f).toBe((await hashFile(join(ROOT, 'data/simulated', f))).sha256);
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toMatch(/^---\nsynthetic: true\n---\n# SYNTHETIC/);
    expect(JSON.parse(readFileSync(join(out, 'truth.json'), 'utf8')).synthetic).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).synthetic).toBe(true);
    const resp = readFileSync(join(out, 'mcq/responses.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(resp.every((r) => r.meta.synthetic === true && typeof r.meta.size === 'number')).toBe(true);
  });

  it('the same seed gives the same study, another seed another; options shape it', () => {
    const a = simulateMedCmr({ ...DEFAULT_SIMULATION, seed: 5, items: 14, models: 4 });
    const b = simulateMedCmr({ ...DEFAULT_SIMULATION, seed: 5, items: 14, models: 4 });
    const c = simulateMedCmr({ ...DEFAULT_SIMULATION, seed: 6, items: 14, models: 4 });
    expect([...a.files]).toEqual([...b.files]);
    expect(a.files.get('mcq/responses.jsonl')).not.toBe(c.files.get('mcq/responses.jsonl'));
    const release = JSON.parse(a.files.get('mcq/cmed.copy.mcq_cate.cleaned.json')!) as Record<string, unknown>[];
    expect(release).toHaveLength(14);
    expect(new Set(release.map((r) => r.task))).toEqual(new Set(['SOD', 'FDD', 'SU', 'TP', 'CR', 'LTG', 'MSI']));
    for (const k of ['index', 'question', 'image_path', 'A', 'B', 'C', 'D', 'E', 'answer', 'visual_description', 'subtype', 'question type', 'modality', 'organ system']) expect(release[0]).toHaveProperty(k);
    expect(Object.keys(a.truth.mcq.accuracy)).toEqual(['sim-general-4b', 'sim-medical-4b', 'sim-general-8b', 'sim-medical-8b']);
  });

  it('bad options are user errors (exit 2); a folder with foreign files is not overwritten', async () => {
    expect(run(['simulate', '--seed', '1', '--out', join(tmpdir(), 'x'), '--models', '9']).status).toBe(2);
    expect(run(['simulate', '--seed', 'abc', '--out', join(tmpdir(), 'x')]).status).toBe(2);
    const dir = await mkdtemp(join(tmpdir(), 'jk-sim-'));
    await writeFile(join(dir, 'mine.txt'), 'keep me');
    const p = run(['simulate', '--seed', '1', '--out', dir]);
    expect(p.status).toBe(2);
    expect(p.stderr).toMatch(/did not write/);
    expect(await readdir(dir)).toEqual(['mine.txt']);
  });
});

describe('the truths are the expectations of what the simulation draws (Monte Carlo over seeds)', () => {
  it('expected MCQ accuracy, judge win ratios and swap flip rate match the average realised values over 60 seeds', () => {
    const R = 60;
    let acc = 0, accTruth = 0, flip = 0, flipTruth = 0;
    for (let seed = 1; seed <= R; seed++) {
      const s = simulateMedCmr({ seed, items: 14, models: 2, humanItems: 7, preferenceItems: 7 });
      const pairs = parse(s.files.get('pairs.csv')!, { columns: true }) as Record<string, string>[];
      const mine = pairs.filter((r) => r.model === 'sim-general-4b');
      acc += mine.filter((r) => r.mcq_correct === '1').length / mine.length;
      accTruth += s.truth.mcq.accuracy['sim-general-4b']!;
      const d = JSON.parse(s.files.get('swap/verdicts.json')!).sets['simulated/open-pairs'];
      const v = d.judges['sim-judge-lite/pairwise'];
      let n = 0, f = 0;
      v.swap_false.forEach((a: number | null, i: number) => {
        const b = v.swap_true[i];
        if (a && b) (n++, (f += a !== b ? 1 : 0));
      });
      flip += f / n;
      flipTruth += s.truth.swap['sim-judge-lite/pairwise']!.flip_rate;
    }
    // standard errors over 60 seeds are about 0.01 and 0.015
    expect(Math.abs(acc / R - accTruth / R)).toBeLessThan(0.035);
    expect(Math.abs(flip / R - flipTruth / R)).toBeLessThan(0.045);
  });

  it("the corrected-scores truth: each model's expected gold mean over all items and the judge's expected mean match the realised means over 80 seeds", () => {
    // Every item labelled, so the realised gold mean over ALL items (the estimand of PPI) can be seen.
    const R = 80;
    const models = ['sim-general-4b', 'sim-medical-4b'];
    const diff = { gold: [0, 0], judge: [0, 0], planted: [0, 0] };
    for (let seed = 1; seed <= R; seed++) {
      const s = simulateMedCmr({ seed, items: 14, models: 2, humanItems: 14, preferenceItems: 7 });
      const labels = parse(s.files.get('human/labels.csv')!, { columns: true }) as Record<string, string>[];
      const verdicts = s.files.get('open/verdicts-sim-judge.jsonl')!.trim().split('\n').map((l) => JSON.parse(l));
      const truth = s.truth.corrected.by_dimension[CORRECTED_DIMENSION]!;
      models.forEach((m, k) => {
        const mine = labels.filter((r) => r.model === m && r.dimension === CORRECTED_DIMENSION);
        expect(new Set(mine.map((r) => r.item_id)).size).toBe(14);
        const gold = mean([...new Set(mine.map((r) => r.item_id))].map((i) => mean(mine.filter((r) => r.item_id === i).map((r) => Number(r.value)))));
        const judged = verdicts.filter((v) => v.model === m && v.status === 'ok').map((v) => v.scores[CORRECTED_DIMENSION] as number);
        diff.gold[k]! += (gold - truth.human_mean[m]!) / R;
        diff.judge[k]! += (mean(judged) - truth.judge_mean[m]!) / R;
        diff.planted[k]! += (truth.judge_mean[m]! - truth.human_mean[m]!) / R;
      });
      // every rating carries its item's task, the strata column of the corrected study
      const task = new Map(s.files.get('open/items.jsonl')!.trim().split('\n').map((l) => JSON.parse(l)).map((it) => [it.id, it.task]));
      expect(labels.every((r) => r.task === task.get(r.item_id))).toBe(true);
    }
    // standard errors of these averages over 80 seeds: about 0.012 (gold) and 0.016 (judge)
    for (const k of [0, 1]) {
      expect(Math.abs(diff.gold[k]!)).toBeLessThan(0.045);
      expect(Math.abs(diff.judge[k]!)).toBeLessThan(0.055);
    }
    // and the truth shows the planted bias: none on the general model, about +0.35 on the medical one
    expect(Math.abs(diff.planted[0]!)).toBeLessThan(0.05);
    expect(diff.planted[1]!).toBeGreaterThan(0.25);
  });

  it('the rating distribution and the Med-CMR aggregate', () => {
    const p = ratingDistribution(3.2, 0.5);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    // P(round(3.2 + N(0, 0.25)) = 3) = Φ(0.6) − Φ(−1.4)
    expect(p[2]).toBeCloseTo(0.7257468822 - 0.0807566592, 8);
    expect(medcmrScore([5, 5, 5, 5])).toBe(100);
    expect(medcmrScore([1, 1, 1, 1])).toBe(0);
    expect(medcmrScore([5, 5, 1, 1])).toBe(20); // weights 1/1/4/4
  });
});

describe('truth sections', () => {
  it('evaluate walks paths, finds array rows, takes differences and means; a missing place is undefined', () => {
    const r = { a: { b: { value: 0.5, ci_low: 0.4 } }, rows: [{ judge: 'x', s: 2 }, { judge: 'y', s: 4 }], m: { p: 1, q: 3 } };
    expect(evaluate(r, { path: ['a', 'b'] })).toBe(0.5);
    expect(evaluate(r, { path: ['rows', { find: 'judge', equals: 'y' }, 's'] })).toBe(4);
    expect(evaluate(r, { minus: [{ path: ['m', 'q'] }, { mean: [{ path: ['m', 'p'] }, { path: ['m', 'q'] }] }] })).toBe(1);
    expect(evaluate(r, { path: ['a', 'nowhere'] })).toBeUndefined();
    const md = renderTruthSection({ title: 't', checks: [{ quantity: 'q', truth: 0.45, estimate: { path: ['a', 'b'] }, interval: [{ path: ['a', 'b', 'ci_low'] }, { path: ['a', 'b', 'ci_high'] }] }, { quantity: 'w', truth: 'x', estimate: { path: ['rows', 0, 'judge'] } }] }, r);
    expect(md).toContain('| q | 0.500 | 0.400 – — | 0.450 |  |');
    expect(md).toContain('| w | x |  | x | same |');
    expect(md).not.toContain('The truth lies inside'); // no complete interval: nothing to count
    // grouped checks are counted per group (an estimator meant to miss beside those meant to cover)
    const iv = (lo: number, hi: number) => ({ estimate: { path: ['x'] }, interval: [{ path: ['lo', lo] }, { path: ['hi', hi] }] as [{ path: (string | number)[] }, { path: (string | number)[] }] });
    const g = renderTruthSection(
      { title: 'g', checks: [{ quantity: 'a', truth: 1, group: 'naive', ...iv(0, 0) }, { quantity: 'b', truth: 1, group: 'corrected', ...iv(0, 1) }, { quantity: 'c', truth: 5, group: 'corrected', ...iv(1, 1) }] },
      { x: 1, lo: [0, 2], hi: [0.5, 3] },
    );
    expect(g).toContain('- naive: 0 of 1 intervals\n- corrected: 1 of 2 intervals');
  });

  it('the default experiment runs every stage on the simulated study, offline, and every truth row finds its estimate', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jk-default-'));
    await cp(join(ROOT, 'experiments/default.yaml'), join(dir, 'experiments/default.yaml'));
    await writeFile(join(dir, 'experiments/default.yaml'), (await readFile(join(dir, 'experiments/default.yaml'), 'utf8')).replace(/^bootstrap: \d+$/m, 'bootstrap: 100').replace(/^    bootstrap: \d+$/gm, '    bootstrap: 50'));
    for (const d of ['data', 'rubrics']) await symlink(join(ROOT, d), join(dir, d));
    const res = await runExperiment(join(dir, 'experiments/default.yaml'), { reportsDir: join(dir, 'reports'), cacheDir: join(dir, 'cache'), log: () => {} });
    const manifest = JSON.parse(await readFile(join(res.runDir, 'manifest.json'), 'utf8'));
    const stages = Object.entries(manifest.stages as Record<string, { status: string }>);
    expect(stages.map(([n]) => n)).toEqual(['mcq', 'judge-sim', 'judge-sim-lite', 'judge-sim-labelled', 'judge-validation', 'corrected-scores', 'win-ratios', 'swap-consistency', 'mcq-open-consistency', 'judge-tuning']);
    for (const [name, st] of stages) expect(st.status, name).toBe('done');
    const truth = JSON.parse(readFileSync(join(ROOT, 'data/simulated/truth.json'), 'utf8'));
    const report = await readFile(join(res.runDir, 'report.md'), 'utf8');
    for (const [section, body] of Object.entries(truth.checks as Record<string, { title: string; checks: unknown[] }>)) {
      expect(report).toContain(`### Truth (simulated data): ${body.title}`);
      expect(body.checks.length, section).toBeGreaterThan(0);
    }
    // every estimate was found (no "—" in an estimate cell)
    const truthRows = report.split('### Truth').slice(1).flatMap((s) => s.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| quantity')));
    expect(truthRows.length).toBeGreaterThan(100);
    for (const l of truthRows) expect(l.split('|')[2]!.trim(), l).not.toBe('—');
    expect(report).toMatch(/The truth lies inside \d+ of 6 intervals/);
    // Judge-corrected scores (seed 20260101, as the README reports them): the judge alone misses the
    // true human-scale score of each medical model, the judge favouring them by design; PPI++ and
    // stratified PPI (every unlabelled unit has its task from the judge stage's items) cover every model's.
    const corr = JSON.parse(await readFile(join(res.runDir, 'corrected-scores.json'), 'utf8')) as { models: Record<string, Record<string, { ci_low: number; ci_high: number } | null> & { n_labelled: number; n_unlabelled: number }> };
    const human = truth.corrected.by_dimension.ground_truth_correctness.human_mean as Record<string, number>;
    const covers = (m: string, k: string) => corr.models[m]![k]!.ci_low <= human[m]! && human[m]! <= corr.models[m]![k]!.ci_high;
    expect(Object.keys(corr.models).sort()).toEqual(Object.keys(human).sort());
    const verdicts = readFileSync(join(ROOT, 'data/simulated/open/verdicts-sim-judge.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { model: string; status: string });
    for (const m of Object.keys(human)) {
      // every unit the judge scored is used: labelled or unlabelled
      expect(corr.models[m]!.n_labelled + corr.models[m]!.n_unlabelled, m).toBe(verdicts.filter((v) => v.model === m && v.status === 'ok').length);
      for (const k of ['human_only', 'ppi_plus_plus', 'stratified_ppi']) expect(covers(m, k), `${m} ${k}`).toBe(true);
      expect(covers(m, 'judge_naive'), m).toBe(!m.includes('medical'));
      const strata = (corr.models[m]!.stratified_ppi as unknown as { strata: Record<string, { n_labelled: number; n_unlabelled: number }> }).strata;
      expect(Object.keys(strata).sort()).toEqual(['CR', 'FDD', 'LTG', 'MSI', 'SOD', 'SU', 'TP']);
      expect(Object.values(strata).reduce((a, x) => a + x.n_unlabelled, 0), m).toBe(corr.models[m]!.n_unlabelled);
    }
    expect(report).toMatch(/- judge alone: 3 of 6 intervals\n- humans alone: 6 of 6 intervals\n- PPI\+\+: 6 of 6 intervals\n- stratified PPI \(by task\): 6 of 6 intervals/);
    // The MCQ reader read every messy reply as the simulation meant it: its correct and invalid
    // counts are the simulation's own (pairs.csv: 1 correct, 0 wrong, empty = unreadable).
    const mcq = JSON.parse(await readFile(join(res.runDir, 'mcq.json'), 'utf8')) as { models: Record<string, { correct: number; invalid: number }> };
    const pairs = parse(readFileSync(join(ROOT, 'data/simulated/pairs.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    for (const [m, r] of Object.entries(mcq.models)) {
      const mine = pairs.filter((p) => p.model === m);
      expect([r.correct, r.invalid], m).toEqual([mine.filter((p) => p.mcq_correct === '1').length, mine.filter((p) => p.mcq_correct === '').length]);
    }
  }, 300_000);
});
