import { mkdtemp, readFile, writeFile, mkdir } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runExperiment } from '../../src/pipeline/run.ts';
import { buildJudgeCards, renderJudgeCardMarkdown, writeJudgeCards, type JudgeCard } from '../../src/report/card.ts';
import { modelFamily } from '../../src/studies/model-family.ts';
import { dataset } from '../helpers/datasets.ts';

const root = new URL('../../', import.meta.url).pathname;
const golden = JSON.parse(readFileSync(new URL('../fixtures/card/golden.json', import.meta.url), 'utf8'));
const close = (a: number | null | undefined, b: number, digits = 9) => expect(a).toBeCloseTo(b, digits);

/** A small run of the shipped data: a replayed rubric judge, judge validation, win ratios, swap data, tuning. */
async function smallRun(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'jk-card-'));
  const p = (s: string) => join(root, s);
  const [sottana, pandalm, llmbar] = await Promise.all([dataset('sottana'), dataset('pandalm'), dataset('llmbar')]);
  await writeFile(
    join(dir, 'exp.yaml'),
    [
      'id: cardtest',
      'seed: 11',
      'bootstrap: 100',
      'stages:',
      '  - name: sottana-judge',
      '    kind: judge',
      `    items: ${join(sottana, 'summarization/items.jsonl')}`,
      `    responses: ${join(sottana, 'summarization/responses.jsonl')}`,
      `    rubric: ${p('rubrics/sottana-summarization-v1.yaml')}`,
      '    judge: { kind: replay, name: gpt-4, verdicts: ' + join(sottana, 'summarization/verdicts-gpt-4.jsonl') + ' }',
      '  - name: pandalm-validation',
      '    kind: agreement',
      `    labels: ${join(pandalm, 'labels.csv')}`,
      '    judge: gpt-3.5-turbo',
      '    exclude_raters: [pandalm-7b]',
      '  - name: pandalm-winrate',
      '    kind: winrate',
      `    preferences: ${join(pandalm, 'preferences.csv')}`,
      '    majority: [annotator1, annotator2, annotator3]',
      '    raters: [majority, gpt-3.5-turbo, pandalm-7b]',
      '    compare: [majority, pandalm-7b]',
      '  - name: llmbar-swap',
      '    kind: swap',
      `    verdicts: ${join(llmbar, 'verdicts.json')}`,
      '  - name: pandalm-tuning',
      '    kind: tuning',
      `    labels: ${join(pandalm, 'labels.csv')}`,
      '    humans: [annotator1, annotator2, annotator3]',
      '    candidates: [gpt-3.5-turbo, pandalm-7b]',
      '',
    ].join('\n'),
  );
  const r = await runExperiment(join(dir, 'exp.yaml'), { reportsDir: join(dir, 'reports'), log: () => {} });
  return r.runDir;
}

let runDir: string;
let cards: JudgeCard[];
const byName = (n: string) => cards.find((c) => c.judge === n)!;
const stageJson = async (name: string) => JSON.parse(await readFile(join(runDir, `${name}.json`), 'utf8'));

beforeAll(async () => {
  runDir = await smallRun();
  cards = await buildJudgeCards(runDir);
}, 120_000);

