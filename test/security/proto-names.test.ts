// Defends: a model or rater named `__proto__` (or `constructor`, `toString`) vanished from the
// JSON of mcq, judge and winrate when names were keys of plain objects; its paid judgments were
// lost from the summary. Every name must appear.
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runExperiment } from '../../src/pipeline/run.ts';

const root = new URL('../../', import.meta.url).pathname;

async function rename(src: string, dst: string, from: RegExp, to: string): Promise<void> {
  await writeFile(dst, (await readFile(src, 'utf8')).replace(from, to));
}

it('keeps models and raters named __proto__ and constructor in mcq.json, judge.json and winrate.json', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'jk-sec-proto-'));
  await cp(join(root, 'data/medcmr-sample'), join(dir, 'mcq'), { recursive: true });
  await rename(join(root, 'data/medcmr-sample/responses.jsonl'), join(dir, 'mcq/responses.jsonl'), /demo-general-7b/g, '__proto__');
  const s = join(root, 'data/simulated/open');
  await cp(join(s, 'items.jsonl'), join(dir, 'items.jsonl'));
  await rename(join(s, 'responses.jsonl'), join(dir, 'responses.jsonl'), /sim-general-4b/g, '__proto__');
  await rename(join(s, 'verdicts-sim-judge.jsonl'), join(dir, 'verdicts.jsonl'), /sim-general-4b/g, '__proto__');
  await rename(join(root, 'data/simulated/human/preferences.csv'), join(dir, 'prefs.csv'), /sim-medical-4b/g, '__proto__');
  await writeFile(join(dir, 'prefs.csv'), (await readFile(join(dir, 'prefs.csv'), 'utf8')).replace(/,sim-judge,/g, ',constructor,'));
  await writeFile(
    join(dir, 'exp.yaml'),
    [
      'id: proto',
      'seed: 3',
      'bootstrap: 20',
      'stages:',
      '  - { name: m, kind: mcq, items: mcq/cmed.copy.mcq_cate.cleaned.json, responses: mcq/responses.jsonl }',
      `  - { name: j, kind: judge, items: items.jsonl, responses: responses.jsonl, rubric: ${join(root, 'rubrics/medcmr-v1.yaml')}, judge: { kind: replay, name: __proto__, verdicts: verdicts.jsonl } }`,
      '  - { name: w, kind: winrate, preferences: prefs.csv, majority: [rater-1, rater-2, rater-3], raters: [majority, constructor], compare: [majority, constructor], ties: half }',
      '',
    ].join('\n'),
  );
  const r = await runExperiment(join(dir, 'exp.yaml'), { reportsDir: join(dir, 'reports'), log: () => {} });
  const read = async (f: string): Promise<any> => JSON.parse(await readFile(join(r.runDir, f), 'utf8'));
  const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

  const mcq = await read('m.json');
  expect(own(mcq.models, '__proto__')).toBe(true);
  expect(mcq.models.__proto__ === Object.prototype).toBe(false);
  expect(Object.keys(mcq.models).sort()).toContain('__proto__');

  const judge = await read('j.json');
  expect(own(judge.models ?? judge.summary?.models ?? {}, '__proto__')).toBe(true);

  const win = await read('w.json');
  const text = JSON.stringify(win);
  expect(text).toContain('"__proto__"');
  expect(text).toContain('"constructor"');
});
