// Defends: report.md, the stages' Markdown and the judge cards carried raw HTML and live links
// from model names, rater names, titles and item ids (55 live elements once rendered by an
// ordinary Markdown renderer). Data is escaped in Markdown.
import { cp, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../../src/pipeline/run.ts';
import { mdCode, mdText } from '../../src/report/escape-md.ts';

const root = new URL('../../', import.meta.url).pathname;

/** What an ordinary renderer (marked, defaults: raw HTML passes, GFM autolinks) makes of Markdown. */
const render = (md: string): string => new Marked({ gfm: true }).parse(md, { async: false }) as string;

/** Elements or attributes that data must never become. */
const LIVE = /<(img|script|iframe|svg|b|u|object|embed)\b|<[a-z][^>]*\son\w+=|<a [^>]*href="(javascript|http|mailto)/gi;

const HOSTILE = {
  mcqModel: '<img src=x onerror=alert(1)>',
  judgeModel: '[click](javascript:alert(3))',
  judgeName: '<script>alert(2)</script>',
  winModel: '<iframe src=javascript:alert(4)></iframe>',
  rater: '**<b>bold</b>**',
  item: 'see https://evil.example/x and <u>me</u>',
};

describe('mdText and mdCode', () => {
  it('leave nothing live in names, links, autolinks and table cells', () => {
    for (const s of [...Object.values(HOSTILE), 'www.evil.example', 'a@b.example', '<http://x.example>', '![i](http://x.example/i.png)', 'a|b', '# heading', '1. list']) {
      const html = render(`| h |\n|---|\n| ${mdText(s)} |\n\n${mdText(s)} and ${mdCode(s)}`);
      expect(html.match(LIVE), s).toBeNull();
      expect(html).not.toContain('<h1');
      expect(html).not.toContain('<ol');
    }
  });

  it('read back as the same text', () => {
    const html = render(mdText('a_b*c* <d> & [e](f) x|y'));
    expect(html).toContain('a_b*c* &lt;d&gt; &amp; [e](f) x|y');
  });
});

it('a run with hostile names writes report.md, stage Markdown and judge cards that render inert', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'jk-sec-md-'));
  const sub = async (src: string, dst: string, pairs: [RegExp, string][]): Promise<void> => {
    let t = await readFile(src, 'utf8');
    for (const [a, b] of pairs) t = t.replace(a, b);
    await writeFile(dst, t);
  };
  const j = (s: string): string => JSON.stringify(s).slice(1, -1);
  await cp(join(root, 'data/medcmr-sample'), join(dir, 'mcq'), { recursive: true });
  await sub(join(root, 'data/medcmr-sample/responses.jsonl'), join(dir, 'mcq/responses.jsonl'), [[/demo-general-7b/g, j(HOSTILE.mcqModel)]]);
  const s = join(root, 'data/simulated/open');
  const judgePairs: [RegExp, string][] = [[/sim-general-4b/g, j(HOSTILE.judgeModel)], [/open-5001/g, j(HOSTILE.item)]];
  await sub(join(s, 'items.jsonl'), join(dir, 'items.jsonl'), judgePairs);
  await sub(join(s, 'responses.jsonl'), join(dir, 'responses.jsonl'), judgePairs);
  await sub(join(s, 'verdicts-sim-judge.jsonl'), join(dir, 'verdicts.jsonl'), judgePairs);
  await sub(join(root, 'data/simulated/human/preferences.csv'), join(dir, 'prefs.csv'), [[/sim-medical-4b/g, HOSTILE.winModel], [/,sim-judge,/g, `,${HOSTILE.rater},`]]);
  await writeFile(
    join(dir, 'exp.yaml'),
    [
      'id: md',
      `title: ${JSON.stringify('<script>alert(5)</script> report')}`,
      'seed: 3',
      'bootstrap: 20',
      'stages:',
      `  - { name: m, kind: mcq, title: ${JSON.stringify('<img src=y onerror=alert(6)>')}, items: mcq/cmed.copy.mcq_cate.cleaned.json, responses: mcq/responses.jsonl }`,
      `  - { name: j, kind: judge, items: items.jsonl, responses: responses.jsonl, rubric: ${join(root, 'rubrics/medcmr-v1.yaml')}, judge: { kind: replay, name: ${JSON.stringify(HOSTILE.judgeName)}, verdicts: verdicts.jsonl } }`,
      `  - { name: w, kind: winrate, preferences: prefs.csv, majority: [rater-1, rater-2, rater-3], raters: [majority, ${JSON.stringify(HOSTILE.rater)}], compare: [majority, ${JSON.stringify(HOSTILE.rater)}], ties: half }`,
      '',
    ].join('\n'),
  );
  const r = await runExperiment(join(dir, 'exp.yaml'), { reportsDir: join(dir, 'reports'), log: () => {} });
  const files = ['report.md', 'm.md', 'j.md', 'w.md', ...(await readdir(join(r.runDir, 'cards'))).filter((f) => f.endsWith('.md')).map((f) => join('cards', f))];
  const leaks: string[] = [];
  for (const f of files) {
    const html = render(await readFile(join(r.runDir, f), 'utf8'));
    for (const m of html.match(LIVE) ?? []) leaks.push(`${f}: ${m}`);
  }
  expect(leaks).toEqual([]);
  // The names are still there, as text.
  const report = render(await readFile(join(r.runDir, 'report.md'), 'utf8'));
  expect(report).toContain('&lt;img src=x onerror=alert(1)&gt;');
});
