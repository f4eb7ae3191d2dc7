// One experiment from MCQ answers and recorded judge verdicts to the consistency, win-ratio and
// judge-validation studies, every stage reading the run's earlier stages (no merge script):
// mcq → judge (replay) → winrate (judge_stage) → consistency (mcq_stage, judge_stage) → agreement (judge_stage).
import { cp, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runExperiment } from '../../src/pipeline/run.ts';
import { main } from '../../src/cli/main.ts';
import { InputError } from '../../src/io/errors.ts';
import { spawnJudgekit } from '../helpers/cli.ts';

const root = new URL('../../', import.meta.url).pathname;
const FIX = join(root, 'test/fixtures/pipeline');
const MODELS = ['demo-general-7b', 'demo-large-72b', 'demo-medical-7b'];

const jsonl = async (p: string): Promise<Record<string, unknown>[]> => (await readFile(p, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
const json = async (p: string): Promise<any> => JSON.parse(await readFile(p, 'utf8'));

/** Runs a command in this process with stdout captured; returns its exit code and output. */
async function jk(...argv: string[]): Promise<{ code: number; stdout: string }> {
  const write = process.stdout.write.bind(process.stdout);
  let stdout = '';
  process.stdout.write = ((chunk: string) => ((stdout += chunk), true)) as typeof process.stdout.write;
  try {
    return { code: await main(argv), stdout };
  } finally {
    process.stdout.write = write;
    process.exitCode = undefined;
  }
}

let runDir: string;
let verdicts: { item_id: string; model: string; scores: Record<string, number> | null }[];

beforeAll(async () => {
  const out = await mkdtemp(join(tmpdir(), 'jk-e2e-stages-'));
  const res = await runExperiment(join(FIX, 'e2e.yaml'), { reportsDir: out, log: () => {} });
  runDir = res.runDir;
  expect(res.ran).toEqual(['mcq', 'judge', 'winrate', 'consistency', 'agreement']);
  verdicts = (await jsonl(join(FIX, 'verdicts.jsonl'))) as typeof verdicts;
}, 120_000);

describe('stages that read stages, end to end', () => {
  it('consistency from the run\'s MCQ records and judgments: the 2 × 2 tables folded here from the ledgers and the verdicts', async () => {
    const r = await json(join(runDir, 'consistency.json'));
    // Independent fold: the MCQ stage's records (mcq-X) against the recorded ground-truth-correctness (mcq-X#open), threshold 4.
    const mcq = new Map<string, boolean | null>();
    for (const rec of await jsonl(join(runDir, 'mcq.mcq_records.jsonl'))) mcq.set(`${rec.model}|${rec.item_id}`, rec.status === 'ok' ? (rec.correct as boolean) : null);
    for (const m of MODELS) {
      const t = { both: 0, mcq_only: 0, open_only: 0, neither: 0 };
      for (const v of verdicts.filter((x) => x.model === m)) {
        const mc = mcq.get(`${m}|${v.item_id.replace('#open', '')}`);
        if (mc === null || mc === undefined || v.scores === null) continue;
        const open = v.scores.ground_truth_correctness! >= 4;
        t[mc && open ? 'both' : mc ? 'mcq_only' : open ? 'open_only' : 'neither']++;
      }
      expect(r.models[m], m).toMatchObject({ ...t, n: t.both + t.mcq_only + t.open_only + t.neither });
    }
    expect(r.threshold).toBe(4);
    expect(Object.keys(r.paired)).toEqual(['demo-general-7b:demo-medical-7b']);

    // The same study through the commands over the same ledgers: byte-identical result.
    const dir = await mkdtemp(join(tmpdir(), 'jk-e2e-cli-'));
    const items = ['--items', join(root, 'data/medcmr-sample/cmed.copy.mcq_cate.cleaned.json'), '--items', join(root, 'data/reformulation-sample/open.jsonl')];
    expect((await jk('consistency-pairs', ...items, '--mcq-records', join(runDir, 'mcq.mcq_records.jsonl'), '--judgments', join(runDir, 'judge.judgments.jsonl'), '--out', join(dir, 'pairs.csv'))).code).toBe(0);
    expect((await jk('consistency', join(dir, 'pairs.csv'), '--threshold', '4', '--paired', 'demo-general-7b:demo-medical-7b', '--seed', '7', '--bootstrap', '100', '--out', dir)).code).toBe(0);
    expect(await readFile(join(dir, 'consistency.json'), 'utf8')).toBe(await readFile(join(runDir, 'consistency.json'), 'utf8'));
  });

  it('win ratios from the judge stage\'s per-criterion scores: wins, losses and ties counted here from the verdicts', async () => {
    const w = await json(join(runDir, 'winrate.json'));
    const byItem = new Map<string, Map<string, Record<string, number>>>();
    for (const v of verdicts) {
      if (v.scores === null) continue;
      if (!byItem.has(v.item_id)) byItem.set(v.item_id, new Map());
      byItem.get(v.item_id)!.set(v.model, v.scores);
    }
    for (const m of MODELS) {
      const c = { wins: 0, losses: 0, ties: 0 };
      for (const scores of byItem.values()) {
        const mine = scores.get(m)?.ground_truth_correctness;
        if (mine === undefined) continue;
        for (const [other, s] of scores) {
          if (other === m) continue;
          const theirs = s.ground_truth_correctness!;
          c[mine > theirs ? 'wins' : mine < theirs ? 'losses' : 'ties']++;
        }
      }
      const got = w.dimensions.ground_truth_correctness.raters['demo-judge'].models[m];
      expect(got, m).toMatchObject({ ...c, n: c.wins + c.losses + c.ties });
      expect(got.win_ratio.value).toBeCloseTo((c.wins + c.ties / 2) / (c.wins + c.losses + c.ties), 12);
    }
    // 3 failed verdicts, each in 2 pairs, each pair on 4 criteria + overall: failures, not ties.
    expect(w.from_scores.failures).toEqual({ total: 3 * 2 * 5, by_status: { parse_error: 30 } });
  });

  it('judge validation with the judge stage as a rater: its failed judgments counted apart', async () => {
    const a = await json(join(runDir, 'agreement.json'));
    expect(a.raters).toEqual(['h1', 'h2', 'demo-judge']);
    expect(a.failures).toEqual({ h1: 0, h2: 0, 'demo-judge': 3 * 4 });
    expect(a.judge_validation.judge).toBe('demo-judge');
    expect(a.judge_validation.humans).toEqual(['h1', 'h2']);
  });

  it('a reformulate stage feeds a judge stage (items: {stage}): the same judge.json as the shipped open forms give', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jk-e2e-reform-'));
    await writeFile(
      join(dir, 'exp.yaml'),
      [
        'id: reform',
        'seed: 7',
        'bootstrap: 100',
        'stages:',
        `  - { name: open, kind: reformulate, to: open, items: ${root}data/medcmr-sample/cmed.copy.mcq_cate.cleaned.json }`,
        `  - { name: judge, kind: judge, items: { stage: open }, responses: ${FIX}/open-responses.jsonl, rubric: ${root}rubrics/medcmr-v1.yaml, judge: { kind: replay, name: demo-judge, verdicts: ${FIX}/verdicts.jsonl } }`,
        '',
      ].join('\n'),
    );
    const res = await runExperiment(join(dir, 'exp.yaml'), { reportsDir: join(dir, 'reports'), log: () => {} });
    expect(res.manifest.stages.open!.counts).toEqual({ ok: 40 });
    // `judgekit reformulate --to open` of the sample is data/reformulation-sample/open.jsonl, byte for byte
    expect(await readFile(join(res.runDir, 'open.items.jsonl'), 'utf8')).toBe(await readFile(join(root, 'data/reformulation-sample/open.jsonl'), 'utf8'));
    expect(await readFile(join(res.runDir, 'judge.json'), 'utf8')).toBe(await readFile(join(runDir, 'judge.json'), 'utf8'));
  }, 60_000);

  it('a stage that reads a judge stage with no ok judgment names that stage and its counts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jk-e2e-fail-'));
    await cp(FIX, dir, { recursive: true });
    const failed = verdicts.map((v) => JSON.stringify({ item_id: v.item_id, model: v.model, scores: null, status: 'refusal' })).join('\n') + '\n';
    await writeFile(join(dir, 'verdicts.jsonl'), failed);
    const yaml = (await readFile(join(dir, 'e2e.yaml'), 'utf8')).replaceAll('../../../', `${root}`);
    await writeFile(join(dir, 'e2e.yaml'), yaml);
    const err = await runExperiment(join(dir, 'e2e.yaml'), { reportsDir: join(dir, 'reports'), log: () => {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/stage "winrate" reads stage "judge", which produced no ok rating \(refusal=120\)$/);
  }, 60_000);
});

