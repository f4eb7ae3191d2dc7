// The corrected stage in a run: a replayed judge stage (GPT-4's recorded Sottana ratings) corrected
// by human labels on 30 of the 100 articles; the same numbers as the reference on the same data.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../../src/pipeline/run.ts';
import { loadExperiment } from '../../src/pipeline/config.ts';
import { spawnJudgekit } from '../helpers/cli.ts';
import { dataset } from '../helpers/datasets.ts';
import { sottanaRelevance } from '../fixtures/ppi/sottana.ts';

const root = new URL('../../', import.meta.url).pathname;
const fx = join(root, 'test/fixtures/ppi');
const golden = JSON.parse(await readFile(join(fx, 'golden.json'), 'utf8'));

describe('a corrected stage on a judge stage of the same run', () => {
  it('takes the judge stage as the judge and matches the reference', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jk-corr-'));
    const humans = (await readFile(await sottanaRelevance(golden.sottana.kept_items), 'utf8')).split('\n').filter((l) => l && !l.includes(',gpt-4,'));
    await writeFile(join(dir, 'labels.csv'), humans.join('\n') + '\n');
    const d = join(await dataset('sottana'), 'summarization');
    await writeFile(
      join(dir, 'exp.yaml'),
      [
        'id: corr',
        `seed: ${golden.sottana.seed}`,
        `bootstrap: ${golden.sottana.bootstrap}`,
        'stages:',
        '  - name: replay',
        '    kind: judge',
        `    items: ${d}/items.jsonl`,
        `    responses: ${d}/responses.jsonl`,
        `    rubric: ${root}rubrics/sottana-summarization-v1.yaml`,
        `    judge: { kind: replay, name: gpt-4, verdicts: ${d}/verdicts-gpt-4.jsonl }`,
        '  - name: corrected',
        '    kind: corrected',
        '    labels: labels.csv',
        '    judge_stage: { stage: replay, name: gpt-4-replay, dimension_prefix: summarization/ }',
        '    dimension: summarization/relevance',
        `    threshold: ${golden.sottana.threshold}`,
        `    plan_width: ${golden.sottana.width}`,
        '',
      ].join('\n'),
    );
    await runExperiment(join(dir, 'exp.yaml'), { reportsDir: join(dir, 'reports'), cacheDir: join(dir, 'cache'), log: () => {} });
    const runDir = join(dir, 'reports', 'corr');
    const out = JSON.parse(await readFile(join(runDir, 'corrected.json'), 'utf8'));
    expect(out.judge).toBe('gpt-4-replay');
    for (const [m, g] of Object.entries(golden.sottana.models as Record<string, any>)) {
      for (const k of ['human_only', 'judge_naive', 'ppi', 'ppi_plus_plus']) {
        for (const f of ['value', 'ci_low', 'ci_high']) expect(Math.abs(out.models[m][k][f] - g[k][f])).toBeLessThanOrEqual(1e-9);
      }
      expect(out.models[m].n_labelled).toBe(g.n_labelled);
      expect(out.models[m].n_unlabelled).toBe(g.n_unlabelled);
    }
    const manifest = JSON.parse(await readFile(join(runDir, 'manifest.json'), 'utf8'));
    expect(manifest.stages.corrected.counts.labelled).toBe(120);
    expect(await readFile(join(runDir, 'corrected.md'), 'utf8')).toContain('Ranking under each estimate');
    // the judge card gains the judge's bias per model, copied from the stage
    const card = JSON.parse(await readFile(join(runDir, 'cards', 'gpt-4-replay.json'), 'utf8'));
    const row = card.bias.per_model.items.find((b: any) => b.model === 'gold_reference');
    expect(row.bias).toEqual(out.models.gold_reference.bias);
    expect(row.corrected).toEqual(out.models.gold_reference.ppi_plus_plus);
    expect(await readFile(join(runDir, 'cards', 'gpt-4-replay.md'), 'utf8')).toMatch(/### Score bias per model[\s\S]*\| corrected \| gold_reference \| 30 \|/);
  });

  it('refuses unknown keys and a stage with both judge and judge_stage, naming the line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jk-corr-'));
    const cfg = (extra: string) => ['id: x', 'stages:', '  - name: c', '    kind: corrected', '    labels: l.csv', extra, ''].join('\n');
    await writeFile(join(dir, 'a.yaml'), cfg('    judge: j\n    thresold: 3'));
    await expect(loadExperiment(join(dir, 'a.yaml'))).rejects.toThrow(/a.yaml:7: field "stages.0.thresold": unknown key "thresold"/); // the key's own line
    await writeFile(join(dir, 'b.yaml'), cfg('    judge: j\n    judge_stage: { stage: s }'));
    await expect(loadExperiment(join(dir, 'b.yaml'))).rejects.toThrow(/either judge or judge_stage/);
  });
});

describe('judgekit correct', () => {
  it('prints the JSON contract and exits 0; exits 2 naming the missing judge', async () => {
    const ok = await spawnJudgekit(['correct', join(fx, 'sim-scores.csv'), '--judge', 'judge', '--strata', 'task', '--threshold', '62', '--json', '--bootstrap', '0']).done;
    expect(ok.code).toBe(0);
    const r = JSON.parse(ok.stdout);
    const m = r.models['m-gen'];
    for (const k of ['human_only', 'judge_naive', 'ppi', 'ppi_plus_plus', 'stratified_ppi', 'rogan_gladen']) expect(Object.keys(m[k])).toEqual(expect.arrayContaining(['value', 'ci_low', 'ci_high']));
    expect(m.ppi_plus_plus.lambda).toBeCloseTo(golden.sim_scores.models['m-gen'].ppi_plus_plus.lambda, 12);
    expect(m.rogan_gladen).toHaveProperty('sensitivity');
    expect(m.rogan_gladen).toHaveProperty('specificity');
    expect(m).toHaveProperty('n_labelled', 48);
    expect(m).toHaveProperty('n_unlabelled', 192);
    const bad = await spawnJudgekit(['correct', join(fx, 'sim-scores.csv'), '--judge', 'nobody']).done;
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/sim-scores.csv: no rater "nobody"/);
  });
});
