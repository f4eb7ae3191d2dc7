/**
 * Arena-scale win ratios (issue 17): `runWinrate` on 2,000,000 pairwise verdicts of one judge
 * among 100 models (200,000 items × 10 random pairs, outcomes drawn from a Davidson model with
 * ties), win ratios and Bradley–Terry strengths (ties as half-wins) with 200 item-bootstrap
 * resamples, beside a NumPy reference of the same fit (bench/winrate_ref.py: weighted bincount per
 * resample, Hunter's MM algorithm) timed in the same run on the same data.
 *
 *   node bin/run-ts.js bench/winrate.bench.ts [--items N] [--json]
 *   node bin/run-ts.js bench/winrate.bench.ts [--items N] --generate DIR   # then --child DIR alone (profiling)
 *
 * Each side runs in its own fresh process and is timed after loading its input (judgekit: the
 * 2,000,000 `PreferenceRow` records `readPreferences` returns; NumPy: the verdicts as arrays);
 * peak RSS is the whole process, input included. The point values (win ratios, log-strengths)
 * of both sides are compared to 1e-9; the resamples differ (different generators), so the
 * intervals are compared by their mean width only.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PreferenceRow } from '../src/io/preferences.ts';
import { Rng } from '../src/stats/random.ts';
import { runWinrate } from '../src/studies/winrate.ts';

const MODELS = 100;
const PER_ITEM = 10;
const RESAMPLES = 200;
const SEED = 20250301;

interface Side {
  ms: number;
  cpu_ms: number;
  rss_mb: number;
  /** judgekit: RSS with the input records built, before the study. */
  input_rss_mb?: number;
  win_ratio: number[];
  bt: number[];
  bt_ci_width_mean: number;
}

const modelName = (m: number): string => `model-${String(m).padStart(3, '0')}`;

function generate(dir: string, items: number): void {
  const rng = new Rng(SEED);
  const strength = Array.from({ length: MODELS }, () => 2 * (rng.next() + rng.next() + rng.next()) - 3);
  const nu = 0.4;
  const n = items * PER_ITEM;
  const item = new Int32Array(n);
  const a = new Uint8Array(n);
  const b = new Uint8Array(n);
  const outcome = new Uint8Array(n);
  for (let v = 0; v < n; v++) {
    item[v] = Math.floor(v / PER_ITEM);
    let x = rng.int(MODELS);
    let y = rng.int(MODELS - 1);
    if (y >= x) y++;
    if (x > y) [x, y] = [y, x];
    const pa = Math.exp(strength[x]!);
    const pb = Math.exp(strength[y]!);
    const pt = nu * Math.sqrt(pa * pb);
    const u = rng.next() * (pa + pb + pt);
    a[v] = x;
    b[v] = y;
    outcome[v] = u < pa ? 0 : u < pa + pb ? 1 : 2;
  }
  writeFileSync(join(dir, 'item.i32'), item);
  writeFileSync(join(dir, 'a.u8'), a);
  writeFileSync(join(dir, 'b.u8'), b);
  writeFileSync(join(dir, 'outcome.u8'), outcome);
  writeFileSync(join(dir, 'meta.json'), JSON.stringify({ items, models: MODELS }));
}

