import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { PairwiseStageResult } from '../../src/schema/results/judge.ts';
import { chartsForStage } from '../../src/report/charts.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../../src/pipeline/run.ts';
import { readPreferences } from '../../src/io/preferences.ts';
import { promptText, type RecordedRequest } from '../helpers/openai-server.ts';
import { useOpenAIServer } from '../helpers/use-openai-server.ts';

const root = new URL('../../', import.meta.url).pathname;
const run = promisify(execFile);
const server = useOpenAIServer();

const quality = (s: string): number => (s.startsWith('GOOD') ? 2 : s.startsWith('MID') ? 1 : 0);
const answersOf = (r: RecordedRequest): [string, string] => {
  const t = promptText(r);
  return [t.split('<answer_1>\n')[1]!.split('\n')[0]!, t.split('<answer_2>\n')[1]!.split('\n')[0]!];
};
/** Prefers the better answer whatever its position. */
const fair = (r: RecordedRequest) => {
  const [a, b] = answersOf(r).map(quality) as [number, number];
  return { kind: 'content' as const, content: JSON.stringify({ rationale: 'content', overall: a > b ? '1' : b > a ? '2' : 'tie' }) };
};
/** Always prefers the answer shown first. */
const firstSlot = () => ({ kind: 'content' as const, content: JSON.stringify({ rationale: 'first', overall: '1' }) });

async function workspace(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'jk-pw-'));
  const items = [1, 2, 3, 4].map((i) => JSON.stringify({ id: `q${i}`, format: 'open', question: `Question ${i}?`, reference: `Reference ${i}` }));
  await writeFile(join(dir, 'items.jsonl'), items.join('\n') + '\n');
  const responses = [1, 2, 3, 4].flatMap((i) => [
    JSON.stringify({ item_id: `q${i}`, model: 'good', output: `GOOD answer ${i}` }),
    JSON.stringify({ item_id: `q${i}`, model: 'mid', output: `MID answer ${i}` }),
    JSON.stringify({ item_id: `q${i}`, model: 'bad', output: `weak answer ${i}` }),
  ]);
  await writeFile(join(dir, 'responses.jsonl'), responses.join('\n') + '\n');
  // three humans who agree with the content order, one of them dissenting on q1 good-vs-mid
  const rows = ['item_id,rater,model_a,model_b,winner'];
  for (const i of [1, 2, 3, 4]) {
    for (const h of ['h1', 'h2', 'h3']) {
      rows.push(`q${i},${h},good,mid,${h === 'h3' && i === 1 ? 'B' : 'A'}`);
      rows.push(`q${i},${h},good,bad,A`);
      rows.push(`q${i},${h},mid,bad,A`);
    }
  }
  await writeFile(join(dir, 'human.csv'), rows.join('\n') + '\n');
  return dir;
}

function config(url: string): string {
  return [
    'id: pw',
    'seed: 3',
    'bootstrap: 200',
    'stages:',
    '  - name: judge-pairs',
    '    kind: pairwise',
    '    items: items.jsonl',
    '    responses: responses.jsonl',
    `    endpoint: { base_url: "${url}", model: pair-judge, output_mode: json_mode, max_retries: 1, timeout_ms: 5000 }`,
    '    human_preferences: human.csv',
    '    majority_of: [h1, h2, h3]',
    '',
  ].join('\n');
}

