/**
 * `judgekit init medcmr DIR`, then the Med-CMR protocol experiment: a dry run with no key prices
 * every answer and judge call offline (per model, with the prices assumed and their sources); with a
 * local OpenAI-compatible server standing in for both models and the judge it runs end to end; with
 * the human labels removed, the stages that need them are skipped with a note, not failed.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnJudgekit } from '../helpers/cli.ts';
import { autoVerdict, criteriaOf, OpenAIServer, promptText, type RecordedRequest } from '../helpers/openai-server.ts';
import { runExperiment } from '../../src/pipeline/run.ts';
import { LIST_PRICES } from '../../src/llm/prices.ts';

const NO_KEYS = { DEEPSEEK_API_KEY: '', OPENAI_API_KEY: '' };
const MODELS = ['qwen2.5-vl-7b', 'lingshu-7b', 'lingshu-32b'];
let dir = '';
let server: OpenAIServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jk-init-medcmr-'));
  server = await OpenAIServer.start({
    handler: (req: RecordedRequest) => {
      if (criteriaOf(req).length) return autoVerdict(req);
      // A candidate model: a letter for an MCQ, a sentence for an open-ended question.
      const mcq = /\bA\.\s|\(A\)|^A[.:)]/m.test(promptText(req));
      return { kind: 'content', content: mcq ? 'Reasoning: the image shows it.\nAnswer: C' : `Reasoning: the image shows it.\nAnswer: ${req.body.model} sees a pneumothorax.` };
    },
  });
});
afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('judgekit init medcmr, then the protocol', () => {
  it('writes a commented experiment and its template inputs, and never overwrites', async () => {
    const r = await spawnJudgekit(['init', 'medcmr', dir, '--json']).done;
    expect(r.code).toBe(0);
    const { files } = JSON.parse(r.stdout) as { files: string[] };
    expect(files).toEqual(expect.arrayContaining(['medcmr.yaml', 'medcmr/cmed.copy.mcq_cate.cleaned.json', 'medcmr/cmed.copy.open_taged.cleaned.json', 'medcmr/labels.csv', 'medcmr/medcmr-v1.yaml', 'medcmr/imgs/1001.png']));
    const yaml = readFileSync(join(dir, 'medcmr.yaml'), 'utf8');
    expect(yaml).toContain('rubric: medcmr/medcmr-v1.yaml');
    expect(yaml).not.toContain('../rubrics');
    const again = await spawnJudgekit(['init', 'medcmr', dir]).done;
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists .*init never overwrites/);
    expect((await spawnJudgekit(['init', 'nosuch', dir]).done).stderr).toContain('unknown study "nosuch" (studies: medcmr, judge-validation, winrate-study)');
  });

  it('--dry-run --json prices answer and judge calls offline with no key, per model, with the prices and their sources', async () => {
    const r = await spawnJudgekit(['run', join(dir, 'medcmr.yaml'), '--dry-run', '--json', '--out', join(dir, 'reports'), '--cache-dir', join(dir, 'cache')], { env: NO_KEYS }).done;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    // 6 MCQs + 6 open-ended questions + 6 reformulated for the base and medical models, 6 + 6 for the
    // larger one; the judge: 6 open-ended answers of each of three models + 6 reformulated of two.
    const by = Object.fromEntries(plan.by_model.map((m: { role: string; model: string }) => [`${m.role} ${m.model}`, m]));
    expect(Object.keys(by).sort()).toEqual(['answer lingshu-32b', 'answer lingshu-7b', 'answer qwen2.5-vl-7b', 'judge deepseek-chat']);
    expect(by['answer qwen2.5-vl-7b'].calls).toBe(18);
    expect(by['answer lingshu-32b'].calls).toBe(12);
    expect(by['judge deepseek-chat'].calls).toBe(30);
    // 300 output tokens assumed per answer, 400 per verdict (the endpoints' expected_output_tokens)
    expect(by['answer lingshu-7b'].output_tokens).toBe(18 * 300);
    expect(by['judge deepseek-chat'].output_tokens).toBe(30 * 400);
    const ds = LIST_PRICES.find((p) => p.model === 'deepseek-chat')!;
    expect(by['judge deepseek-chat'].price).toEqual({ input_per_m: ds.input_per_m, output_per_m: ds.output_per_m, source: `${ds.source} (as of ${ds.as_of})` });
    expect(by['judge deepseek-chat'].cost_usd).toBeCloseTo((by['judge deepseek-chat'].input_tokens * ds.input_per_m + 30 * 400 * ds.output_per_m) / 1e6, 12);
    expect(by['answer qwen2.5-vl-7b'].price).toEqual({ input_per_m: 0, output_per_m: 0, source: 'unpriced' });
    const judge = plan.stages.find((s: { name: string }) => s.name === 'judge');
    expect(judge.estimate.note).toContain('6 answers of qwen2.5-vl-7b assumed, ~300 tokens each (stage "answers-open-base" has not run)');
    expect(plan.total.calls).toBe(18 + 18 + 12 + 30);
    expect(existsSync(join(dir, 'reports'))).toBe(false);
    expect(existsSync(join(dir, 'cache'))).toBe(false);
  });

  it('runs end to end against a local server standing in for the three models and the judge, and its report has the main table and the four figures', async () => {
    const live = (await readFile(join(dir, 'medcmr.yaml'), 'utf8'))
      .replaceAll('http://127.0.0.1:8000/v1', server.url)
      .replaceAll('http://127.0.0.1:8001/v1', server.url)
      .replaceAll('http://127.0.0.1:8002/v1', server.url)
      .replaceAll('{ preset: deepseek, model: deepseek-chat,', `{ base_url: "${server.url}", model: deepseek-chat,`);
    await writeFile(join(dir, 'live.yaml'), live);
    const res = await runExperiment(join(dir, 'live.yaml'), { reportsDir: join(dir, 'reports'), cacheDir: join(dir, 'cache'), log: () => {} });
    const st = res.manifest.stages;
    expect(Object.entries(st).filter(([, s]) => s.status !== 'done')).toEqual([]);
    expect(st['answers-mcq-base']!.counts).toEqual({ ok: 6 });
    expect(st.mcq!.counts).toEqual({ ok: 18 });
    expect(st.judge!.counts).toEqual({ ok: 18 });
    expect(st['judge-reformulated']!.counts).toEqual({ ok: 12 });
    // MCQ answers all say C: accuracy is the share of the six items whose answer is C
    const items = JSON.parse(readFileSync(join(dir, 'medcmr', 'cmed.copy.mcq_cate.cleaned.json'), 'utf8')) as Array<{ answer: string }>;
    const mcq = JSON.parse(readFileSync(join(res.runDir, 'mcq.json'), 'utf8'));
    const share = items.filter((i) => i.answer === 'C').length / items.length;
    for (const m of MODELS) expect(mcq.models[m]).toMatchObject({ n: 6, answered: 6, accuracy: share });
    // each answer stage's meta (size, family, medical) is in every response it collected
    const large = readFileSync(join(res.runDir, 'answers-open-large.responses.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(large).toHaveLength(6);
    for (const r of large) expect(r.meta).toMatchObject({ size: '32B', family: 'Lingshu', medical: true, status: 'ok' });
    // the answer calls carried the image; the judge (DeepSeek takes none) did not
    const chats = server.chatRequests();
    const withImage = (r: RecordedRequest): boolean => JSON.stringify(r.body.messages).includes('data:image/png;base64,');
    expect(chats.filter((r) => !criteriaOf(r).length).every(withImage)).toBe(true);
    expect(chats.filter((r) => criteriaOf(r).length).some(withImage)).toBe(false);
    expect(chats.length).toBe(18 + 18 + 12 + 30);
    const html = readFileSync(join(res.runDir, 'report.html'), 'utf8');
    for (const s of ['win-ratios', 'judge-validation', 'corrected', 'reformulation']) expect(html).toContain(`id="stage-${s}"`);
    // the main table: both models, MCQ accuracy and open score overall and per task, from the mcq and judge stages
    const table = html.slice(html.indexOf('id="main-table"'), html.indexOf('</table>', html.indexOf('id="main-table"')));
    expect(table).toContain('stage <code>mcq</code>');
    expect(table).toContain('stage <code>judge</code>');
    for (const m of MODELS) expect(table).toContain(`<th scope="row">${m}</th>`);
    expect(table).toContain(`<td>${(share * 100).toFixed(1)} <span class="ci">`);
    const judged = JSON.parse(readFileSync(join(res.runDir, 'judge.json'), 'utf8'));
    expect(Object.keys(judged.models['lingshu-7b'].by_task).sort()).toEqual(['CR', 'FDD', 'LTG', 'SOD']);
    expect(table).toContain(`<td>${judged.models['lingshu-7b'].score.value.toFixed(1)} <span class="ci">`);
    // the four figures: Fig. 3 (size against the MCQ and the open-ended scores, sizes read from the
    // answer stages' responses, points named), Fig. 4b/4c (base against medical on both forms, and
    // the MCQ ↔ open tables), Fig. 4d (win ratios under the physicians and the judge)
    const figure = (id: string): string => {
      const at = html.indexOf(`<figure class="chart" id="${id}"`);
      expect(at, `figure ${id}`).toBeGreaterThan(-1);
      return html.slice(at, html.indexOf('</figure>', at));
    };
    for (const id of ['mcq-size', 'judge-size']) {
      const fig = figure(id);
      expect(fig).toContain('<svg');
      for (const m of MODELS) expect(fig).toContain(m);
    }
    expect(html).not.toContain('(Med-CMR Figure 3) left out');
    for (const id of ['reformulation-paired', 'reformulation-tables', 'win-ratios-winratio', 'win-ratios-winratio-scatter']) expect(figure(id)).toContain('<svg');
  }, 120_000);

  it('without human labels, the stages that need them are skipped with a note, and the rest runs', async () => {
    await rm(join(dir, 'medcmr', 'labels.csv'));
    const res = await runExperiment(join(dir, 'live.yaml'), { reportsDir: join(dir, 'reports'), runId: 'no-labels', cacheDir: join(dir, 'cache'), log: () => {} });
    const skipped = Object.entries(res.manifest.stages).filter(([, s]) => s.status === 'skipped').map(([n, s]) => [n, s.note]);
    expect(skipped).toEqual(['judge-validation', 'win-ratios', 'corrected'].map((n) => [n, 'optional stage skipped: its input medcmr/labels.csv is absent']));
    expect(res.absent.map((a) => a.stage)).toEqual(['judge-validation', 'win-ratios', 'corrected']);
    expect(res.manifest.stages.reformulation!.status).toBe('done');
    const md = readFileSync(join(res.runDir, 'report.md'), 'utf8');
    expect(md).toMatch(/\| \[win-ratios\]\(#win-ratios\) \| winrate \| skipped \| optional stage skipped: its input medcmr\/labels\.csv is absent \|/);
    const plan = JSON.parse((await spawnJudgekit(['run', join(dir, 'live.yaml'), '--dry-run', '--json'], { env: NO_KEYS }).done).stdout);
    expect(plan.stages.filter((s: { skipped?: string }) => s.skipped).map((s: { name: string }) => s.name)).toEqual(['judge-validation', 'win-ratios', 'corrected']);
  }, 120_000);
});