function child(dir: string): void {
  const { items } = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { items: number };
  const item = new Int32Array(readFileSync(join(dir, 'item.i32')).buffer.slice(0));
  const a = readFileSync(join(dir, 'a.u8'));
  const b = readFileSync(join(dir, 'b.u8'));
  const outcome = readFileSync(join(dir, 'outcome.u8'));
  // The records as the reader returns them (one string per distinct name, as JSON.parse and the
  // CSV reader share short strings): the study's input, not its working memory.
  const names = Array.from({ length: MODELS }, (_, m) => modelName(m));
  const itemNames = Array.from({ length: items }, (_, i) => `q${i}`);
  const winners = ['A', 'B', 'tie'] as const;
  const rows: PreferenceRow[] = [];
  for (let v = 0; v < item.length; v++) {
    // Half the verdicts shown the other way round, as an arena presents them.
    const flip = v % 2 === 1;
    const o = outcome[v]!;
    rows.push({
      item_id: itemNames[item[v]!]!,
      rater: 'judge',
      model_a: names[flip ? b[v]! : a[v]!]!,
      model_b: names[flip ? a[v]! : b[v]!]!,
      winner: winners[flip && o !== 2 ? 1 - o : o]!,
      status: 'ok',
    });
  }
  const inputRss = process.memoryUsage().rss / 2 ** 20;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const r = runWinrate(rows, { ties: 'half', seed: SEED, resamples: RESAMPLES });
  const c = process.cpuUsage(c0);
  const ms = performance.now() - t0;
  const judge = r.raters.judge!;
  const out: Side = {
    ms,
    cpu_ms: (c.user + c.system) / 1000,
    rss_mb: process.resourceUsage().maxRSS / 1024,
    input_rss_mb: inputRss,
    win_ratio: names.map((m) => judge.models[m]!.win_ratio.value!),
    bt: names.map((m) => judge.models[m]!.bt_score.value!),
    bt_ci_width_mean: names.reduce((s, m) => s + judge.models[m]!.bt_score.ci_high! - judge.models[m]!.bt_score.ci_low!, 0) / MODELS,
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

function runJson(cmd: string, args: string[]): Side {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Side;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--child');
  if (at >= 0) return child(args[at + 1]!);
  const ia = args.indexOf('--items');
  const items = ia >= 0 ? Number(args[ia + 1]) : 200_000;
  const ig = args.indexOf('--generate');
  if (ig >= 0) return generate(args[ig + 1]!, items); // data only, for profiling one side: --child DIR
  const self = fileURLToPath(import.meta.url);
  const root = join(self, '..', '..');
  const dir = mkdtempSync(join(tmpdir(), 'jk-winrate-bench-'));
  try {
    generate(dir, items);
    process.stderr.write(`… ${(items * PER_ITEM).toLocaleString('en')} verdicts, ${MODELS} models, ${RESAMPLES} resamples\n`);
    const jk = runJson(process.execPath, [join(root, 'bin', 'run-ts.js'), self, '--child', dir]);
    const ref = runJson('/usr/bin/python3', [join(root, 'bench', 'winrate_ref.py'), dir, String(RESAMPLES), String(SEED)]);
    const dWr = Math.max(...jk.win_ratio.map((x, i) => Math.abs(x - ref.win_ratio[i]!)));
    const dBt = Math.max(...jk.bt.map((x, i) => Math.abs(x - ref.bt[i]!)));
    const row = {
      verdicts: items * PER_ITEM,
      judgekit_ms: jk.ms,
      numpy_ms: ref.ms,
      ratio: jk.ms / ref.ms,
      judgekit_cpu_ms: jk.cpu_ms,
      numpy_cpu_ms: ref.cpu_ms,
      judgekit_rss_mb: jk.rss_mb,
      judgekit_input_rss_mb: jk.input_rss_mb,
      numpy_rss_mb: ref.rss_mb,
      max_diff_win_ratio: dWr,
      max_diff_bt: dBt,
      bt_ci_width_mean: [jk.bt_ci_width_mean, ref.bt_ci_width_mean],
    };
    if (args.includes('--json')) {
      process.stdout.write(JSON.stringify(row, null, 2) + '\n');
      return;
    }
    const same = dWr <= 1e-9 && dBt <= 1e-9 ? `max |Δ| ${Math.max(dWr, dBt).toExponential(1)}` : `MISMATCH win ratio ${dWr}, BT ${dBt}`;
    console.log('| verdicts | judgekit | numpy | ratio (wall) | CPU jk / numpy | ratio (CPU) | peak RSS MiB (jk / numpy) | point values | mean BT 95% width (jk / numpy) |');
    console.log('|---:|---:|---:|---:|---:|---:|---:|---|---|');
    console.log(`| ${row.verdicts.toLocaleString('en')} | ${(jk.ms / 1000).toFixed(2)} s | ${(ref.ms / 1000).toFixed(2)} s | ${row.ratio.toFixed(2)} | ${(jk.cpu_ms / 1000).toFixed(2)} / ${(ref.cpu_ms / 1000).toFixed(2)} s | ${(jk.cpu_ms / ref.cpu_ms).toFixed(2)} | ${jk.rss_mb.toFixed(0)} / ${ref.rss_mb.toFixed(0)} | ${same} | ${jk.bt_ci_width_mean.toFixed(4)} / ${ref.bt_ci_width_mean.toFixed(4)} |`);
    console.log(`judgekit's RSS with the ${row.verdicts.toLocaleString('en')} input records built, before the study: ${jk.input_rss_mb!.toFixed(0)} MiB.`);
    console.log(`node ${process.version}; ratio = judgekit / numpy (< 1: judgekit is faster).`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
