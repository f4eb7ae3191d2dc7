/**
 * Agreement benchmark (issue 4): Krippendorff's α on 100,000 items × 5 raters with 10% missing, at
 * each level, and 2,000 item-bootstrap resamples of Cohen's κ on 20,000 items, each beside a numpy
 * reference (bench/agreement_ref.py) timed in the same run on the same data.
 *
 *   node bin/run-ts.js bench/agreement.bench.ts [--quick] [--json]
 *
 * The data are generated here with the seeded `Rng` and handed to Python through raw float64 files
 * (NaN = missing). Every task runs in its own fresh process, judgekit and reference alike, so that
 * "peak RSS" is the peak of that task alone (process max RSS: runtime + data + work). Times are the
 * median of several runs after a warm-up, excluding start-up and data loading. The values computed
 * by both sides are compared, so a fast wrong answer cannot pass.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Rng,
  bootstrapItems,
  cohenKappa,
  cohenKappaBootstrap,
  krippendorffAlpha,
  type AlphaLevel,
  type RatingMatrix,
} from '../src/stats/index.ts';

const ITEMS = 100_000;
const RATERS = 5;
const MISSING = 0.1;
const PAIRS = 20_000;
const RESAMPLES = 2_000;
const SEED = 20240604;
const LEVELS: AlphaLevel[] = ['nominal', 'ordinal', 'interval', 'ratio'];

interface TaskResult {
  ms: number;
  rss_mb: number;
  value: number | null;
  ci?: [number | null, number | null];
  note?: string;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time<T>(fn: () => T, reps: number, warm: number): { ms: number; out: T } {
  let out = fn();
  for (let i = 1; i < warm; i++) out = fn();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    out = fn();
    ts.push(performance.now() - t0);
  }
  return { ms: median(ts), out };
}

function generate(dir: string): void {
  const rng = new Rng(SEED);
  // A 1–5 scale: each rater gives the item's true score, a neighbour, or (rarely) anything.
  const m = new Float64Array(ITEMS * RATERS);
  for (let i = 0; i < ITEMS; i++) {
    const truth = 1 + rng.int(5);
    for (let j = 0; j < RATERS; j++) {
      const u = rng.next();
      let v = u < 0.6 ? truth : u < 0.85 ? truth + (rng.next() < 0.5 ? -1 : 1) : 1 + rng.int(5);
      v = Math.min(5, Math.max(1, v));
      m[i * RATERS + j] = rng.next() < MISSING ? NaN : v;
    }
  }
  writeFileSync(join(dir, 'alpha.f64'), m);
  const a = new Float64Array(PAIRS);
  const b = new Float64Array(PAIRS);
  for (let i = 0; i < PAIRS; i++) {
    const truth = rng.int(4);
    a[i] = rng.next() < 0.75 ? truth : rng.int(4);
    b[i] = rng.next() < 0.7 ? truth : rng.int(4);
  }
  writeFileSync(join(dir, 'kappa_a.f64'), a);
  writeFileSync(join(dir, 'kappa_b.f64'), b);
  writeFileSync(join(dir, 'meta.json'), JSON.stringify({ items: ITEMS, raters: RATERS, pairs: PAIRS, resamples: RESAMPLES, seed: SEED }));
}

function readF64(path: string): Float64Array {
  const buf = readFileSync(path);
  return new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
}

/** One task in this (fresh) process; prints its TaskResult as JSON. */
function child(task: string, dir: string, quick: boolean): void {
  const reps = quick ? 3 : 7;
  let result: TaskResult;
  if (task.startsWith('alpha_')) {
    const level = task.slice(6) as AlphaLevel;
    const flat = readF64(join(dir, 'alpha.f64'));
    const m: RatingMatrix = [];
    for (let i = 0; i < ITEMS; i++) {
      const row: (number | null)[] = new Array(RATERS);
      for (let j = 0; j < RATERS; j++) {
        const v = flat[i * RATERS + j]!;
        row[j] = Number.isNaN(v) ? null : v;
      }
      m.push(row);
    }
    const { ms, out } = time(() => krippendorffAlpha(m, level), reps, 3);
    result = { ms, rss_mb: 0, value: out };
  } else {
    const a = readF64(join(dir, 'kappa_a.f64'));
    const b = readF64(join(dir, 'kappa_b.f64'));
    if (task === 'kappa_boot') {
      const { ms, out } = time(() => cohenKappaBootstrap(a, b, { resamples: RESAMPLES, seed: SEED }), quick ? 1 : 3, 1);
      result = { ms, rss_mb: 0, value: out.value, ci: [out.ci_low, out.ci_high] };
    } else {
      // The generic path: bootstrapItems over cohenKappa on each resample (re-codes every resample).
      const x = new Float64Array(PAIRS);
      const y = new Float64Array(PAIRS);
      const categories = [0, 1, 2, 3];
      const stat = (idx: Uint32Array): number => {
        for (let i = 0; i < idx.length; i++) {
          x[i] = a[idx[i]!]!;
          y[i] = b[idx[i]!]!;
        }
        return cohenKappa(x, y, { categories }) ?? NaN;
      };
      const { ms, out } = time(() => bootstrapItems(PAIRS, stat, { resamples: RESAMPLES, seed: SEED }), 1, 1);
      result = { ms, rss_mb: 0, value: out.value, ci: [out.ci_low, out.ci_high] };
    }
  }
  result.rss_mb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify(result) + '\n');
}

