import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { candidateOf } from '../helpers/openai-server.ts';
import { useOpenAIServer } from '../helpers/use-openai-server.ts';
import { spawnJudgekit, traceableJudgeFixture, type CliRun } from '../helpers/cli.ts';

const ROOT = resolve('.');
const FIX = join(ROOT, 'test/fixtures/judge');
const SECRET = 'sk-test-SECRET123-do-not-leak-4f9a';

const server = useOpenAIServer();

/** `judgekit judge ARGS` from the project root. */
const cli = (args: string[], env: Record<string, string> = {}): CliRun => spawnJudgekit(['judge', ...args], { cwd: ROOT, env });

const tmp = (): string => mkdtempSync(join(tmpdir(), 'jk-cli-'));

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

const bigFixture = (n: number): { items: string; responses: string } => traceableJudgeFixture(tmp(), n);

function unitOf(req: Parameters<typeof candidateOf>[0]): string {
  return candidateOf(req)!.replace(/^unit /, '');
}

function cachedUnits(cacheDir: string): Set<string> {
  const out = new Set<string>();
  for (const f of allFiles(cacheDir).filter((p) => p.endsWith('.jsonl'))) {
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      try {
        const row = JSON.parse(line) as { v: { label: { item_id: string; model: string } } };
        out.add(`${row.v.label.model}/${row.v.label.item_id}`);
      } catch {
        /* a torn last line is not a finished unit */
      }
    }
  }
  return out;
}

const base = (out: string, cache: string, extra: string[] = []): string[] => [
  '--items', join(FIX, 'items.jsonl'), '--responses', join(FIX, 'responses.jsonl'), '--rubric', 'rubrics/medcmr-v1.yaml',
  '--base-url', server.url, '--model', 'judge-model', '--output-mode', 'json_mode', '--out', out, '--cache-dir', cache, ...extra,
];

