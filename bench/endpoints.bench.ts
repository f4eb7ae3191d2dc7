/**
 * The judge against endpoints that behave like real ones (issue 11). In-process local server
 * (test/helpers/openai-server.ts), real `openai` SDK over HTTP on 127.0.0.1.
 *
 *   1. Mixed-format stream: N judgments (medcmr-v1, JSON mode); the server writes each verdict in
 *      one of the loose styles real judges use (flat, wrapper, loose keys, {score, reason},
 *      strings, 4/5, fenced, preamble, <think>, bare fence), and a share `--bad` of first replies
 *      are prose that quotes JSON (unreadable: one repair each, then a flat verdict).
 *      Reports judgments/s and repair requests per 1,000 judgments.
 *   2. Hidden concurrency limit: the server answers 429 (no retry-after, as vLLM-like proxies do)
 *      above `--limit` concurrent requests, `--latency` ms each. The same U units run with the
 *      engine's adaptive concurrency and with a fixed concurrency, both with ceiling `--ceiling`,
 *      and at a fixed concurrency equal to the hidden limit (the oracle a user who knew it would pick).
 *      Reports throughput, its share of the ideal (limit / latency), 429s and the mean in flight.
 *
 *   node bin/run-ts.js bench/endpoints.bench.ts [--n 2000] [--bad 0.05] [--units 400] [--limit 8] [--ceiling 32] [--latency 100]
 *
 * Prints tables and writes bench/out/endpoints.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { loadRubric, runJudge } from '../src/judges/index.ts';
import { JudgeEngine, type EngineUnit } from '../src/llm/engine.ts';
import { resolveEndpoint } from '../src/llm/presets.ts';
import { EndpointConfig } from '../src/schema/endpoint.ts';
import type { Item, Response } from '../src/schema/index.ts';
import { candidateOf, LOOSE_STYLES, OpenAIServer } from '../test/helpers/openai-server.ts';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}
const N = arg('n', 2000);
const BAD = arg('bad', 0.05);
const U = arg('units', 400);
const LIMIT = arg('limit', 8);
const CEILING = arg('ceiling', 32);
const LATENCY = arg('latency', 100);

async function mixedStream(): Promise<Record<string, number>> {
  const server = await OpenAIServer.start({ latency_ms: 5 });
  const items: Item[] = Array.from({ length: N }, (_, i) => ({ id: `q${i}`, format: 'open', question: `Question ${i}?`, reference: `Ref ${i}`, visual_description: `D ${i}` }) as Item);
  const responses: Response[] = items.map((it) => ({ item_id: it.id, model: 'm', output: `Reasoning: r.\nAnswer: ${it.id}` }) as Response);
  const badEvery = BAD > 0 ? Math.round(1 / BAD) : Infinity;
  server.handler = (req) => {
    const n = Number(candidateOf(req)!.slice(1));
    const repair = req.body.messages.length > 2;
    if (!repair && n % badEvery === badEvery - 1) return { kind: 'loose', style: 'quoted_then_prose' };
    return { kind: 'loose', style: repair ? 'flat' : LOOSE_STYLES[n % LOOSE_STYLES.length]! };
  };
  const rubric = await loadRubric(fileURLToPath(new URL('../rubrics/medcmr-v1.yaml', import.meta.url)));
  const t0 = performance.now();
  const r = await runJudge({ items, responses, rubric, judge: { kind: 'llm', endpoint: { base_url: server.url, model: 'j', output_mode: 'json_mode', concurrency: 32 } }, cacheDir: null, resamples: 0 });
  const secs = (performance.now() - t0) / 1000;
  await server.close();
  const ok = r.judgments.filter((j) => j.status === 'ok').length;
  const repairs = r.judgments.reduce((s, j) => s + j.repairs, 0);
  return { judgments: N, ok, seconds: secs, judgments_per_s: N / secs, repair_requests: repairs, repairs_per_1000: (1000 * repairs) / N, requests: r.spend.requests };
}

async function hiddenLimit(mode: 'adaptive' | 'fixed' | 'oracle'): Promise<Record<string, number | string>> {
  const server = await OpenAIServer.start({ max_concurrent: LIMIT });
  server.handler = () => ({ kind: 'content', content: '{"n": 1}', latency_ms: LATENCY });
  const concurrency = mode === 'oracle' ? LIMIT : CEILING;
  const ep = resolveEndpoint(EndpointConfig.parse({ base_url: server.url, model: 'm', output_mode: 'json_mode', concurrency, max_retries: 30 }));
  const engine = new JudgeEngine<number>({ endpoint: ep, adaptive_concurrency: mode === 'adaptive', seed: 7 });
  const units: EngineUnit<number>[] = Array.from({ length: U }, (_, i) => ({ key: `u${i}`, messages: [{ role: 'user', content: `u${i}` }], parse: () => ({ ok: true, value: 1, method: 'x' }) }));
  const t0 = performance.now();
  const out = await engine.run(units);
  const secs = (performance.now() - t0) / 1000;
  await server.close();
  const ok = out.filter((o) => o.status === 'ok').length;
  const ideal = LIMIT / (LATENCY / 1000);
  return {
    mode,
    ceiling: concurrency,
    ok,
    failed: U - ok,
    seconds: secs,
    units_per_s: ok / secs,
    share_of_ideal: ok / secs / ideal,
    mean_in_flight: (ok * LATENCY) / 1000 / secs,
    rejected_429: server.load.rejected,
    final_limit: engine.gate.limit,
    lowest_limit: engine.gate.stats.min,
  };
}

const mixed = await mixedStream();
console.log(`Mixed-format stream: ${N} judgments (${LOOSE_STYLES.length} loose styles, ${(BAD * 100).toFixed(0)}% unreadable first replies), concurrency 32, 5 ms server latency`);
console.log(`  ok ${mixed.ok}/${N}; ${mixed.judgments_per_s!.toFixed(0)} judgments/s; ${mixed.repair_requests} repair requests = ${mixed.repairs_per_1000!.toFixed(1)} per 1,000 judgments; ${mixed.requests} requests in all`);

const rows = [];
for (const mode of ['adaptive', 'fixed', 'oracle'] as const) rows.push(await hiddenLimit(mode));
console.log(`\nHidden concurrency limit ${LIMIT} (429 above it, no retry-after), ${LATENCY} ms per answer, ${U} units; ideal ${(LIMIT / (LATENCY / 1000)).toFixed(0)} units/s`);
console.log('| mode | configured | ok | units/s | share of ideal | mean in flight | 429s | final limit |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.mode} | ${r.ceiling} | ${r.ok}/${U} | ${(r.units_per_s as number).toFixed(1)} | ${((r.share_of_ideal as number) * 100).toFixed(0)}% | ${(r.mean_in_flight as number).toFixed(1)} | ${r.rejected_429} | ${r.final_limit} |`);
}
await mkdir(fileURLToPath(new URL('./out/', import.meta.url)), { recursive: true });
await writeFile(fileURLToPath(new URL('./out/endpoints.json', import.meta.url)), JSON.stringify({ mixed, hidden_limit: rows, params: { N, BAD, U, LIMIT, CEILING, LATENCY } }, null, 2));