function runJson(cmd: string, args: string[]): TaskResult {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  const line = r.stdout.trim().split('\n').pop()!;
  return JSON.parse(line) as TaskResult;
}

function fmt(x: number, digits = 1): string {
  return x.toFixed(digits);
}

function main(): void {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const childAt = args.indexOf('--child');
  if (childAt >= 0) {
    child(args[childAt + 1]!, args[childAt + 2]!, quick);
    return;
  }
  const self = fileURLToPath(import.meta.url);
  const root = join(self, '..', '..');
  const dir = mkdtempSync(join(tmpdir(), 'jk-agree-bench-'));
  try {
    generate(dir);
    const rows: { task: string; jk: TaskResult; ref: TaskResult; check: string }[] = [];
    const tasks: { task: string; label: string; refTask: string }[] = [
      ...LEVELS.map((l) => ({ task: `alpha_${l}`, label: `Krippendorff α ${l}, ${ITEMS / 1000}k×${RATERS}, 10% missing`, refTask: `alpha_${l}` })),
      { task: 'kappa_boot', label: `κ bootstrap ${RESAMPLES}× on ${PAIRS / 1000}k (counts) vs numpy bincount`, refTask: 'kappa_boot' },
      { task: 'kappa_boot', label: `κ bootstrap ${RESAMPLES}× on ${PAIRS / 1000}k (counts) vs sklearn loop`, refTask: 'kappa_boot_sklearn' },
      { task: 'kappa_boot_generic', label: `κ bootstrap ${RESAMPLES}× on ${PAIRS / 1000}k (generic) vs numpy`, refTask: 'kappa_boot' },
    ];
    const cache = new Map<string, TaskResult>();
    const once = (key: string, f: () => TaskResult): TaskResult => {
      if (!cache.has(key)) cache.set(key, f());
      return cache.get(key)!;
    };
    for (const t of tasks) {
      process.stderr.write(`… ${t.label}\n`);
      const jk = once(`jk:${t.task}`, () =>
        runJson(process.execPath, [join(root, 'bin', 'run-ts.js'), self, '--child', t.task, dir, ...(quick ? ['--quick'] : [])]));
      const ref = once(`py:${t.refTask}`, () =>
        runJson('/usr/bin/python3', [join(root, 'bench', 'agreement_ref.py'), t.refTask, dir, ...(quick ? ['--quick'] : [])]));
      let check: string;
      if (t.task.startsWith('alpha_')) {
        const d = Math.abs((jk.value ?? NaN) - (ref.value ?? NaN));
        check = d <= 1e-9 ? `α=${jk.value!.toFixed(6)} (|Δ|=${d.toExponential(1)})` : `MISMATCH ${jk.value} vs ${ref.value}`;
      } else {
        const d = Math.abs((jk.value ?? NaN) - (ref.value ?? NaN));
        // The two sides draw different resamples (different generators), so only the point estimate must match.
        check = d <= 1e-9
          ? `κ=${jk.value!.toFixed(4)} [${jk.ci![0]!.toFixed(4)}, ${jk.ci![1]!.toFixed(4)}] vs [${ref.ci![0]!.toFixed(4)}, ${ref.ci![1]!.toFixed(4)}]`
          : `MISMATCH ${jk.value} vs ${ref.value}`;
      }
      rows.push({ task: t.label, jk, ref, check });
    }
    if (args.includes('--json')) {
      process.stdout.write(JSON.stringify(rows.map((r) => ({
        task: r.task, judgekit_ms: r.jk.ms, reference_ms: r.ref.ms, ratio: r.jk.ms / r.ref.ms,
        judgekit_peak_rss_mb: r.jk.rss_mb, reference_peak_rss_mb: r.ref.rss_mb, reference_note: r.ref.note ?? null, check: r.check,
      })), null, 2) + '\n');
      return;
    }
    const header = ['task', 'judgekit ms', 'reference ms', 'ratio', 'peak RSS MB (jk / ref)', 'values'];
    const body = rows.map((r) => [
      r.task,
      fmt(r.jk.ms),
      fmt(r.ref.ms) + (r.ref.note ? ` (${r.ref.note})` : ''),
      fmt(r.jk.ms / r.ref.ms, 2),
      `${fmt(r.jk.rss_mb, 0)} / ${fmt(r.ref.rss_mb, 0)}`,
      r.check,
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
    const line = (cells: string[]): string => '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
    console.log(line(header));
    console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
    for (const b of body) console.log(line(b));
    console.log(`\nnode ${process.version}; ratio = judgekit / reference (≤ 1 means judgekit is at least as fast). Peak RSS is per task process.`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
