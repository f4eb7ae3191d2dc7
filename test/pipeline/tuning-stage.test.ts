import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../../src/pipeline/run.ts';
import { readLabels } from '../../src/io/records.ts';
import { runTuning } from '../../src/studies/tuning.ts';
import { InputError } from '../../src/io/errors.ts';
import { dataset } from '../helpers/datasets.ts';

const root = new URL('../../', import.meta.url).pathname;
const p = (s: string) => join(root, s);
const sottana = await dataset('sottana');
const dims = ['summarization/relevance', 'summarization/fluency', 'summarization/coherence', 'summarization/consistency'];

describe('tuning stage', () => {
  it('takes a candidate from an earlier judge stage of the same run: the same numbers as the same ratings read as labels', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jk-tune-'));
    await writeFile(
      join(dir, 'exp.yaml'),
      [
        'id: tune',
        'seed: 3',
        'bootstrap: 60',
        'stages:',
        '  - name: judge-v1',
        '    kind: judge',
        `    items: ${join(sottana, 'summarization/items.jsonl')}`,
        `    responses: ${join(sottana, 'summarization/responses.jsonl')}`,
        `    rubric: ${p('rubrics/sottana-summarization-v1.yaml')}`,
        `    judge: { kind: replay, name: gpt-4, verdicts: ${join(sottana, 'summarization/verdicts-gpt-4.jsonl')} }`,
        '  - name: tune',
        '    kind: tuning',
        `    labels: ${join(sottana, 'labels.csv')}`,
        '    columns: { item: item_id, rater: rater, value: value, dimension: dimension }',
        `    dimensions: [${dims.join(', ')}]`,
        '    level: interval',
        '    humans: ["57e2b", "5995e", "61102"]',
        '    candidates: [{ name: v1, stage: judge-v1, dimension_prefix: summarization/ }]',
        `    rubric: ${p('rubrics/sottana-summarization-v1.yaml')}`,
        '    split: { method: holdout, test_fraction: 0.25 }',
        '',
      ].join('\n'),
    );
    const run = await runExperiment(join(dir, 'exp.yaml'), { reportsDir: join(dir, 'reports'), log: () => {} });
    const staged = JSON.parse(await readFile(join(run.runDir, 'tune.json'), 'utf8'));
    // the replayed judgments are GPT-4's ratings, which the label file also holds as rater gpt-4
    const labels = (await readLabels(join(sottana, 'labels.csv'), { dimension: 'dimension' })).filter((l) => dims.includes(l.dimension!));
    const direct = runTuning(
      labels.map((l) => (l.rater === 'gpt-4' ? { ...l, rater: 'v1' } : l)),
      { candidates: ['v1'], humans: ['57e2b', '5995e', '61102'], level: 'interval', split: { method: 'holdout', test_fraction: 0.25 }, seed: 3, resamples: 60, correlationThreshold: 0.8 },
    );
    expect(staged.split).toEqual(direct.split);
    expect(staged.evaluation).toEqual(JSON.parse(JSON.stringify(direct.evaluation)));
    expect(staged.diagnostics[0].correlations).toEqual(JSON.parse(JSON.stringify(direct.diagnostics[0]!.correlations)));
    expect(staged.diagnostics[0].weights.rankings[0].name).toBe('rubric');
    expect(await readFile(join(run.runDir, 'tune.md'), 'utf8')).toContain('Held-out split (seed 3)');
  });

  it('a candidate stage without a ledger is an input error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jk-tune-'));
    await writeFile(
      join(dir, 'exp.yaml'),
      ['id: t2', 'stages:', '  - name: tune', '    kind: tuning', `    labels: ${join(await dataset('pandalm'), 'labels.csv')}`, '    humans: [annotator1, annotator2]', '    candidates: [{ name: v1, stage: nowhere }]', ''].join('\n'),
    );
    await expect(runExperiment(join(dir, 'exp.yaml'), { reportsDir: join(dir, 'reports'), log: () => {} })).rejects.toThrow(InputError);
  });
});
