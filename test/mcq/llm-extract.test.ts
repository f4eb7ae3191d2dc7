import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { llmExtractMessages, parseExtractorReply, readLlmValue } from '../../src/mcq/llm-extract.ts';
import { renderMcqMarkdown } from '../../src/mcq/report.ts';
import { runMcqStage } from '../../src/pipeline/stages/mcq.ts';
import { enforceFailureRate, hasFailedUnits } from '../../src/pipeline/failure-rate.ts';
import { Item, McqRecord, McqResult } from '../../src/schema/index.ts';
import { McqStage } from '../../src/schema/experiment.ts';
import type { StageContext, StageOutcome } from '../../src/pipeline/stage.ts';
import { OpenAIServer, promptText, type RecordedRequest } from '../helpers/openai-server.ts';
import { spawnJudgekit } from '../helpers/cli.ts';

const OPTIONS = { A: 'Pneumonia', B: 'Pneumothorax', C: 'Pleural effusion', D: 'Atelectasis' };
const ITEMS = [
  { id: 'q1', format: 'mcq', question: 'Film one: which finding?', options: OPTIONS, answer: 'B' },
  { id: 'q2', format: 'mcq', question: 'Film two: which finding?', options: OPTIONS, answer: 'B' },
  { id: 'q3', format: 'mcq', question: 'Film three: which finding?', options: OPTIONS, answer: 'A' },
  { id: 'q4', format: 'mcq', question: 'Film four: which finding?', options: OPTIONS, answer: 'D' },
  { id: 'q5', format: 'mcq', question: 'Film five: which finding?', options: OPTIONS, answer: 'C' },
  { id: 'q6', format: 'mcq', question: 'Film six: which findings?', options: OPTIONS, answers: ['B', 'D'] },
  { id: 'q7', format: 'mcq', question: 'Film seven: which finding?', options: OPTIONS, answer: 'A' },
];
/** Replies the rule cascade reads (q1), cannot read (q2, q4, q6, q7: no_answer; q3: ambiguous) or finds empty (q5). */
const REPLIES: Record<string, string> = {
  q1: 'The answer is (B).',
  q2: 'The lung edge with no vessels beyond it points to air in the pleural space, so I would go with the second one.',
  q3: 'It could be (A) or (C); both fit the picture.',
  q4: 'Looking at the film, the collapsed lobe pulls the fissure up. My pick is the last listed option.',
  q5: '',
  q6: "Air is in the pleural space and the lobe is collapsed; of the listed findings I'd pick the second and the fourth.",
  q7: 'Hard to say from this view; it is whatever the radiologist decides.',
};
/** What the test server's "LLM" answers per film: a letter, a refusal to choose, a letter the item lacks, a list, prose. */
const LLM_SAYS: Record<string, string> = { one: 'B', two: 'B', three: 'ambiguous', four: 'E', five: 'C', six: 'B, D', seven: 'I think it is A' };
const USAGE = { prompt_tokens: 100, completion_tokens: 2 };

let server: OpenAIServer;
const dir = mkdtempSync(join(tmpdir(), 'jk-mcq-llm-'));
writeFileSync(join(dir, 'items.jsonl'), ITEMS.map((i) => JSON.stringify(i)).join('\n') + '\n');
writeFileSync(join(dir, 'responses.jsonl'), Object.entries(REPLIES).map(([id, output]) => JSON.stringify({ item_id: id, model: 'm1', output })).join('\n') + '\n');
const fast = { base_ms: 1, max_ms: 5, max_retry_after_ms: 50 };
const film = (req: RecordedRequest): string => /Film (\w+):/.exec(promptText(req))![1]!;

function ctx(): StageContext {
  return { runDir: dir, configDir: dir, seed: 7, resamples: 0, cacheDir: join(dir, 'unused'), signal: new AbortController().signal, log: () => {} };
}
function stage(extra: Record<string, unknown> = {}) {
  return McqStage.parse({
    name: 'mcq',
    kind: 'mcq',
    items: 'items.jsonl',
    responses: 'responses.jsonl',
    extractor: { endpoint: { base_url: server.url, model: 'reader-1', max_retries: 0, timeout_ms: 2000, price: { input_per_m: 1, output_per_m: 2 } }, ...extra },
  });
}
/** The stage's `mcq_records.jsonl`, each record validated by its schema. */
function ledger(out: StageOutcome): McqRecord[] {
  const f = out.files.find((x) => x.suffix === 'mcq_records.jsonl');
  if (!f || !('jsonl' in f)) throw new Error('no mcq_records.jsonl');
  return f.jsonl.map((r) => McqRecord.parse(r));
}
const byId = (out: StageOutcome): Record<string, McqRecord> => Object.fromEntries(ledger(out).map((r) => [r.item_id, r]));

