import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildHtmlReport, chartsForStage, escapeHtml, markdownToHtml, parseModelSize } from '../../src/report/index.ts';
import { sizeCorrelation } from '../../src/report/charts.ts';
import { prefixSvgIds } from '../../src/report/render-svg.ts';
import { readResponses } from '../../src/io/records.ts';
import { renderRunReport } from '../../src/pipeline/report.ts';
import { main } from '../../src/cli/main.ts';
import type { RunManifest } from '../../src/schema/index.ts';

const FIX = 'test/fixtures/report';
const RUN = join(FIX, 'run');
const json = async (p: string): Promise<any> => JSON.parse(await readFile(p, 'utf8'));
/** The inline data of a Vega-Lite spec (top level or a layer's own). */
const dataOf = (spec: any): any[] => spec.data?.values ?? [];

let tmp = '';
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'judgekit-report-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function copyRun(name: string): Promise<string> {
  const dir = join(tmp, name);
  await cp(RUN, dir, { recursive: true });
  return dir;
}

describe('report.html of the fixture run', () => {
  let report: Awaited<ReturnType<typeof buildHtmlReport>>;
  beforeAll(async () => {
    report = await buildHtmlReport(RUN);
  }, 30_000);

  it('draws the charts each stage kind has data for, and says nothing is missing', () => {
    expect(report.charts.map((c) => c.id)).toEqual([
      'mcq-accuracy', 'mcq-task', 'mcq-modality', 'mcq-size',
      'judge-score', 'judge-criteria', 'judge-status', 'judge-size',
      'agreement-agreement', 'agreement-pairs', 'agreement-judge-validation', 'agreement-confusion',
      'winrate-winratio', 'winrate-winratio-scatter', 'winrate-compare',
      'consistency-tables', 'consistency-paired',
    ]);
    expect(report.notes).toEqual([]);
  });

  it('is one self-contained page: every chart an inline SVG, nothing loaded from anywhere', () => {
    const h = report.html;
    const figures = h.match(/<figure class="chart"/g) ?? [];
    expect(figures.length).toBe(report.charts.length);
    expect(h).toContain(`<meta name="judgekit-charts" content="${report.charts.length}">`);
    for (const c of report.charts) expect(h).toMatch(new RegExp(`data-chart="${c.id}">\\s*<h3>[^<]+</h3>\\s*<div class="chart-svg"><svg `));
    expect(h).not.toMatch(/<script|<link|<iframe|<img|@import|url\(http/i);
    expect(h).not.toMatch(/\s(src|href)="(https?:)?\/\//i);
    // One table of contents entry per stage and per chart, each pointing at an id on the page.
    for (const c of report.charts) {
      expect(h).toContain(`href="#${c.id}"`);
      expect(h).toContain(`id="${c.id}"`);
    }
    // Clip-path ids are unique across the inline SVGs.
    const ids = [...h.matchAll(/<clipPath id="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('charts the numbers of the stage JSON as they are, recomputing nothing', async () => {
    const mcq = await json(join(RUN, 'mcq.json'));
    const acc = chartsForStage('mcq', 'mcq', mcq).charts.find((c) => c.id === 'mcq-accuracy')!;
    const rows = dataOf(acc.spec);
    expect(rows).toHaveLength(Object.keys(mcq.models).length);
    for (const r of rows) {
      expect(r.value).toBe(mcq.models[r.label].accuracy);
      expect(r.lo).toBe(mcq.models[r.label].ci_low);
      expect(r.hi).toBe(mcq.models[r.label].ci_high);
    }
    // Sorted by accuracy, best first.
    expect(rows.map((r) => r.value)).toEqual([...rows.map((r) => r.value)].sort((a, b) => b - a));
    const task = chartsForStage('mcq', 'mcq', mcq).charts.find((c) => c.id === 'mcq-task')!;
    for (const c of dataOf(task.spec)) {
      expect(c.value).toBe(c.x === 'All' ? mcq.models[c.y].accuracy : mcq.models[c.y].by_task[c.x].accuracy);
    }

    const wr = await json(join(RUN, 'winrate.json'));
    const scatter = chartsForStage('winrate', 'winrate', wr).charts.find((c) => c.id === 'winrate-winratio-scatter')!;
    const pts = dataOf(scatter.spec);
    expect(pts).toHaveLength(Object.keys(wr.dimensions).length * Object.keys(wr.raters.human.models).length);
    for (const p of pts) {
      expect(p.a).toBe(wr.dimensions[p.scope].raters.human.models[p.model].win_ratio.value);
      expect(p.b_hi).toBe(wr.dimensions[p.scope].raters['deepseek-judge'].models[p.model].win_ratio.ci_high);
    }

    const cons = await json(join(RUN, 'consistency.json'));
    const tables = chartsForStage('consistency', 'consistency', cons).charts.find((c) => c.id === 'consistency-tables')!;
    const cells = dataOf(tables.spec);
    for (const [model, m] of Object.entries<any>(cons.models)) {
      const mine = cells.filter((c) => c.panel.startsWith(`${model} ·`));
      expect(mine.map((c) => c.count)).toEqual([m.both, m.mcq_only, m.open_only, m.neither]);
    }

    const agr = await json(join(RUN, 'agreement.json'));
    const conf = chartsForStage('agreement', 'agreement', agr).charts.find((c) => c.id === 'agreement-confusion')!;
    const overall = dataOf(conf.spec).filter((c) => c.scope === 'overall');
    const cm = agr.judge_validation.vs_consensus.confusion;
    expect(overall.map((c) => c.count)).toEqual(cm.matrix.flat());
  });

  it('gives Pearson r of log10(size) against score per dimension as scipy does (Med-CMR Figure 3)', async () => {
    const golden = await json(join(FIX, 'golden.json'));
    const sizes = new Map<string, number>();
    for (const r of await readResponses(join(FIX, 'inputs/responses.jsonl'))) {
      const s = parseModelSize(r.meta?.size);
      if (s !== null) sizes.set(r.model, s);
    }
    expect(Object.fromEntries(sizes)).toEqual(golden.sizes);
    const mcq = await json(join(RUN, 'mcq.json'));
    for (const [dim, r] of Object.entries<number>(golden.mcq)) {
      const pts = Object.entries<any>(mcq.models)
        .filter(([m]) => sizes.has(m))
        .map(([m, v]) => ({ size: sizes.get(m)!, score: dim === 'All' ? v.accuracy : v.by_task[dim].accuracy }));
      expect(sizeCorrelation(pts)).toBeCloseTo(r, 12);
    }
    const judge = await json(join(RUN, 'judge.json'));
    for (const [dim, r] of Object.entries<number>(golden.judge)) {
      const pts = Object.entries<any>(judge.models)
        .filter(([m]) => sizes.has(m))
        .map(([m, v]) => ({ size: sizes.get(m)!, score: dim === 'score' ? v.score.value : v.criteria[dim].value }));
      expect(sizeCorrelation(pts)).toBeCloseTo(r, 12);
    }
    // The panels of the page carry the same r (read from the responses the manifest names).
    const size = chartsForStage('mcq', 'mcq', mcq, { sizes }).charts.find((c) => c.id === 'mcq-size')!;
    const panels = new Set(dataOf(size.spec).map((d) => d.panel));
    for (const [dim, r] of Object.entries<number>(golden.mcq)) expect(panels).toContain(`${dim} · r = ${r.toFixed(2)}`);
    expect(report.charts.some((c) => c.id === 'mcq-size')).toBe(true);
    expect(sizeCorrelation([{ size: 1, score: 1 }, { size: 2, score: 2 }])).toBeNull();
  });
});

describe('model sizes', () => {
  it('reads numbers and strings like 7B, 235B-A22B, 750M', () => {
    expect(parseModelSize(7)).toBe(7);
    expect(parseModelSize('235B-A22B')).toBe(235);
    expect(parseModelSize('750M')).toBe(0.75);
    expect(parseModelSize('1.5T')).toBe(1500);
    expect(parseModelSize('unknown')).toBeNull();
    expect(parseModelSize(0)).toBeNull();
  });

  it('leaves the size chart out, with the reason, when the responses file changed since the run', async () => {
    const dir = await copyRun('changed');
    const inputs = join(tmp, 'changed-inputs');
    await cp(join(FIX, 'inputs'), inputs, { recursive: true });
    const manifest: RunManifest = await json(join(dir, 'manifest.json'));
    for (const st of Object.values(manifest.stages)) for (const i of st.inputs) i.path = join(inputs, i.path.split('/').pop()!);
    (manifest as any).config_path = join(tmp, 'experiment.yaml');
    for (const s of (manifest.config as any).stages) if (s.responses) s.responses = 'changed-inputs/responses.jsonl';
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
    expect((await buildHtmlReport(dir)).charts.some((c) => c.id === 'mcq-size')).toBe(true);
    await writeFile(join(inputs, 'responses.jsonl'), (await readFile(join(inputs, 'responses.jsonl'), 'utf8')) + '\n');
    const r = await buildHtmlReport(dir);
    expect(r.charts.some((c) => c.id === 'mcq-size')).toBe(false);
    expect(r.notes.find((n) => n.stage === 'mcq')?.note).toMatch(/changed since the run/);
  }, 30_000);
});

describe('typed chart builders', () => {
  it('parse each result with its kind\'s schema: a mismatch is a note naming the stage and the first issue, no chart, never a throw', async () => {
    expect(chartsForStage('winrate', 'w', null)).toEqual({ charts: [], notes: ['No JSON result for stage "w": no charts.'] });
    expect(chartsForStage('brand-new', 'b', {}).notes[0]).toMatch(/No charts for stage kind "brand-new"/);
    const judge = await json(join(RUN, 'judge.json'));
    const bad = chartsForStage('judge', 'j', { ...judge, models: 5 });
    expect(bad.charts).toEqual([]);
    expect(bad.notes).toEqual([expect.stringMatching(/^Charts of stage "j" left out: its result does not match the judge result schema \(models: /)]);
    const mcq = await json(join(RUN, 'mcq.json'));
    const m0 = Object.keys(mcq.models)[0]!;
    const odd = chartsForStage('mcq', 'm', { ...mcq, models: { ...mcq.models, [m0]: { ...mcq.models[m0], accuracy: 'x' } } });
    expect(odd.charts).toEqual([]);
    expect(odd.notes[0]).toContain(`(models.${m0}.accuracy: `);
    // a fragment is not a result: no chart drawn from what it happens to hold
    expect(chartsForStage('winrate', 'w', { raters: { h: { models: { x: { win_ratio: { value: 0.6, ci_low: null, ci_high: null } } } } } }).charts).toEqual([]);
  });

  it('skip a chart with a note when an optional block of a valid result is absent or empty', async () => {
    const agr = await json(join(RUN, 'agreement.json'));
    const { judge_validation: _jv, dimensions: _d, ...plain } = agr;
    const a = chartsForStage('agreement', 'a', { ...plain, pairs: [] });
    expect(a.charts.map((c) => c.id)).toEqual(['a-agreement']);
    expect(a.notes.join(' ')).toMatch(/Judge validation left out/);
    const wr = await json(join(RUN, 'winrate.json'));
    const { compare: _c, dimensions: _wd, ...alone } = wr;
    const w = chartsForStage('winrate', 'w', alone);
    expect(w.charts.map((c) => c.id)).toEqual(['w-winratio']);
    expect(w.notes.join(' ')).toMatch(/no `compare` block/);
    const mcq = await json(join(RUN, 'mcq.json'));
    const models = Object.fromEntries(Object.entries<any>(mcq.models).map(([k, v]) => [k, { ...v, by_task: {} }]));
    const m = chartsForStage('mcq', 'm', { ...mcq, models });
    expect(m.charts.map((c) => c.id)).not.toContain('m-task');
    expect(m.notes.join(' ')).toMatch(/per task left out/);
    expect(m.notes.join(' ')).toMatch(/Model size against MCQ accuracy.*left out: no response carries meta.size/);
  });

  it('charts CircularEval priors and accuracies of a circular result', () => {
    const circ = {
      models: {
        m1: { letter_prior: { A: 0.4, B: 0.2, C: 0.2, D: 0.2 }, mean_accuracy: 0.6, circular_accuracy: 0.4, vote_accuracy: 0.55 },
        m2: { letter_prior: { A: 0.25, B: 0.25, C: 0.25, D: 0.25 }, mean_accuracy: 0.7, circular_accuracy: 0.6, vote_accuracy: null },
      },
    };
    const out = chartsForStage('circular', 'c', circ);
    expect(out.charts.map((c) => c.id)).toEqual(['c-circular-prior', 'c-circular-accuracy']);
    expect(dataOf(out.charts[0]!.spec).find((d) => d.y === 'm1' && d.x === 'A').value).toBe(0.4);
  });

  it('renders a run whose stage JSON is missing, with the note on the page', async () => {
    const dir = await copyRun('missing');
    await rm(join(dir, 'winrate.json'));
    const r = await buildHtmlReport(dir);
    expect(r.charts.filter((c) => c.stage === 'winrate')).toEqual([]);
    expect(r.notes).toContainEqual({ stage: 'winrate', note: 'No JSON result for stage "winrate": no charts.' });
    expect(r.html).toContain('No JSON result for stage &quot;winrate&quot;: no charts.');
  }, 30_000);
});

describe('escaping', () => {
  it('escapes text from data in the page, the Markdown and the SVG', async () => {
    const dir = await copyRun('evil');
    const evil = '<img src=x onerror=alert(1)>';
    const mcq = await json(join(dir, 'mcq.json'));
    mcq.models[evil] = mcq.models['GPT-5'];
    delete mcq.models['GPT-5'];
    await writeFile(join(dir, 'mcq.json'), JSON.stringify(mcq));
    await writeFile(join(dir, 'mcq.md'), `## Hi\n\n<script>alert(1)</script>\n\n[click](javascript:alert(1)) ![pic](http://example.com/a.png) [ok](https://example.org)\n\n| a | b |\n|---|---|\n| ${evil} | 1 |\n`);
    const m: any = await json(join(dir, 'manifest.json'));
    m.config.title = '</title><script>alert(2)</script>';
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(m));
    const { html } = await buildHtmlReport(dir);
    expect(html).not.toMatch(/<script|<img|javascript:|http:\/\/example\.com/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;/title&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(html).toContain('<a href="https://example.org">ok</a>');
    expect(html).toContain('[image: pic]');
    // The model name inside the chart's SVG text is escaped too: an axis label keeps both ends of it,
    // and its <title> the whole name.
    expect(html).toMatch(/<text[^>]*>&lt;img src=x [^<]*…[^<]*alert\(1\)&gt;<\/text>/);
    expect(html).toContain('<title>&lt;img src=x onerror=alert(1)&gt;</title>');
    expect(html).toContain('label: &lt;img src=x onerror=alert(1)&gt;');
  }, 30_000);

  it('escapeHtml, markdownToHtml and prefixSvgIds', () => {
    expect(escapeHtml(`a<b>&"c'`)).toBe('a&lt;b&gt;&amp;&quot;c&#39;');
    expect(markdownToHtml('## T\n\n| x |\n|---|\n| 1 |\n')).toBe('<h3>T</h3>\n<div class="table-wrap"><table>\n<thead><tr><th>x</th></tr></thead>\n<tbody><tr><td>1</td></tr></tbody></table></div>\n');
    expect(prefixSvgIds('<svg><clipPath id="clip1"></clipPath><g clip-path="url(#clip1)"></g><use href="#clip1"/><a href="#other"/></svg>', 'c9-')).toBe(
      '<svg><clipPath id="c9-clip1"></clipPath><g clip-path="url(#c9-clip1)"></g><use href="#c9-clip1"/><a href="#other"/></svg>',
    );
  });
});

describe('judgekit report RUN_DIR', () => {
  it('re-renders report.md and report.html from the run folder alone', async () => {
    const dir = await copyRun('cli');
    await rm(join(dir, 'report.md'));
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: any) => (out.push(String(s)), true));
    let code: number;
    try {
      code = await main(['report', dir, '--json']);
    } finally {
      spy.mockRestore();
    }
    expect(code).toBe(0);
    const res = JSON.parse(out.join(''));
    expect(res.charts).toHaveLength(17);
    const manifest = await json(join(dir, 'manifest.json'));
    expect(await readFile(join(dir, 'report.md'), 'utf8')).toBe(await renderRunReport(dir, manifest));
    expect(await readFile(join(dir, 'report.md'), 'utf8')).toBe(await readFile(join(RUN, 'report.md'), 'utf8'));
    const html = await readFile(res.report_html, 'utf8');
    expect(html.match(/<figure class="chart"/g)).toHaveLength(17);
  }, 60_000);

  it('fails with exit code 2 and one line on a folder that is not a run', async () => {
    const err: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: any) => (err.push(String(s)), true));
    let code: number;
    try {
      code = await main(['report', join(tmp, 'nothing-here')]);
    } finally {
      spy.mockRestore();
    }
    expect(code).toBe(2);
    expect(err.join('')).toMatch(/manifest\.json: no manifest\.json here: not a judgekit run folder/);
  });
});
