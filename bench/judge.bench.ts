/**
 * Rubric-judge throughput (issue 3, "Speed"). The local OpenAI-compatible test server runs in a
 * child process (test/helpers/openai-server.ts, stand-alone mode) and answers every chat request
 * after a fixed latency (200 ms by default). Measured in one run:
 *   1. reference: the bare OpenAI SDK, N requests by 64 workers, no judgekit around them;
 *   2. judgekit: runJudge over N responses (medcmr-v1 rubric, one call each) at concurrency 64,
 *      with a fresh cache: throughput, its ratio to the ideal 64 / latency and to the reference;
 *   3. the same run again, fully cached: judgments per second (runJudge end to end, cache load
 *      included; summary intervals off, then with 1,000 bootstrap resamples for comparison).
 *
 *   node bin/run-ts.js bench/judge.bench.ts [--n 5000] [--concurrency 64] [--latency 200]
 *
 * Prints a table (stdout) and writes bench/out/judge.json.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import pLimit from 'p-limit';
import { buildMessages, inputsOf, loadRubric, renderCase, renderCriteria, renderFormat, runJudge, splitOutput } from '../src/judges/index.ts';
import type { Item, Response } from '../src/schema/index.ts';

const root = fileURLToPath(new URL('../', import.meta.url));

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

const N = arg('n', 5000);
const C = arg('concurrency', 64);
const LATENCY = arg('latency', 200);

async function startServer(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, [join(root, 'bin/run-ts.js'), join(root, 'test/helpers/openai-server.ts'), '--latency', String(LATENCY)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d) => {
      buf += d;
      const m = /listening (\S+)/.exec(buf);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code})`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

function fixture(n: number): { items: Item[]; responses: Response[] } {
  const items: Item[] = [];
  const responses: Response[] = [];
  const models = ['model-a', 'model-b'];
  const nItems = Math.ceil(n / models.length);
  for (let i = 0; i < nItems; i++) {
    items.push({ id: `open-${i}`, format: 'open', question: `What is the most likely diagnosis in case ${i}?`, reference: `Diagnosis ${i}`, visual_description: `Axial CT slice ${i} with a hypodense lesion in the right hepatic lobe.` });
  }
  for (let k = 0; k < n; k++) {
    const i = k % nItems;
    const m = models[Math.floor(k / nItems)]!;
    responses.push({ item_id: `open-${i}`, model: m, output: `Reasoning: A hypodense lesion in the right lobe of the liver, case ${i}, seen by ${m}.\nAnswer: Diagnosis ${i}` });
  }
  return { items, responses };
}

const server = await startServer();
const cacheDir = await mkdtemp(join(tmpdir(), 'jk-bench-judge-'));
try {
  const rubric = await loadRubric(join(root, 'rubrics/medcmr-v1.yaml'));
  const { items, responses } = fixture(N);
  const judge = { kind: 'llm' as const, endpoint: { base_url: server.url, model: 'bench-judge', output_mode: 'json_mode' as const, concurrency: C, max_retries: 0 } };

  // 1. Reference: the bare SDK, sending the same prompts judgekit sends (built with its template).
  const criteria = rubric.rubric.criteria;
  const byId = new Map(items.map((i) => [i.id, i]));
  const promptOf = (r: Response): ReturnType<typeof buildMessages> => {
    const item = byId.get(r.item_id)!;
    const split = splitOutput(r.output);
    const slots = {
      title: rubric.rubric.title ?? rubric.rubric.id,
      criteria: renderCriteria(rubric.rubric, criteria),
      case: renderCase(inputsOf(criteria), { question: item.question, reference: item.reference, reasoning: split.reasoning, answer: split.answer, visual_description: item.visual_description, image_withheld: true }),
      format: renderFormat(rubric.rubric, criteria, 'json_mode'),
    };
    return buildMessages(rubric.template, slots);
  };
  const sdk = new OpenAI({ baseURL: server.url, apiKey: 'x', maxRetries: 0 });
  const limit = pLimit(C);
  let t = performance.now();
  await Promise.all(
    responses.map((r) =>
      limit(() =>
        sdk.chat.completions.create({
          model: 'bench-judge',
          messages: promptOf(r),
          response_format: { type: 'json_object' },
        }),
      ),
    ),
  );
  const refS = (performance.now() - t) / 1000;

  // 2. judgekit, fresh cache.
  t = performance.now();
  const live = await runJudge({ items, responses, rubric, judge, cacheDir, resamples: 0, seed: 1 });
  const liveS = (performance.now() - t) / 1000;
  const ok = live.summary.by_status.ok ?? 0;

  // 3. Fully cached reruns.
  // Three reruns; the median is reported (the first also pays for JIT warm-up of the cached path).
  const cachedTimes: number[] = [];
  let cached!: Awaited<ReturnType<typeof runJudge>>;
  for (let k = 0; k < 3; k++) {
    t = performance.now();
    cached = await runJudge({ items, responses, rubric, judge, cacheDir, resamples: 0, seed: 1 });
    cachedTimes.push((performance.now() - t) / 1000);
  }
  const cachedS = [...cachedTimes].sort((a, b) => a - b)[1]!;
  process.stderr.write(`cached reruns (s): ${cachedTimes.map((x) => x.toFixed(3)).join(', ')}\n`);
  t = performance.now();
  await runJudge({ items, responses, rubric, judge, cacheDir, resamples: 1000, seed: 1 });
  const cachedBootS = (performance.now() - t) / 1000;

  const ideal = C / (LATENCY / 1000);
  const result = {
    n: N,
    concurrency: C,
    latency_ms: LATENCY,
    ideal_per_s: ideal,
    reference_sdk_per_s: N / refS,
    judge_per_s: N / liveS,
    judge_vs_ideal: N / liveS / ideal,
    judge_vs_reference: N / liveS / (N / refS),
    ok_judgments: ok,
    requests: live.summary.requests,
    cached_rerun_per_s: N / cachedS,
    cached_rerun_requests: cached.summary.requests,
    cached_rerun_with_bootstrap_per_s: N / cachedBootS,
  };
  const rows: [string, string][] = [
    ['judgments', `${N} (ok ${ok}, requests ${live.summary.requests})`],
    ['ideal (concurrency / latency)', `${ideal.toFixed(1)}/s`],
    ['bare SDK reference', `${result.reference_sdk_per_s.toFixed(1)}/s`],
    ['judgekit, fresh cache', `${result.judge_per_s.toFixed(1)}/s = ${(100 * result.judge_vs_ideal).toFixed(1)}% of ideal, ${(100 * result.judge_vs_reference).toFixed(1)}% of bare SDK (target ≥ 95% of ideal)`],
    ['judgekit, fully cached', `${result.cached_rerun_per_s.toFixed(0)}/s, ${cached.summary.requests} requests (target ≥ 20,000/s)`],
    ['  … with 1,000-resample intervals', `${result.cached_rerun_with_bootstrap_per_s.toFixed(0)}/s`],
  ];
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(36)} ${v}\n`);
  await mkdir(join(root, 'bench/out'), { recursive: true });
  await writeFile(join(root, 'bench/out/judge.json'), JSON.stringify(result, null, 2) + '\n');
} finally {
  server.stop();
  await rm(cacheDir, { recursive: true, force: true });
}