beforeAll(async () => {
  server = await OpenAIServer.start();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.reset();
  server.queue.length = 0;
  server.handler = (req) => ({ kind: 'content', content: LLM_SAYS[film(req)]!, usage: USAGE });
});
afterEach(() => {
  process.exitCode = undefined;
});

describe('the second reader\'s prompt and answer format', () => {
  const item = Item.parse(ITEMS[1]);
  it('asks for what the reply commits to, with the options and the reply as data, never for the most similar option', () => {
    const [system, user] = llmExtractMessages(item, REPLIES.q2!);
    expect(system!.content).toContain('report only what the reply states');
    expect(system!.content).toContain('Answer with exactly one of: one letter from A, B, C, D; none; ambiguous.');
    expect(system!.content).not.toMatch(/most similar to the answer/);
    expect(user!.content).toContain('Options:\nA. Pneumonia\nB. Pneumothorax\nC. Pleural effusion\nD. Atelectasis');
    expect(user!.content).toContain(`<<<REPLY\n${REPLIES.q2}\nREPLY>>>`);
    const multi = llmExtractMessages(Item.parse(ITEMS[5]), 'x')[0]!.content as string;
    expect(multi).toContain('separated by commas (e.g. B,D)');
  });
  it('keeps the end of a very long reply, where the final commitment is', () => {
    const long = 'x'.repeat(10_000) + ' so the answer is the second.';
    const user = llmExtractMessages(item, long)[1]!.content as string;
    expect(user).toContain('[… beginning omitted …]');
    expect(user).toContain('so the answer is the second.');
    expect(user.length).toBeLessThan(6500);
  });
  it('reads one letter, a list, none and ambiguous in their plain wrappings; anything else is a parse error', () => {
    expect(parseExtractorReply(' B ')).toEqual({ ok: true, value: 'B', method: 'text' });
    expect(parseExtractorReply('(C).')).toEqual({ ok: true, value: 'C', method: 'text' });
    expect(parseExtractorReply('**D**')).toEqual({ ok: true, value: 'D', method: 'text' });
    expect(parseExtractorReply('D, B,D')).toEqual({ ok: true, value: 'B,D', method: 'text' });
    expect(parseExtractorReply('None')).toEqual({ ok: true, value: 'none', method: 'text' });
    expect(parseExtractorReply('"ambiguous"')).toEqual({ ok: true, value: 'ambiguous', method: 'text' });
    for (const bad of ['I think it is A', 'b', 'A or B', 'Z?', 'The answer: C']) expect(parseExtractorReply(bad).ok).toBe(false);
  });
  it('validates against the item: a letter it lacks or a list on a single-answer item is llm_unreadable', () => {
    expect(readLlmValue('B', item)).toEqual({ status: 'ok', extracted: 'B', rule: 'llm' });
    expect(readLlmValue('E', item)).toEqual({ status: 'invalid_answer', extracted: null, rule: 'llm_unreadable' });
    expect(readLlmValue('B,C', item)).toEqual({ status: 'invalid_answer', extracted: null, rule: 'llm_unreadable' });
    expect(readLlmValue('none', item).rule).toBe('llm_none');
    expect(readLlmValue('ambiguous', item).rule).toBe('llm_ambiguous');
    expect(readLlmValue('B,D', Item.parse(ITEMS[5]))).toEqual({ status: 'ok', extracted: 'B,D', rule: 'llm' });
  });
});

