/**
 * Correlation benchmark (issue 4): Kendall's tau-b and Spearman's rho on 1,000,000 pairs, with
 * heavy ties (integer scores 0-9) and without (continuous), beside scipy.stats.kendalltau and
 * scipy.stats.spearmanr (bench/correlation_ref.py) timed in the same run on the same data.
 *
 *   node bin/run-ts.js bench/correlation.bench.ts [--n N] [--reps R] [--rounds K] [--json]
 *
 * The data are generated here with the seeded `Rng` and handed to Python as a raw float64 file
 * (x then y). Each task runs in a fresh process on both sides, so "peak RSS" is that task's own
 * (runtime + data + work). A process times the median of R runs after one warm-up, excluding
 * start-up and loading; the two sides alternate over K rounds and the median round is reported
 * (the machine is shared). Both sides compute the coefficient and its p-value. The coefficients are compared,
 * so a fast wrong answer cannot pass.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kendallTest, spearmanTest } from '../src/stats/correlation.ts';
import { Rng } from '../src/stats/random.ts';

const SEED = 20240611;
const TASKS = ['kendall_tau_b:ties', 'kendall_tau_b:continuous', 'spearman:ties', 'spearman:continuous'] as const;
type Task = (typeof TASKS)[number];

interface Measured {
  ms: number;
  rss_mb: number;
  statistic: number | null;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** x and y for one kind of data, laid out as one float64 buffer: x[0..n), y[0..n). */
function makeData(kind: 'ties' | 'continuous', n: number): Float64Array {
  const rng = new Rng(SEED + (kind === 'ties' ? 0 : 1));
  const buf = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    if (kind === 'ties') {
      const x = rng.int(10);
      buf[i] = x;
      buf[n + i] = Math.min(9, Math.max(0, x + rng.int(7) - 3));
    } else {
      // Box-Muller; 1 - next() avoids log(0)
      const r = Math.sqrt(-2 * Math.log(1 - rng.next()));
      const t = 2 * Math.PI * rng.next();
      buf[i] = r * Math.cos(t);
      buf[n + i] = buf[i]! + r * Math.sin(t);
    }
  }
  return buf;
}

function worker(task: Task, file: string, reps: number): void {
  const raw = readFileSync(file);
  const all = new Float64Array(raw.buffer, raw.byteOffset, raw.byteLength / 8);
  const n = all.length / 2;
  const x = all.subarray(0, n);
  const y = all.subarray(n);
  const fn = task.startsWith('kendall') ? kendallTest : spearmanTest;
  let out = fn(x, y);
  const ts: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    out = fn(x, y);
    ts.push(performance.now() - t0);
  }
  const m: Measured = { ms: median(ts), rss_mb: process.resourceUsage().maxRSS / 1024, statistic: out.statistic };
  process.stdout.write(JSON.stringify(m) + '\n');
}

function medianRound(ms: Measured[]): Measured {
  const sorted = [...ms].sort((a, b) => a.ms - b.ms);
  return { ...sorted[Math.floor(sorted.length / 2)]!, rss_mb: Math.max(...ms.map((m) => m.rss_mb)) };
}

function run(cmd: string, args: string[]): Measured {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Measured;
}

function main(): void {
  const n = Number(arg('--n') ?? 1_000_000);
  const reps = Number(arg('--reps') ?? 5);
  const rounds = Number(arg('--rounds') ?? 3);
  const json = process.argv.includes('--json');
  const here = fileURLToPath(new URL('.', import.meta.url));
  const runTs = fileURLToPath(new URL('../bin/run-ts.js', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'judgekit-bench-corr-'));
  const rows: { task: Task; n: number; judgekit: Measured; scipy: Measured; ratio: number; agree: boolean }[] = [];
  try {
    const files = { ties: join(dir, 'ties.f64'), continuous: join(dir, 'continuous.f64') };
    for (const kind of ['ties', 'continuous'] as const) {
      const d = makeData(kind, n);
      writeFileSync(files[kind], new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
    }
    for (const task of TASKS) {
      const file = files[task.endsWith('ties') ? 'ties' : 'continuous'];
      process.stderr.write(`${task} ...\n`);
      // Alternate the two sides over several rounds so that a burst of load on the shared machine
      // does not land on one side only; report the median round.
      const jks: Measured[] = [];
      const pys: Measured[] = [];
      for (let r = 0; r < rounds; r++) {
        jks.push(run(process.execPath, [runTs, join(here, 'correlation.bench.ts'), '--worker', task, file, String(reps)]));
        pys.push(run('/usr/bin/python3', [join(here, 'correlation_ref.py'), task, file, String(reps)]));
      }
      const jk = medianRound(jks);
      const py = medianRound(pys);
      const agree = jk.statistic !== null && py.statistic !== null && Math.abs(jk.statistic - py.statistic) <= 1e-9;
      rows.push({ task, n, judgekit: jk, scipy: py, ratio: jk.ms / py.ms, agree });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (json) {
    process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
    return;
  }
  const head = ['task', 'n', 'judgekit ms', 'scipy ms', 'ratio', 'peak RSS judgekit MB', 'peak RSS scipy MB', 'same value'];
  const body = rows.map((r) => [
    r.task,
    String(r.n),
    r.judgekit.ms.toFixed(1),
    r.scipy.ms.toFixed(1),
    r.ratio.toFixed(2),
    r.judgekit.rss_mb.toFixed(0),
    r.scipy.rss_mb.toFixed(0),
    r.agree ? 'yes' : `NO (${r.judgekit.statistic} vs ${r.scipy.statistic})`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  console.log(line(head));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const b of body) console.log(line(b));
  if (rows.some((r) => !r.agree)) process.exitCode = 1;
}

if (process.argv.includes('--worker')) {
  const i = process.argv.indexOf('--worker');
  worker(process.argv[i + 1] as Task, process.argv[i + 2]!, Number(process.argv[i + 3]));
} else {
  main();
}