describe('judgekit judge', () => {
  it('writes judgments.jsonl and judge.json and prints the JSON contract; the key never leaks', async () => {
    const out = tmp();
    const cache = tmp();
    // The server echoes the key in a 401 message once (after the preflight call, so the run goes
    // on), and rate-limits once.
    let n = 0;
    server.handler = (req) => {
      if (++n === 2) {
        return { kind: 'status', status: 401, body: { error: { message: `Incorrect API key provided: ${String(req.headers.authorization)}` } } };
      }
      return { kind: 'verdict', scores: { consistency: 4, coherence: 4, visual_accuracy: 3, ground_truth_correctness: 5 } };
    };
    server.enqueue({ kind: 'status', status: 429, headers: { 'retry-after-ms': '10' } });
    const r = await cli([...base(out, cache, ['--api-key-env', 'JK_SECRET_KEY', '--json', '--concurrency', '1', '--price-in', '1', '--price-out', '4', '--max-failure-rate', '0.2'])], { JK_SECRET_KEY: SECRET }).done;
    expect(r.code).toBe(0);
    const res = JSON.parse(r.stdout);
    // judge.json as a judge stage writes it: the summary, the fingerprint and the spend
    expect(Object.keys(res).sort()).toEqual(['by_status', 'cost_usd', 'fingerprint', 'models', 'n', 'requests', 'spend', 'tokens']);
    expect(res.n).toBe(8);
    expect(res.by_status).toEqual({ ok: 7, api_error: 1 });
    expect(res.requests).toBe(9);
    expect(res.models['model-a'].score).toEqual({ value: expect.any(Number), ci_low: expect.any(Number), ci_high: expect.any(Number) });
    expect(res.models['model-b'].criteria.visual_accuracy.value).toBe(3);
    expect(res.cost_usd).toBeCloseTo((res.tokens.input * 1 + res.tokens.output * 4) / 1e6, 12);
    const lines = readFileSync(join(out, 'judgments.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(8);
    expect(JSON.parse(readFileSync(join(out, 'judge.json'), 'utf8'))).toEqual(res);
    // the key reached the server …
    expect(server.chatRequests()[0]!.headers.authorization).toBe(`Bearer ${SECRET}`);
    // … and nothing the run wrote or printed holds it
    for (const f of [...allFiles(out), ...allFiles(cache)]) expect(readFileSync(f, 'utf8'), f).not.toContain('SECRET123');
    expect(r.stdout + r.stderr).not.toContain('SECRET123');
    expect(readFileSync(join(out, 'judgments.jsonl'), 'utf8')).toContain('[redacted]');
  }, 60_000);

  it('--dry-run prints calls, tokens and cost and sends nothing', async () => {
    const r = await cli([...base(tmp(), tmp(), ['--dry-run', '--json', '--price-in', '0.28', '--price-out', '0.42', '--expected-output-tokens', '150'])]).done;
    expect(r.code).toBe(0);
    const est = JSON.parse(r.stdout);
    expect(est).toMatchObject({ dry_run: true, judgments: 8, calls: 8, cached: 0, tokens: { output: 1200 } });
    expect(est.cost_usd).toBeCloseTo((est.tokens.input * 0.28 + 1200 * 0.42) / 1e6, 12);
    expect(server.requests).toHaveLength(0);
    const human = await cli([...base(tmp(), tmp(), ['--dry-run'])]).done;
    expect(human.stdout).toMatch(/8 calls/);
    expect(human.stdout).toMatch(/estimated cost: \$/);
  }, 60_000);

  it('bad input is one line on stderr and exit code 2', async () => {
    const r = await cli(['--items', join(FIX, 'items.jsonl'), '--responses', join(FIX, 'responses.jsonl'), '--rubric', 'rubrics/medcmr-v1.yaml', '--base-url', server.url, '--model', 'm', '--concurrency', 'many']).done;
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('judgekit: option --concurrency takes a whole number in [1, ∞], not "many"');
    const r2 = await cli([...base(tmp(), tmp(), ['--api-key-env', 'JK_NOT_SET_ANYWHERE'])]).done;
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/JK_NOT_SET_ANYWHERE is not set/);
  }, 60_000);

  it('kill -9 mid-run loses no finished judgment, and the rerun repeats none', async () => {
    const fx = bigFixture(40); // 80 judgments
    const out = tmp();
    const cache = tmp();
    server.latency_ms = 40;
    const args = ['--items', fx.items, '--responses', fx.responses, '--rubric', 'rubrics/medcmr-v1.yaml', '--base-url', server.url, '--model', 'judge-model', '--output-mode', 'json_mode', '--out', out, '--cache-dir', cache, '--concurrency', '4', '--json'];
    const run = cli(args);
    while (server.chatRequests().length < 30) await new Promise((r) => setTimeout(r, 10));
    run.child.kill('SIGKILL');
    const killed = await run.done;
    expect(killed.signal).toBe('SIGKILL');
    const finished = cachedUnits(cache);
    expect(finished.size).toBeGreaterThanOrEqual(20);
    expect(finished.size).toBeLessThan(80);
    server.reset();
    const rerun = await cli(args).done;
    expect(rerun.code).toBe(0);
    const again = server.chatRequests().map(unitOf);
    // no finished unit is asked again, and every unfinished one is asked exactly once
    expect(again.filter((u) => finished.has(u))).toEqual([]);
    expect(new Set(again).size).toBe(again.length);
    expect(again.length).toBe(80 - finished.size);
    const res = JSON.parse(rerun.stdout);
    expect(res.by_status).toEqual({ ok: 80 });
    expect(res.requests).toBe(80 - finished.size);
    expect(readFileSync(join(out, 'judgments.jsonl'), 'utf8').trim().split('\n')).toHaveLength(80);
  }, 120_000);

  it('Ctrl-C (SIGINT) stops cleanly with exit code 130, and the rerun resumes', async () => {
    const fx = bigFixture(30);
    const out = tmp();
    const cache = tmp();
    server.latency_ms = 40;
    const args = ['--items', fx.items, '--responses', fx.responses, '--rubric', 'rubrics/medcmr-v1.yaml', '--base-url', server.url, '--model', 'judge-model', '--output-mode', 'json_mode', '--out', out, '--cache-dir', cache, '--concurrency', '4', '--json'];
    const run = cli(args);
    while (server.chatRequests().length < 12) await new Promise((r) => setTimeout(r, 10));
    run.child.kill('SIGINT');
    const stopped = await run.done;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(/interrupted; every finished judgment is in the cache/);
    expect(readdirSync(out)).toEqual([]); // no partial ledger
    const finished = cachedUnits(cache);
    server.reset();
    const rerun = await cli(args).done;
    expect(rerun.code).toBe(0);
    const again = server.chatRequests().map(unitOf);
    expect(again.filter((u) => finished.has(u))).toEqual([]);
    expect(JSON.parse(rerun.stdout).by_status).toEqual({ ok: 60 });
  }, 120_000);

  it('replays recorded verdicts offline', async () => {
    const out = tmp();
    const r = await cli(['--items', join(FIX, 'items.jsonl'), '--responses', join(FIX, 'responses.jsonl'), '--rubric', 'rubrics/medreason-v1.yaml', '--replay', join(FIX, 'verdicts.jsonl'), '--out', out, '--json', '--no-cache']).done;
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).by_status).toEqual({ ok: 4, parse_error: 2, refusal: 1 });
    expect(server.requests).toHaveLength(0);
  }, 60_000);
});