describe('the mcq stage with the second reader, through the openai SDK against the local server', () => {
  it('sends only the replies the rules cannot read; letters come back validated; cost and statuses are counted', async () => {
    const out = await runMcqStage(stage(), ctx(), { cacheDir: null, test: { backoff: fast } });
    const sent = server.chatRequests();
    // q1 (read by the rules) and q5 (empty) are never sent; one call per other reply.
    expect(sent.map(film).sort()).toEqual(['seven', 'six', 'three', 'two', 'four'].sort());
    for (const r of sent) {
      expect(promptText(r)).not.toContain(REPLIES.q1);
      expect(r.body.response_format).toBeUndefined();
      expect(r.body.model).toBe('reader-1');
    }
    const recs = byId(out);
    expect(recs.q1).toMatchObject({ status: 'ok', extracted: 'B', rule: 'answer_is', extracted_by: 'rules', correct: true });
    expect(recs.q1!.calls).toBeUndefined();
    expect(recs.q5).toMatchObject({ status: 'invalid_answer', rule: 'empty', extracted_by: 'rules' });
    expect(recs.q2).toMatchObject({ status: 'ok', extracted: 'B', rule: 'llm', rules_rule: 'no_answer', extracted_by: 'llm', correct: true });
    expect(recs.q2!.calls![0]).toMatchObject({ part: 'extract', raw: 'B', status: 'ok', cached: false });
    expect(recs.q3).toMatchObject({ status: 'invalid_answer', extracted: null, rule: 'llm_ambiguous', rules_rule: 'ambiguous', extracted_by: 'llm', correct: null });
    expect(recs.q4).toMatchObject({ status: 'invalid_answer', extracted: null, rule: 'llm_unreadable', extracted_by: 'llm', correct: null });
    expect(recs.q6).toMatchObject({ status: 'ok', extracted: 'B,D', rule: 'llm', extracted_by: 'llm', correct: true });
    expect(recs.q7).toMatchObject({ status: 'invalid_answer', rule: 'llm_unreadable', extracted_by: 'llm', correct: null });
    expect(recs.q7!.calls![0]).toMatchObject({ status: 'parse_error', raw: 'I think it is A' });

    // 5 calls × (100 input tokens at $1/M + 2 output tokens at $2/M) = 5 × $0.000104.
    expect(out.cost_usd).toBeCloseTo(5 * 0.000104, 12);
    expect(recs.q2!.cost_usd).toBeCloseTo(0.000104, 12);
    expect(out.counts).toEqual({ ok: 3, invalid_answer: 4, 'extractor:ok': 4, 'extractor:parse_error': 1 });

    const result = McqResult.parse(out.result);
    expect(result.second_reader).toMatchObject({ model: 'reader-1', sent: 5, statuses: { ok: 4, parse_error: 1 }, cached: 0, requests: 5, tokens: { input: 500, output: 10 } });
    const m = result.models.m1!;
    // Correct: q1 (rules), q2 and q6 (LLM) of 7; with the rules alone only q1.
    expect(m.accuracy).toBeCloseTo(3 / 7, 12);
    expect(m.accuracy_rules_only).toBeCloseTo(1 / 7, 12);
    expect(m.by_extractor).toEqual({ rules: { records: 2, correct: 1 }, llm: { records: 5, correct: 2 } });
    expect(m.by_rule).toMatchObject({ llm: 2, llm_unreadable: 2, llm_ambiguous: 1, answer_is: 1, empty: 1 });
    const md = renderMcqMarkdown(result);
    expect(md).toContain('### Second reader (LLM)');
    expect(md).toContain('| m1 | 42.86 | 14.29 | 2 | 5 | 2 |');
  });

  it('serves ok calls from the cache (nothing paid again) and asks again only the failed one', async () => {
    const cacheDir = join(dir, 'cache-a');
    const first = await runMcqStage(stage(), ctx(), { cacheDir, test: { backoff: fast } });
    expect(server.chatRequests()).toHaveLength(5);
    server.reset();
    const second = await runMcqStage(stage(), ctx(), { cacheDir, test: { backoff: fast } });
    // Only q7's parse error was not cached.
    expect(server.chatRequests().map(film)).toEqual(['seven']);
    expect(McqResult.parse(second.result).second_reader).toMatchObject({ sent: 5, cached: 4, requests: 1 });
    expect(second.cost_usd).toBeCloseTo(0.000104, 12);
    const recs = byId(second);
    expect(recs.q2!.calls![0]!.cached).toBe(true);
    expect(recs.q2!.cost_usd).toBe(0);
    // Same readings either way.
    const strip = (o: StageOutcome) => ledger(o).map((r) => [r.item_id, r.status, r.extracted, r.rule]);
    expect(strip(second)).toEqual(strip(first));
  });

  it('a failed call leaves the rules\' record; the failure-rate rule counts the second reader\'s calls only', async () => {
    server.handler = (req) => (film(req) === 'four' ? { kind: 'status', status: 500 } : { kind: 'content', content: LLM_SAYS[film(req)]!.replace('I think it is A', 'A'), usage: USAGE });
    const out = await runMcqStage(stage(), ctx(), { cacheDir: null, test: { backoff: fast } });
    const recs = byId(out);
    expect(recs.q4).toMatchObject({ status: 'invalid_answer', rule: 'no_answer', extracted_by: 'rules', rules_rule: 'no_answer' });
    expect(recs.q4!.calls![0]).toMatchObject({ status: 'api_error' });
    expect(out.counts).toMatchObject({ 'extractor:ok': 4, 'extractor:api_error': 1 });
    const lines: string[] = [];
    const over = enforceFailureRate([{ name: 'mcq', kind: 'mcq', counts: out.counts }], 0.05, (s) => lines.push(s));
    // 1 failed call of 5 (the 4 invalid answers are the candidate's, not failed calls).
    expect(over).toMatchObject([{ total: 5, failed: 1, rate: 0.2, statuses: { api_error: 1 } }]);
    expect(lines.join('')).toContain('stage "mcq (LLM second reader)": 1 of 5 units failed');
    expect(process.exitCode).toBe(3);
    process.exitCode = undefined;
    expect(enforceFailureRate([{ name: 'mcq', kind: 'mcq', counts: out.counts }], 0.25, () => {})).toEqual([]);
    expect(hasFailedUnits({ kind: 'mcq' }, out.counts)).toBe(true);
    // Without the second reader an MCQ stage has no calls: its invalid answers never trip the rule.
    expect(enforceFailureRate([{ name: 'mcq', kind: 'mcq', counts: { ok: 1, invalid_answer: 6 } }], 0.05, () => {})).toEqual([]);
    expect(hasFailedUnits({ kind: 'mcq' }, { ok: 1, invalid_answer: 6 })).toBe(false);
  });

  it('is off by default: no extractor, no calls, records marked as read by the rules, no by_extractor', async () => {
    const plain = McqStage.parse({ name: 'mcq', kind: 'mcq', items: 'items.jsonl', responses: 'responses.jsonl' });
    const out = await runMcqStage(plain, ctx(), { cacheDir: null });
    expect(server.chatRequests()).toHaveLength(0);
    expect(out.counts).toEqual({ ok: 1, invalid_answer: 6 });
    const result = McqResult.parse(out.result);
    expect(result.second_reader).toBeUndefined();
    expect(result.models.m1!.by_extractor).toBeUndefined();
    expect(ledger(out).every((r) => r.extracted_by === 'rules')).toBe(true);
  });

  it('the stage option is strict', () => {
    expect(McqStage.safeParse({ name: 'm', kind: 'mcq', items: 'i', responses: 'r', extractor: { endpoint: { model: 'x' }, temprature: 0 } }).success).toBe(false);
    expect(McqStage.safeParse({ name: 'm', kind: 'mcq', items: 'i', responses: 'r', extractor: { endpoint: { model: 'x' }, send: ['empty'] } }).success).toBe(false);
    expect(McqStage.parse({ name: 'm', kind: 'mcq', items: 'i', responses: 'r', extractor: { endpoint: { model: 'x' } } }).extractor).toMatchObject({ send: ['no_answer', 'ambiguous'], max_repairs: 0 });
  });
});