describe('judge cards of a run', () => {
  it('one card per judge found: fingerprinted, validated, ranked and swap-tested judges', () => {
    const names = cards.map((c) => c.judge).sort();
    expect(names).toEqual(['ChatGPT', 'LLaMA2', 'PaLM2', 'gpt-3.5-turbo', 'gpt-4', 'pandalm-7b']);
    const gpt4 = byName('gpt-4');
    expect(gpt4.configurations).toHaveLength(1);
    expect(gpt4.configurations[0]!.replay).toBe(true);
    expect(gpt4.configurations[0]!.note).toMatch(/replay of recorded verdicts.*unknown/);
  });

  it('copies agreement, the human ceiling and the alt-test from the agreement stage unchanged', async () => {
    const jv = (await stageJson('pandalm-validation')).judge_validation;
    const a = byName('gpt-3.5-turbo').agreement.items[0]!;
    expect(a.vs_consensus.cohen_kappa).toEqual(jv.vs_consensus.cohen_kappa);
    expect(a.vs_consensus.accuracy).toEqual(jv.vs_consensus.accuracy);
    expect(a.human_ceiling.cohen_kappa).toEqual(jv.ceiling.mean_human_vs_rest.cohen_kappa);
    expect(a.judge_vs_rest.cohen_kappa).toEqual(jv.ceiling.mean_judge_vs_rest.cohen_kappa);
    expect(a.judge_failures).toBe(25);
    const alt = byName('gpt-3.5-turbo').alt_test.items[0]!;
    expect([alt.winning_rate, alt.passed, alt.advantage_probability, alt.epsilon]).toEqual([jv.alt_test.winning_rate, jv.alt_test.passed, jv.alt_test.advantage_probability, jv.alt_test.epsilon]);
  });

  it('length bias: OLS of the total on answer length equals statsmodels', () => {
    const l = byName('gpt-4').bias.length.items[0]!;
    const g = golden.sottana_length;
    expect(l.n).toBe(g.n);
    close(l.slope_per_100_chars.value, g.slope);
    close(l.slope_per_100_chars.ci_low!, g.ci_low);
    close(l.slope_per_100_chars.ci_high!, g.ci_high);
    close(l.intercept, g.intercept);
    close(l.r2, g.r2);
    close(l.mean_chars, g.mean_chars);
    expect(l.p_value / g.p_value).toBeCloseTo(1, 5);
  });

  it('self-preference: same-family means from the ledger, win ratios from the win-rate stage', async () => {
    const s = byName('gpt-4').bias.self_preference.items.find((x) => x.kind === 'scores')!;
    expect(s.same_family).toEqual(['gpt-3.5-turbo', 'text-davinci-003']);
    close(s.same_mean, golden.sottana_self_preference.same_mean);
    close(s.other_mean, golden.sottana_self_preference.other_mean);
    close(s.difference!.value, golden.sottana_self_preference.difference);
    const w = await stageJson('pandalm-winrate');
    const p = byName('pandalm-7b').bias.self_preference.items[0]!;
    expect(p.win_ratios).toEqual([{ model: 'llama-7b', judge: w.raters['pandalm-7b'].models['llama-7b'].win_ratio, reference: w.raters.majority.models['llama-7b'].win_ratio, reference_rater: 'majority' }]);
    const none = byName('gpt-3.5-turbo').bias.self_preference;
    expect(none.measured).toBe(false);
    expect(none.note).toMatch(/no candidate shares the judge's family \(openai/);
  });

  it('answer order: swap rows as the swap stage reported them', async () => {
    const rows = (await stageJson('llmbar-swap')).rows.filter((r: { judge: string }) => r.judge === 'GPT-4');
    const mine = byName('gpt-4').bias.answer_order.items.filter((o) => o.source === 'swap');
    expect(mine.map((o) => o.first_position_rate)).toEqual(rows.map((r: any) => r.stats.first_position_rate));
    expect(mine.map((o) => o.flip_rate)).toEqual(rows.map((r: any) => r.stats.flip_rate));
    const pref = byName('pandalm-7b').bias.answer_order.items.find((o) => o.source === 'preferences')!;
    expect(pref.humans).toEqual(['annotator1', 'annotator2', 'annotator3']);
    expect(pref.first_position_rate!.value).toBeGreaterThan(0);
  });

  it('failures, tuning and what is absent: "not measured in this run", never a number', async () => {
    const g35 = byName('gpt-3.5-turbo');
    expect(g35.failures.items.find((f) => f.kind === 'agreement')!.by_status).toEqual({ ok: 974, failed: 25 });
    const tuning = await stageJson('pandalm-tuning');
    expect(g35.tuning.items[0]!.value).toEqual(tuning.evaluation[0].stats.kappa);
    for (const s of [g35.bias.length, g35.stability, g35.cost, byName('gpt-4').stability, byName('gpt-4').cost, byName('LLaMA2').agreement]) {
      expect(s.measured).toBe(false);
      expect(s.items).toEqual([]);
      expect(s.note).toMatch(/^not measured in this run: /);
    }
    const md = renderJudgeCardMarkdown(g35);
    expect(md).toContain('## Stability across repeated samples\n\n_not measured in this run: this judge has no judge stage');
    expect(md).not.toMatch(/NaN|undefined/);
  });

  it('writes cards/<judge>.md and .json atomically and returns their paths', async () => {
    const paths = await writeJudgeCards(runDir);
    expect(paths).toContain(join(runDir, 'cards', 'gpt-4.md'));
    const json = JSON.parse(await readFile(join(runDir, 'cards', 'pandalm-7b.json'), 'utf8'));
    expect(json.judge).toBe('pandalm-7b');
    expect(await readFile(join(runDir, 'cards', 'gpt-4.md'), 'utf8')).toContain('# Judge card: gpt-4');
  });
});

describe('a live judge with repeated samples and spend (hand-made run folder)', () => {
  it('stability (α across samples, mean spread) and cost per 1,000 judgments', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jk-card-live-'));
    await mkdir(dir, { recursive: true });
    const samples: { item_id: string; model: string; samples: Record<string, number>[] }[] = JSON.parse(readFileSync(new URL('../fixtures/card/samples.json', import.meta.url), 'utf8'));
    const fp = { kind: 'llm', model: 'deepseek-chat', endpoint: 'https://api.deepseek.com', rubric_id: 'r', rubric_version: '1', rubric_hash: 'a'.repeat(64), template_hash: 'b'.repeat(64), params: { temperature: 0.7, samples: 3 }, output_mode: 'json_schema', parser_version: 'p/1', hash: 'c'.repeat(64) };
    const judgments = samples.map((s) => {
      const keys = Object.keys(s.samples[0]!);
      const spread = Object.fromEntries(keys.map((k) => [k, Math.max(...s.samples.map((x) => x[k]!)) - Math.min(...s.samples.map((x) => x[k]!))]));
      return { item_id: s.item_id, model: s.model, judge: fp, parse_method: 'json_schema', repairs: 0, raw: null, tokens: { input: 100, output: 20 }, cost_usd: 0.001, latency_ms: 1, requests: 3, cached: false, status: 'ok', scores: s.samples[0], score: 50, samples: s.samples, spread };
    });
    judgments.push({ ...judgments[0]!, item_id: 'failed', status: 'api_error', error: 'HTTP 500' } as never);
    await writeFile(join(dir, 'judge.judgments.jsonl'), judgments.map((j) => JSON.stringify(j)).join('\n') + '\n');
    await writeFile(join(dir, 'judge.json'), JSON.stringify({ n: 13, by_status: { ok: 12, api_error: 1 }, models: {}, fingerprint: fp, spend: { requests: 39, tokens: { input: 1300, output: 260 }, cost_usd: 0.013 } }));
    const manifest = {
      run_id: 'live', experiment: 'live', config_path: 'x.yaml', config: { id: 'live', seed: 1, bootstrap: 50, stages: [{ name: 'judge', kind: 'judge', items: 'i.jsonl', responses: 'r.jsonl', rubric: 'r.yaml' }] },
      config_hash: 'x', judgekit_version: '0', node_version: 'v20', started_at: '', finished_at: null,
      stages: { judge: { kind: 'judge', status: 'done', started_at: '', finished_at: '', duration_ms: 1, key: 'k', inputs: [], outputs: [], counts: {}, cost_usd: 0.013 } },
      counts_by_status: {}, cost_usd: { judge: 0.013, candidates: 0 }, timings_ms: {},
    };
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
    const [card] = await buildJudgeCards(dir);
    expect(card!.judge).toBe('deepseek-chat');
    expect(card!.family).toBe('deepseek');
    const st = card!.stability.items[0]!;
    expect(st.samples).toBe(3);
    for (const k of ['accuracy', 'clarity']) {
      close(st.alpha[k], golden.stability[k].alpha);
      close(st.mean_spread[k], golden.stability[k].mean_spread);
    }
    const cost = card!.cost.items[0]!;
    expect(cost.judgments).toBe(13);
    close(cost.cost_per_1000, (0.013 / 13) * 1000);
    expect(card!.failures.items[0]!.by_status).toEqual({ ok: 12, api_error: 1 });
    close(card!.failures.items[0]!.failure_rate, 1 / 13);
    expect(card!.bias.length.measured).toBe(false);
    expect(card!.bias.length.note).toMatch(/not measured in this run: .*answer lengths/);
    expect(card!.agreement.note).toBe('not measured in this run: no agreement stage validates this judge against human labels');
    expect(card!.configurations[0]!.note).toMatch(/live judge deepseek-chat/);
  });
});

describe('modelFamily (the documented prefix mapping)', () => {
  it.each([
    ['gpt-4', 'openai'], ['gpt-3.5-turbo', 'openai'], ['text-davinci-003', 'openai'], ['ChatGPT', 'openai'], ['o1-mini', 'openai'],
    ['claude-3-5-sonnet', 'anthropic'], ['deepseek-chat', 'deepseek'], ['Qwen2.5-72B-Instruct', 'qwen'], ['meta-llama/Llama-3-8B', 'llama'],
    ['pandalm-7b', 'llama'], ['gemini-1.5-pro', 'google'], ['PaLM2', 'google'], ['bigscience/T0pp', 't5'], ['cerebras-gpt-6.7B', 'cerebras'],
    ['opt-7b', 'opt'], ['gold_reference', null], ['my-model', null],
  ])('%s → %s', (name, family) => {
    expect(modelFamily(name)).toBe(family);
  });
});
