// The reformulation study end to end, as a researcher runs it (data/reformulation-sample/README.md):
// reformulate → answer (both forms, two models) → mcq → judge → consistency-pairs → consistency,
// every step a `judgekit` process, every model call through the real SDK to the local server.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAIServer, candidateOf, criteriaOf, promptText, type RecordedRequest } from '../helpers/openai-server.ts';

const root = new URL('../../', import.meta.url).pathname;
const sample = join(root, 'data/medcmr-sample/cmed.copy.mcq_cate.cleaned.json');
const exec = promisify(execFile);
const jk = (cwd: string, ...args: string[]) => exec('node', [join(root, 'bin/judgekit.js'), ...args], { cwd, maxBuffer: 1 << 24 });

interface Release { index: number; question: string; answer: string }
let server: OpenAIServer;
let release: Release[];

/** base: every MCQ right, open answers right on even indices; tuned: always "A", every open answer right. */
function handler(req: RecordedRequest) {
  if (criteriaOf(req).length > 0) {
    const scores: Record<string, number> = {};
    for (const c of criteriaOf(req)) scores[c.key] = c.key === 'ground_truth_correctness' ? (candidateOf(req)?.includes('RIGHT') ? 5 : 1) : 3;
    return { kind: 'verdict' as const, scores, format: 'json' as const };
  }
  const text = promptText(req);
  const item = release.find((r) => text.includes(r.question))!;
  const model = req.body.model as string;
  if (text.includes('Options:')) return { kind: 'content' as const, content: model === 'base' ? item.answer : 'A' };
  const right = model === 'tuned' || item.index % 2 === 0;
  return { kind: 'content' as const, content: `Reasoning: the finding is visible.\nAnswer: ${right ? 'RIGHT' : 'WRONG'} diagnosis` };
}

beforeAll(async () => {
  release = JSON.parse(await readFile(sample, 'utf8'));
  server = await OpenAIServer.start({ handler });
});
afterAll(async () => {
  await server.close();
});

describe('the MCQ ↔ open-ended reformulation study, end to end through the command line', () => {
  it('reformulates, collects answers, scores both forms and tests base against tuned', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jk-e2e-'));
    const ep = ['--base-url', server.url, '--no-images', '--cache-dir', join(dir, 'cache')];
    await jk(dir, 'reformulate', '--items', sample, '--to', 'open', '--out', 'open.jsonl');
    for (const model of ['base', 'tuned']) {
      await jk(dir, 'answer', '--items', sample, '--model', model, '--out', `mcq-${model}.jsonl`, ...ep);
      await jk(dir, 'answer', '--items', 'open.jsonl', '--model', model, '--out', `open-${model}.jsonl`, ...ep);
    }
    const cat = async (a: string, b: string, out: string) => writeFile(join(dir, out), (await readFile(join(dir, a), 'utf8')) + (await readFile(join(dir, b), 'utf8')));
    await cat('mcq-base.jsonl', 'mcq-tuned.jsonl', 'mcq.jsonl');
    await cat('open-base.jsonl', 'open-tuned.jsonl', 'open-responses.jsonl');
    await jk(dir, 'mcq', '--items', sample, '--responses', 'mcq.jsonl', '--out', 'mcq-out');
    await jk(dir, 'judge', '--items', 'open.jsonl', '--responses', 'open-responses.jsonl', '--rubric', join(root, 'rubrics/medcmr-v1.yaml'), '--model', 'judge', '--output-mode', 'json_mode', '--out', 'judge-out', ...ep);
    await jk(dir, 'consistency-pairs', '--items', sample, '--items', 'open.jsonl', '--mcq-records', 'mcq-out/mcq_records.jsonl', '--judgments', 'judge-out/judgments.jsonl', '--out', 'pairs.csv');
    const { stdout } = await jk(dir, 'consistency', 'pairs.csv', '--threshold', '4', '--paired', 'base:tuned', '--bootstrap', '0', '--json');
    const r = JSON.parse(stdout);

    // Expected from the items alone, independently of judgekit's code.
    const n = release.length;
    const even = release.filter((x) => x.index % 2 === 0).length;
    const answerA = release.filter((x) => x.answer === 'A').length;
    expect(r.models.base).toMatchObject({ n, both: even, mcq_only: n - even, open_only: 0, neither: 0 });
    expect(r.models.tuned).toMatchObject({ n, both: answerA, mcq_only: 0, open_only: n - answerA, neither: 0 });
    // McNemar exact p for base: b = n − even discordant pairs all one way → 2 · 0.5^b
    expect(r.models.base.mcnemar_exact_p).toBeCloseTo(Math.min(1, 2 * 0.5 ** (n - even)), 12);
    // Paired MCQ comparison: base is right where tuned is wrong on every item whose answer is not A.
    expect(r.paired['base:tuned'].mcq).toMatchObject({ n, base_better: n - answerA, tuned_better: 0 });
    expect(r.paired['base:tuned'].open).toMatchObject({ n, tuned_better: n - even, base_better: 0 });

    // 2 models × (40 MCQs + 40 open) answers + 80 judgments, less the judgments whose prompt is
    // identical for both models (the same answer text: paid once, test/security/inflight-dedup.test.ts);
    // a rerun of any step is served from the cache.
    const byItem = new Map<string, Set<string>>();
    for (const line of (await readFile(join(dir, 'open-responses.jsonl'), 'utf8')).trim().split('\n')) {
      const r = JSON.parse(line) as { item_id: string; output: string };
      byItem.set(r.item_id, (byItem.get(r.item_id) ?? new Set()).add(r.output));
    }
    const sameAnswer = [...byItem.values()].filter((s) => s.size === 1).length;
    const calls = server.chatRequests().length;
    expect(calls).toBe(2 * 2 * n + 2 * n - sameAnswer);
    await jk(dir, 'judge', '--items', 'open.jsonl', '--responses', 'open-responses.jsonl', '--rubric', join(root, 'rubrics/medcmr-v1.yaml'), '--model', 'judge', '--output-mode', 'json_mode', '--out', 'judge-out2', ...ep);
    expect(server.chatRequests().length).toBe(calls);
  }, 120_000);
});