describe('judgekit mcq --llm-extractor-model and run --dry-run', () => {
  it('the command runs the stage with the second reader against the given endpoint', async () => {
    const out = join(dir, 'cli-out');
    const r = await spawnJudgekit(['mcq', '--items', join(dir, 'items.jsonl'), '--responses', join(dir, 'responses.jsonl'), '--llm-extractor-model', 'reader-1', '--base-url', server.url, '--api-key-env', 'READER_KEY', '--no-cache', '--json', '--bootstrap', '0', '--max-failure-rate', '0.5', '--out', out], { env: { READER_KEY: 'k-test' } }).done;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const res = McqResult.parse(JSON.parse(r.stdout));
    expect(res.second_reader).toMatchObject({ model: 'reader-1', sent: 5, statuses: { ok: 4, parse_error: 1 } });
    expect(server.chatRequests()).toHaveLength(5);
    expect(server.chatRequests()[0]!.headers.authorization).toBe('Bearer k-test');
    const ledger = readFileSync(join(out, 'mcq_records.jsonl'), 'utf8');
    expect(ledger).not.toContain('k-test');
    expect(ledger).toContain('"extracted_by":"llm"');
  });

  it('with the default --max-failure-rate, one unreadable reader reply of five exits 3', async () => {
    const r = await spawnJudgekit(['mcq', '--items', join(dir, 'items.jsonl'), '--responses', join(dir, 'responses.jsonl'), '--llm-extractor-model', 'reader-1', '--base-url', server.url, '--no-cache', '--json', '--bootstrap', '0']).done;
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('1 of 5 units failed');
  });

  it('a second-reader flag without --llm-extractor-model is an input error (exit 2)', async () => {
    const r = await spawnJudgekit(['mcq', '--items', join(dir, 'items.jsonl'), '--responses', join(dir, 'responses.jsonl'), '--base-url', server.url]).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--base-url describes the LLM second reader');
    expect(server.chatRequests()).toHaveLength(0);
  });

  it('the dry-run estimate counts one call per reply the rules cannot read, less what is cached', async () => {
    const { planExperiment } = await import('../../src/pipeline/plan.ts');
    const yaml = [
      'id: t',
      'stages:',
      '  - name: mcq',
      '    kind: mcq',
      '    items: items.jsonl',
      '    responses: responses.jsonl',
      '    extractor:',
      `      endpoint: {base_url: "${server.url}", model: reader-1, max_tokens: 4, price: {input_per_m: 1, output_per_m: 2}}`,
      '',
    ].join('\n');
    writeFileSync(join(dir, 'exp.yaml'), yaml);
    const cacheRoot = join(dir, 'plan-cache');
    const before = await planExperiment(join(dir, 'exp.yaml'), { cacheDir: cacheRoot, reportsDir: join(dir, 'reports') });
    expect(before.stages[0]!.estimate).toMatchObject({ calls: 5, cached: 0, output_tokens: 20 });
    expect(before.total.calls).toBe(5);
    expect(server.chatRequests()).toHaveLength(0);
    const cfg = McqStage.parse({ name: 'mcq', kind: 'mcq', items: 'items.jsonl', responses: 'responses.jsonl', extractor: { endpoint: { base_url: server.url, model: 'reader-1', max_tokens: 4, price: { input_per_m: 1, output_per_m: 2 } } } });
    await runMcqStage(cfg, { ...ctx(), cacheDir: cacheRoot });
    const after = await planExperiment(join(dir, 'exp.yaml'), { cacheDir: cacheRoot, reportsDir: join(dir, 'reports') });
    expect(after.stages[0]!.estimate).toMatchObject({ calls: 1, cached: 4 });
  });

  it('in a run, the manifest keeps the calls apart; a stage whose second reader failed runs again on resume, asking only the failures', async () => {
    const { runExperiment } = await import('../../src/pipeline/run.ts');
    const exp = join(dir, 'exp-run.yaml');
    writeFileSync(exp, ['id: r', 'bootstrap: 0', 'stages:', '  - name: mcq', '    kind: mcq', '    items: items.jsonl', '    responses: responses.jsonl', '    extractor:', `      endpoint: {base_url: "${server.url}", model: reader-1, max_retries: 0}`, ''].join('\n'));
    const opts = { reportsDir: join(dir, 'run-reports'), cacheDir: join(dir, 'run-cache'), log: () => {} };
    const first = await runExperiment(exp, opts);
    expect(first.manifest.stages.mcq!.counts).toEqual({ ok: 3, invalid_answer: 4, 'extractor:ok': 4, 'extractor:parse_error': 1 });
    expect(server.chatRequests()).toHaveLength(5);
    server.reset();
    const again = await runExperiment(exp, opts);
    expect(again.ran).toEqual(['mcq']);
    expect(server.chatRequests().map(film)).toEqual(['seven']);
    // Without failures the finished stage is skipped.
    server.handler = () => ({ kind: 'content', content: 'A', usage: USAGE });
    await runExperiment(exp, opts);
    server.reset();
    expect((await runExperiment(exp, opts)).skipped).toEqual(['mcq']);
    expect(server.chatRequests()).toHaveLength(0);
  });
});
