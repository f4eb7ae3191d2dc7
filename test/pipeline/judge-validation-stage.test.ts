// A live judge validated against humans inside one experiment: a judge stage through the real SDK
// to the local server, then an agreement stage that takes the judge's judgments as a rater.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExperiment } from '../../src/pipeline/run.ts';
import { readLabels, readJudgments } from '../../src/io/index.ts';
import { OpenAIServer, autoVerdict, candidateOf, type RecordedRequest } from '../helpers/openai-server.ts';
import { dataset } from '../helpers/datasets.ts';

const root = new URL('../../', import.meta.url).pathname;
const sottana = await dataset('sottana');
const data = join(sottana, 'summarization');
let server: OpenAIServer;
beforeAll(async () => {
  // T0pp's summaries get unreadable verdicts: they must become failed ratings, never scores.
  server = await OpenAIServer.start({
    handler: (req: RecordedRequest) => (candidateOf(req)?.startsWith('MARK-T0PP') ? { kind: 'content', content: 'Scores: see above.' } : autoVerdict(req)),
  });
});
afterAll(async () => {
  await server.close();
});

describe('an agreement stage validating a judge stage of the same run', () => {
  it('adds the judge as a rater, counts its failed judgments apart, and runs the judge-validation study', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jk-jv-'));
    const items = (await readFile(join(data, 'items.jsonl'), 'utf8')).trim().split('\n').slice(0, 12);
    const ids = new Set(items.map((l) => JSON.parse(l).id as string));
    await writeFile(join(dir, 'items.jsonl'), items.join('\n') + '\n');
    const responses = (await readFile(join(data, 'responses.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((r) => ids.has(r.item_id))
      .map((r) => (r.model === 'bigscience/T0pp' ? { ...r, output: `MARK-T0PP ${r.output}` } : r));
    await writeFile(join(dir, 'responses.jsonl'), responses.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const human = (await readLabels(join(sottana, 'labels.csv'))).filter((l) => ids.has(l.item_id) && l.rater !== 'gpt-4' && l.dimension!.startsWith('summarization/'));
    await writeFile(join(dir, 'labels.csv'), ['item_id,rater,value,dimension,model', ...human.map((l) => [l.item_id, l.rater, l.value, l.dimension, l.model].join(','))].join('\n') + '\n');
    await writeFile(
      join(dir, 'exp.yaml'),
      [
        'id: jv',
        'bootstrap: 100',
        'stages:',
        '  - name: live-judge',
        '    kind: judge',
        '    items: items.jsonl',
        '    responses: responses.jsonl',
        `    rubric: ${join(root, 'rubrics/sottana-summarization-v1.yaml')}`,
        `    judge: { kind: llm, max_repairs: 0, endpoint: { base_url: "${server.url}", model: local-judge, output_mode: json_mode, max_retries: 1 } }`,
        '  - name: validate',
        '    kind: agreement',
        '    labels: labels.csv',
        '    columns: { item: item_id, rater: rater, value: value, dimension: dimension }',
        '    level: interval',
        '    judge_stage: { stage: live-judge, dimension_prefix: summarization/ }',
        '',
      ].join('\n'),
    );
    await runExperiment(join(dir, 'exp.yaml'), { reportsDir: join(dir, 'reports'), cacheDir: join(dir, 'cache'), log: () => {} });
    const runDir = join(dir, 'reports', 'jv');
    const judgments = await readJudgments(join(runDir, 'live-judge.judgments.jsonl'));
    const failed = judgments.filter((j) => j.status !== 'ok');
    expect(failed).toHaveLength(12);
    expect(failed.every((j) => j.status === 'parse_error' && j.model === 'bigscience/T0pp')).toBe(true);

    const out = JSON.parse(await readFile(join(runDir, 'validate.json'), 'utf8'));
    expect(out.raters).toContain('local-judge');
    expect(out.failures['local-judge']).toBe(12 * 4); // one failed rating per criterion
    expect(out.judge_validation.judge).toBe('local-judge');
    for (const dim of ['relevance', 'fluency', 'coherence', 'consistency']) {
      const d = out.dimensions[`summarization/${dim}`];
      expect(d.judge_validation).toBeDefined();
      expect(d.n_items).toBe(12);
    }
    const manifest = JSON.parse(await readFile(join(runDir, 'manifest.json'), 'utf8'));
    expect(manifest.stages.validate.counts.parse_error).toBe(48);

    // the judge's ratings in the study are exactly its judgments' scores
    const ok = judgments.find((j) => j.status === 'ok')!;
    expect(ok.status === 'ok' && Object.keys(ok.scores).sort()).toEqual(['coherence', 'consistency', 'fluency', 'relevance']);
  });
});
