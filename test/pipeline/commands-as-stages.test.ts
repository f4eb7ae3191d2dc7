// Every command is a thin handler over its stage: the same inputs give byte-identical
// `<stage>.json` from `judgekit run` and from the command (stages named after the command's files).
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runExperiment } from '../../src/pipeline/run.ts';
import { main } from '../../src/cli/main.ts';
import { dataset } from '../helpers/datasets.ts';

const root = new URL('../../', import.meta.url).pathname;
const p = (f: string): string => join(root, f);
const FIX = p('test/fixtures/pipeline');
const PANDALM = await dataset('pandalm');
const common = ['--seed', '7', '--bootstrap', '100'];

async function jk(...argv: string[]): Promise<number> {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return await main(argv);
  } finally {
    process.stdout.write = write;
    process.exitCode = undefined;
  }
}

let runDir: string;
let cliDir: string;

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'jk-cmd-stage-'));
  cliDir = join(dir, 'cli');
  const pandalm = join(PANDALM, 'labels.csv');
  await writeFile(
    join(dir, 'exp.yaml'),
    [
      'id: same',
      'seed: 7',
      'bootstrap: 100',
      'stages:',
      `  - { name: mcq, kind: mcq, items: ${p('data/medcmr-sample/cmed.copy.mcq_cate.cleaned.json')}, responses: ${p('data/medcmr-sample/responses.jsonl')} }`,
      `  - { name: judge, kind: judge, items: ${p('data/reformulation-sample/open.jsonl')}, responses: ${FIX}/open-responses.jsonl, rubric: ${p('rubrics/medcmr-v1.yaml')}, judge: { kind: replay, name: verdicts, verdicts: ${FIX}/verdicts.jsonl } }`,
      `  - { name: agreement, kind: agreement, labels: ${pandalm}, level: nominal, judge: gpt-3.5-turbo, exclude_raters: [pandalm-7b] }`,
      `  - { name: winrate, kind: winrate, preferences: ${join(PANDALM, 'preferences.csv')}, majority: [annotator1, annotator2, annotator3], compare: [majority, gpt-3.5-turbo], ties: half }`,
      `  - { name: consistency, kind: consistency, pairs: ${p('data/reformulation-sample/pairs.csv')}, threshold: 50, paired: [[demo-general-7b, demo-medical-7b]] }`,
      `  - { name: tuning, kind: tuning, labels: ${pandalm}, humans: [annotator1, annotator2, annotator3], candidates: [gpt-3.5-turbo, pandalm-7b], level: nominal }`,
      // `winrate --scores` as stage config: the judge stage's judgments, read from the run.
      '  - { name: scores, kind: winrate, judge_stage: { stage: judge }, margin: 1, ties: drop }',
      '',
    ].join('\n'),
  );
  const res = await runExperiment(join(dir, 'exp.yaml'), { reportsDir: join(dir, 'reports'), log: () => {} });
  runDir = res.runDir;
}, 180_000);

const same = async (name: string, cliName = name): Promise<void> => {
  const fromRun = await readFile(join(runDir, `${name}.json`), 'utf8');
  expect(await readFile(join(cliDir, `${cliName}.json`), 'utf8')).toBe(fromRun);
};

describe('a command and its stage write byte-identical results', () => {
  it('mcq', async () => {
    expect(await jk('mcq', '--items', p('data/medcmr-sample/cmed.copy.mcq_cate.cleaned.json'), '--responses', p('data/medcmr-sample/responses.jsonl'), ...common, '--out', cliDir)).toBe(0);
    await same('mcq');
    expect(await readFile(join(cliDir, 'mcq_records.jsonl'), 'utf8')).toBe(await readFile(join(runDir, 'mcq.mcq_records.jsonl'), 'utf8'));
  });

  it('judge (judge.json is the stage\'s shape: the summary, the fingerprint and the spend)', async () => {
    expect(
      await jk('judge', '--items', p('data/reformulation-sample/open.jsonl'), '--responses', `${FIX}/open-responses.jsonl`, '--rubric', p('rubrics/medcmr-v1.yaml'), '--replay', `${FIX}/verdicts.jsonl`, ...common, '--out', cliDir),
    ).toBe(0);
    await same('judge');
    const j = JSON.parse(await readFile(join(cliDir, 'judge.json'), 'utf8'));
    expect(j.fingerprint.model).toBe('verdicts');
    expect(j.by_status).toEqual({ ok: 117, parse_error: 3 });
    expect(await readFile(join(cliDir, 'judgments.jsonl'), 'utf8')).toBe(await readFile(join(runDir, 'judge.judgments.jsonl'), 'utf8'));
  });

  it('agree', async () => {
    expect(await jk('agree', join(PANDALM, 'labels.csv'), '--judge', 'gpt-3.5-turbo', '--exclude-raters', 'pandalm-7b', ...common, '--out', cliDir)).toBe(0);
    await same('agreement');
  });

  it('winrate, from preferences and from a judge\'s scores (--scores)', async () => {
    expect(await jk('winrate', join(PANDALM, 'preferences.csv'), '--majority', 'annotator1,annotator2,annotator3', '--compare', 'majority', 'gpt-3.5-turbo', ...common, '--out', cliDir)).toBe(0);
    await same('winrate');
    const scores = join(cliDir, 'scores');
    expect(await jk('winrate', join(runDir, 'judge.judgments.jsonl'), '--scores', '--margin', '1', '--ties', 'drop', ...common, '--out', scores)).toBe(0);
    expect(await readFile(join(scores, 'winrate.json'), 'utf8')).toBe(await readFile(join(runDir, 'scores.json'), 'utf8'));
  });

  it('consistency', async () => {
    expect(await jk('consistency', p('data/reformulation-sample/pairs.csv'), '--threshold', '50', '--paired', 'demo-general-7b:demo-medical-7b', ...common, '--out', cliDir)).toBe(0);
    await same('consistency');
  });

  it('tune', async () => {
    expect(await jk('tune', join(PANDALM, 'labels.csv'), '--candidates', 'gpt-3.5-turbo,pandalm-7b', '--humans', 'annotator1,annotator2,annotator3', ...common, '--out', cliDir)).toBe(0);
    await same('tuning');
  });
});
