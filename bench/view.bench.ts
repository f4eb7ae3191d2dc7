/**
 * `judgekit view` on a run of 100,000 judgments (issue 14: "a filter answers in under 1 s"):
 * 50,000 items × 2 models judged on two criteria, with their 100,000 MCQ records and 20,000 human
 * labels, written as a run folder; the viewer's server started over it; each filter asked through
 * HTTP as the page asks it (one page of 50 rows), timed from request to parsed answer.
 *
 *   node bin/run-ts.js bench/view.bench.ts [--items N] [--repeat N]
 *
 * Prints a table (stdout) and writes bench/out/view.json.
 */
import { mkdtempSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRunIndex, ViewServer } from '../src/view/index.ts';
import { writeRunFolder } from '../test/helpers/run-folder.ts';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const items = arg('items', 50_000);
const repeat = arg('repeat', 7);

function get(port: number, path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
    })
      .on('error', reject)
      .end();
  });
}

const root = mkdtempSync(join(tmpdir(), 'jk-view-bench-'));
let t = performance.now();
const runDir = writeRunFolder(root, { items, labelled: 5_000 });
const writeMs = performance.now() - t;
t = performance.now();
const run = await loadRunIndex(runDir);
const loadMs = performance.now() - t;
const judgments = run.rows.filter((r) => r.source === 'judgment').length;
const server = new ViewServer({ run, host: '127.0.0.1', port: 0 });
const { port } = await server.listen();

const filters: Array<[string, string]> = [
  ['no filter, first page', ''],
  ['source=judgment & model=model-b & task=DD', 'source=judgment&model=model-b&task=DD'],
  ['status=parse_error (rare)', 'status=parse_error'],
  ['criterion=accuracy, page 1,000', 'criterion=accuracy&offset=49950'],
  ['item contains "q4999"', 'item=q4999'],
  ['stage=judge & model=model-a & criterion=clarity & task=VR & item contains "7"', 'stage=judge&model=model-a&criterion=clarity&task=VR&item=7'],
];
const rows: Array<{ filter: string; total: number; median_ms: number; max_ms: number }> = [];
for (const [name, q] of filters) {
  const times: number[] = [];
  let total = 0;
  for (let k = 0; k < repeat; k++) {
    const t0 = performance.now();
    total = ((await get(port, `/api/rows?${q}`)) as { total: number }).total;
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  rows.push({ filter: name, total, median_ms: times[Math.floor(times.length / 2)]!, max_ms: times[times.length - 1]! });
}
const firstFacets = performance.now();
await get(port, '/api/facets');
const facetsMs = performance.now() - firstFacets;
const firstDis = performance.now();
await get(port, '/api/disagreements');
const disMs = performance.now() - firstDis;
await server.close();
await rm(root, { recursive: true, force: true });

console.log(`${judgments} judgments, ${run.rows.length} rows in all; run folder written in ${(writeMs / 1000).toFixed(1)} s, loaded by the viewer in ${(loadMs / 1000).toFixed(2)} s; heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`);
console.log('| filter (one page of 50 rows, through HTTP) | rows matching | median | max |');
console.log('|---|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.filter} | ${r.total} | ${r.median_ms.toFixed(1)} ms | ${r.max_ms.toFixed(1)} ms |`);
console.log(`| facets (first call, then cached) | | ${facetsMs.toFixed(1)} ms | |`);
console.log(`| judge-vs-human disagreements (first call, then cached) | | ${disMs.toFixed(1)} ms | |`);
const out = fileURLToPath(new URL('./out/', import.meta.url));
await mkdir(out, { recursive: true });
await writeFile(join(out, 'view.json'), JSON.stringify({ judgments, rows: run.rows.length, load_ms: loadMs, filters: rows, facets_ms: facetsMs, disagreements_ms: disMs }, null, 2));