describe('judgekit run --dry-run and strict options', () => {
  it('--dry-run --json lists every stage, what it reads and its estimate, and writes nothing', async () => {
    const out = await mkdtemp(join(tmpdir(), 'jk-e2e-dry-'));
    const r = await jk('run', join(FIX, 'e2e.yaml'), '--dry-run', '--json', '--out', join(out, 'reports'), '--cache-dir', join(out, 'cache'));
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.stages.map((s: { name: string }) => s.name)).toEqual(['mcq', 'judge', 'winrate', 'consistency', 'agreement']);
    for (const s of plan.stages) expect(Object.keys(s.estimate)).toEqual(expect.arrayContaining(['calls', 'input_tokens', 'output_tokens', 'cost_usd']));
    expect(plan.stages[3].reads).toEqual({ files: [], stages: ['mcq', 'judge'] });
    expect(plan.stages[1].reads.files.map((f: string) => f.split('/').pop())).toEqual(['open.jsonl', 'open-responses.jsonl', 'medcmr-v1.yaml', 'verdicts.jsonl']);
    expect(plan.total).toEqual({ calls: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0 });
    expect(await readdir(out)).toEqual([]);
  });

  it('--dry-run estimates pairwise and answer stages from their inputs, offline', async () => {
    const { planExperiment } = await import('../../src/pipeline/plan.ts');
    const dir = await mkdtemp(join(tmpdir(), 'jk-e2e-dry2-'));
    const ep = '{ base_url: "http://127.0.0.1:9/v1", model: m, supports_images: false, expected_output_tokens: 100, price: { input_per_m: 1, output_per_m: 2 } }';
    await writeFile(
      join(dir, 'exp.yaml'),
      [
        'id: dry',
        'stages:',
        `  - { name: ask, kind: answer, items: ${root}data/reformulation-sample/open.jsonl, endpoint: ${ep} }`,
        `  - { name: pairs, kind: pairwise, items: ${root}data/reformulation-sample/open.jsonl, responses: ${FIX}/open-responses.jsonl, endpoint: ${ep} }`,
        `  - { name: judged, kind: judge, items: ${root}data/reformulation-sample/open.jsonl, responses: { stage: ask }, rubric: ${root}rubrics/medcmr-v1.yaml, judge: { kind: llm, endpoint: ${ep} } }`,
        '',
      ].join('\n'),
    );
    const plan = await planExperiment(join(dir, 'exp.yaml'), { reportsDir: join(dir, 'reports'), cacheDir: join(dir, 'cache') });
    // 40 items, one call each; 40 items × 3 model pairs × 2 answer orders
    const [ask, pairs, judged] = plan.stages;
    expect(ask!.estimate).toMatchObject({ calls: 40, cached: 0, output_tokens: 40 * 100 });
    expect(pairs!.estimate).toMatchObject({ calls: 240, cached: 0, output_tokens: 240 * 100 });
    for (const e of [ask!.estimate, pairs!.estimate]) expect(e.cost_usd).toBeCloseTo((e.input_tokens! * 1 + e.output_tokens! * 2) / 1e6, 12);
    // its responses come from the answer stage, which has not run: one answer per item it asks is
    // assumed, as long as that stage's endpoint expects (100 tokens), and the note says so
    expect(judged!.estimate).toMatchObject({ calls: 40, cached: 0, output_tokens: 40 * 100 });
    expect(judged!.estimate.cost_usd).toBeCloseTo((judged!.estimate.input_tokens! * 1 + judged!.estimate.output_tokens! * 2) / 1e6, 12);
    // each assumed answer adds ~100 tokens to its judge call's prompt
    expect(judged!.estimate.input_tokens! / 40).toBeGreaterThan(100);
    expect(judged!.estimate.note).toBe('40 answers of m assumed, ~100 tokens each (stage "ask" has not run)');
    expect(plan.total.calls).toBe(320);
    expect(plan.by_model.map((m) => [m.role, m.model, m.calls, m.price.source])).toEqual([
      ['answer', 'm', 40, 'config'],
      ['pairwise', 'm', 240, 'config'],
      ['judge', 'm', 40, 'config'],
    ]);
    expect(await readdir(dir)).toEqual(['exp.yaml']);
  });

  it('an unknown --stage name and an unknown config key exit 2 with one line naming them', async () => {
    const r = await spawnJudgekit(['run', join(FIX, 'e2e.yaml'), '--stage', 'mcq,nosuch', '--dry-run']).done;
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`judgekit: ${join(FIX, 'e2e.yaml')}: --stage: no stage "nosuch" in the experiment (stages: mcq, judge, winrate, consistency, agreement)`);
    const dir = await mkdtemp(join(tmpdir(), 'jk-e2e-key-'));
    const yaml = (await readFile(join(FIX, 'e2e.yaml'), 'utf8')).replace('    threshold: 4\n', '    treshold: 4\n');
    await writeFile(join(dir, 'e.yaml'), yaml);
    const k = await spawnJudgekit(['run', join(dir, 'e.yaml'), '--out', join(dir, 'reports')]).done;
    expect(k.code).toBe(2);
    const line = yaml.split('\n').indexOf('    treshold: 4') + 1;
    expect(k.stderr.trim()).toBe(`judgekit: ${join(dir, 'e.yaml')}:${line}: field "stages.3.treshold": unknown key "treshold"`);
    expect(await readdir(dir)).toEqual(['e.yaml']);
  }, 60_000);
});
