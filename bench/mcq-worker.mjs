// The judgekit side of bench/mcq.bench.ts, in a process of its own (its own peak RSS and CPU time):
// read + validate, extract + score, grouped bootstrap; writes node_letters.txt and node_result.json
// into the data folder and prints its timings as JSON.
//
//   node bench/mcq-worker.mjs DIR RESAMPLES SEED              the compiled package (dist/), as `judgekit` runs
//   node bin/run-ts.js bench/mcq-worker.mjs DIR RESAMPLES SEED --src    the TypeScript sources through tsx
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const [dir, resamples, seed] = process.argv.slice(2);
const from = process.argv.includes('--src') ? '../src/%s/index.ts' : '../dist/%s/index.js';
const mod = (name) => import(new URL(from.replace('%s', name), import.meta.url).href);
const { readItems, readResponses } = await mod('io');
const { scoreMcq, summariseMcq } = await mod('mcq');

const t0 = performance.now();
const items = await readItems(join(dir, 'items.jsonl'));
const responses = await readResponses(join(dir, 'responses.jsonl'), items);
const t1 = performance.now();
const records = scoreMcq(items, responses);
const t2 = performance.now();
const result = summariseMcq(records, { seed: Number(seed), resamples: Number(resamples) });
const t3 = performance.now();
let letters = '';
for (const r of records) letters += r.status === 'ok' ? r.extracted : r.extracted && r.rule === 'not_an_option' ? '!' : '-';
await writeFile(join(dir, 'node_letters.txt'), letters);
await writeFile(join(dir, 'node_result.json'), JSON.stringify(result));
process.stdout.write(
  JSON.stringify({ read_s: (t1 - t0) / 1e3, extract_s: (t2 - t1) / 1e3, bootstrap_s: (t3 - t2) / 1e3, compute_s: (t3 - t0) / 1e3, max_rss_mb: process.resourceUsage().maxRSS / 1024, records: records.length }),
);