describe('the pairwise stage of judgekit run', () => {
  it('judges every pair in both orders, writes winrate-format preferences, and runs the human-versus-LLM study', async () => {
    const dir = await workspace();
    await writeFile(join(dir, 'exp.yaml'), config(server.url));
    server.handler = fair;
    const res = await runExperiment(join(dir, 'exp.yaml'), { reportsDir: join(dir, 'reports'), cacheDir: join(dir, 'cache'), log: () => {} });
    expect(res.ran).toEqual(['judge-pairs']);
    // 4 items × 3 model pairs × 2 orders
    expect(server.chatRequests().length).toBe(24);
    const runDir = join(dir, 'reports', 'pw');
    const out = JSON.parse(await readFile(join(runDir, 'judge-pairs.json'), 'utf8'));
    expect(out.swap.overall.flip_rate.value).toBe(0);
    expect(out.raters['pair-judge'].models.good.win_ratio.value).toBe(1);
    expect(out.raters['pair-judge'].models.bad.win_ratio.value).toBe(0);
    expect(out.raters.majority.models.good.win_ratio.value).toBe(1);
    expect(out.compare.spearman.value).toBeCloseTo(1, 12);
    expect(out.compare.max_abs_win_ratio_diff.value).toBe(0);
    const prefs = await readPreferences(join(runDir, 'judge-pairs.preferences.csv'));
    expect(prefs).toHaveLength(12);
    expect(prefs.every((p) => p.status === 'ok' && p.rater === 'pair-judge')).toBe(true);
    const report = await readFile(join(runDir, 'report.md'), 'utf8');
    expect(report).toContain('Answer-order consistency');
    // a pairwise result is typed (schema/results/judge.ts) and gets its charts: win ratios and swap consistency
    expect(PairwiseStageResult.parse(out)).toEqual(out);
    const charts = chartsForStage('pairwise', 'judge-pairs', out);
    expect(charts.charts.map((c) => c.id)).toEqual(expect.arrayContaining(['judge-pairs-winratio', 'judge-pairs-swap']));
    const swapRows = (charts.charts.find((c) => c.id === 'judge-pairs-swap')!.spec as { data: { values: { label: string; stat: string; value: number }[] } }).data.values;
    expect(swapRows.find((r) => r.label === 'overall' && r.stat === 'flip rate')!.value).toBe(out.swap.overall.flip_rate.value);
    expect(chartsForStage('pairwise', 'p', { raters: {} }).notes[0]).toMatch(/does not match the pairwise result schema/);

    // a fresh rerun is answered from the cache: no request reaches the server
    server.reset();
    const again = await runExperiment(join(dir, 'exp.yaml'), { reportsDir: join(dir, 'reports'), cacheDir: join(dir, 'cache'), fresh: true, log: () => {} });
    expect(again.ran).toEqual(['judge-pairs']);
    expect(server.chatRequests().length).toBe(0);
  });

  it('shows a first-slot judge as flips, combined to ties, never as wins', async () => {
    const dir = await workspace();
    await writeFile(join(dir, 'exp.yaml'), config(server.url).replace('model: pair-judge', 'model: biased-judge'));
    server.handler = firstSlot;
    await runExperiment(join(dir, 'exp.yaml'), { reportsDir: join(dir, 'reports'), cacheDir: join(dir, 'cache'), log: () => {} });
    const out = JSON.parse(await readFile(join(dir, 'reports', 'pw', 'judge-pairs.json'), 'utf8'));
    expect(out.swap.overall.flip_rate.value).toBe(1);
    expect(out.swap.overall.first_position_rate.value).toBe(1);
    const m = out.raters['biased-judge'].models.good;
    expect(m.ties).toBe(m.n);
    expect(m.win_ratio.value).toBe(0.5);
  });

  it('runs from the command line as judgekit pairwise', async () => {
    const dir = await workspace();
    server.handler = fair;
    const { stdout } = await run('node', [join(root, 'bin/judgekit.js'), 'pairwise', '--items', 'items.jsonl', '--responses', 'responses.jsonl', '--base-url', server.url, '--model', 'cli-judge', '--output-mode', 'json_mode', '--human-preferences', 'human.csv', '--majority', 'h1,h2,h3', '--bootstrap', '50', '--out', 'out', '--cache-dir', 'cache', '--json'], { cwd: dir });
    const out = JSON.parse(stdout);
    expect(out.compare.kendall_tau_b.value).toBeCloseTo(1, 12);
    expect(out.raters['cli-judge'].models.mid.wins).toBe(4);
    expect(out.raters['cli-judge'].models.mid.losses).toBe(4);
    const bad = await run('node', [join(root, 'bin/judgekit.js'), 'pairwise', '--items', 'items.jsonl', '--responses', 'responses.jsonl', '--base-url', server.url, '--model', 'x', '--policy', 'maybe'], { cwd: dir }).catch((e) => e);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^judgekit: .*policy/m);
  });
});
