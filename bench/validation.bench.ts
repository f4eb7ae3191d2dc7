/**
 * Judge-validation benchmark (issue 17): `runAgreement` at the nominal level with a judge and
 * 1,000 item-bootstrap resamples, on N items × 4 raters (the judge and 3 humans), 3 categories,
 * 5% missing, beside a vectorised NumPy computation (bench/validation_ref.py) of α, Fleiss κ,
 * AC1, percent agreement, the six pairwise κ and the judge-vs-majority κ with 1,000 resamples,
 * timed in the same run on the same data. N = 1,000, 10,000 and 100,000 (linear cost).
 *
 * With `--level ordinal`: 1–5 ratings (near the item's truth 70% of the time), the study at the
 * ordinal level, against NumPy's α ordinal, the six pairwise quadratic-weighted κ, Spearman's ρ of
 * the judge against each human and the four ICCs with 1,000 resamples.
 *
 *   node bin/run-ts.js bench/validation.bench.ts [--level ordinal] [--quick] [--json]
 *
 * judgekit computes more than the reference on each resample (the judge against each human, the
 * ceiling, precision/recall/F1, the alt-test): the ratio is conservative. Times are medians after
 * loading (labels parsed, arrays read) and one warm-up run, each side in its own fresh process; the point values of
 * both sides are compared to 1e-9 (the resamples differ: different generators). The last row is
 * the whole command, `judgekit agree labels.csv --judge judge --bootstrap 1000`, from dist/.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readLabels } from '../src/io/records.ts';
import { Rng } from '../src/stats/random.ts';
import { runAgreement } from '../src/studies/validation.ts';

const RATERS = ['judge', 'h1', 'h2', 'h3'];
const CATS = ['A', 'B', 'C'];
const LIKERT = 5;
type Level = 'nominal' | 'ordinal';
const RESAMPLES = 1000;
const SEED = 20240604;

interface Side {
  ms: number;
  /** CPU time (user + system, all threads): steadier than wall time on a shared machine. */
  cpu_ms: number;
  rss_mb: number;
  /** The point values compared with the reference (the first one is shown). */
  values: Record<string, number | number[]>;
}

function generate(dir: string, items: number): void {
  const rng = new Rng(SEED + items);
  const codes = new Int8Array(items * RATERS.length);
  const rows = ['item_id,rater,value'];
  for (let i = 0; i < items; i++) {
    const truth = rng.int(CATS.length);
    RATERS.forEach((r, j) => {
      const c = rng.next() < 0.05 ? -1 : rng.next() < (j === 0 ? 0.75 : 0.7) ? truth : rng.int(CATS.length);
      codes[i * RATERS.length + j] = c;
      if (c >= 0) rows.push(`q${i},${r},${CATS[c]}`);
    });
  }
  writeFileSync(join(dir, 'codes.i8'), codes);
  writeFileSync(join(dir, 'labels.csv'), rows.join('\n') + '\n');
  writeFileSync(join(dir, 'meta.json'), JSON.stringify({ items, raters: RATERS.length, categories: CATS.length }));
}

/** 1–5 ratings: near the item's truth (±1) 70% of the time, 5% missing; codes 0..4 are the positions. */
function generateOrdinal(dir: string, items: number): void {
  const rng = new Rng(SEED + items + 1);
  const codes = new Int8Array(items * RATERS.length);
  const rows = ['item_id,rater,value'];
  for (let i = 0; i < items; i++) {
    const truth = rng.int(LIKERT);
    RATERS.forEach((r, j) => {
      const near = Math.max(0, Math.min(LIKERT - 1, truth + rng.int(3) - 1));
      const c = rng.next() < 0.05 ? -1 : rng.next() < (j === 0 ? 0.75 : 0.7) ? near : rng.int(LIKERT);
      codes[i * RATERS.length + j] = c;
      if (c >= 0) rows.push(`q${i},${r},${c + 1}`);
    });
  }
  writeFileSync(join(dir, 'codes.i8'), codes);
  writeFileSync(join(dir, 'labels.csv'), rows.join('\n') + '\n');
  writeFileSync(join(dir, 'meta.json'), JSON.stringify({ items, raters: RATERS.length, categories: LIKERT, level: 'ordinal' }));
}

async function child(dir: string, reps: number, level: Level): Promise<void> {
  const labels = await readLabels(join(dir, 'labels.csv'));
  const times: number[] = [];
  const cpu: number[] = [];
  const once = () =>
    level === 'nominal'
      ? runAgreement(labels, { level: 'nominal', judge: 'judge', seed: SEED, resamples: RESAMPLES })
      : runAgreement(labels, { level, judge: 'judge', raters: RATERS, seed: SEED, resamples: RESAMPLES });
  let r = once(); // warm-up, as on the reference side
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    r = once();
    const c = process.cpuUsage(c0);
    times.push(performance.now() - t0);
    cpu.push((c.user + c.system) / 1000);
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const out: Side = {
    ms: med(times),
    cpu_ms: med(cpu),
    rss_mb: process.resourceUsage().maxRSS / 1024,
    values:
      level === 'nominal'
        ? {
            alpha: r.krippendorff_alpha.value!,
            fleiss: r.fleiss_kappa.value!,
            ac1: r.gwet_ac1.value!,
            percent_agreement: r.percent_agreement.value!,
            kappa_pairs: r.pairs.map((p) => p.cohen_kappa.value!),
            kappa_majority: r.judge_validation!.vs_consensus.cohen_kappa!.value!,
          }
        : {
            alpha_ordinal: r.krippendorff_alpha.value!,
            kappa_quadratic_pairs: r.pairs.map((p) => p.weighted_kappa_quadratic!.value!),
            spearman_judge: r.judge_validation!.vs_humans.map((v) => v.spearman!.value!),
            icc: [r.icc!.icc2_1.value!, r.icc!.icc3_1.value!, r.icc!.icc2_k.value!, r.icc!.icc3_k.value!],
          },
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

function runJson(cmd: string, args: string[]): Side {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Side;
}

/** The largest difference between the two sides' point values (Infinity when one lacks a value). */
function maxDiff(a: Side['values'], b: Side['values']): number {
  const flat = (v: Side['values']) => Object.keys(a).flatMap((k) => [v[k] ?? NaN].flat());
  const xs = flat(a);
  const ys = flat(b);
  if (xs.length !== ys.length) return Infinity;
  return Math.max(...xs.map((x, i) => (Number.isFinite(x) && Number.isFinite(ys[i]!) ? Math.abs(x - ys[i]!) : Infinity)));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const lv = args.indexOf('--level');
  const level = (lv >= 0 ? args[lv + 1] : 'nominal') as Level;
  if (level !== 'nominal' && level !== 'ordinal') throw new Error(`--level: nominal or ordinal, got ${level}`);
  const at = args.indexOf('--child');
  if (at >= 0) return child(args[at + 1]!, Number(args[at + 2]), level);
  const self = fileURLToPath(import.meta.url);
  const root = join(self, '..', '..');
  const sizes = quick ? [1_000, 10_000] : [1_000, 10_000, 100_000];
  const rows: { items: number; jk: Side; ref: Side; diff: number; cli_ms?: number }[] = [];
  for (const items of sizes) {
    const dir = mkdtempSync(join(tmpdir(), 'jk-validation-bench-'));
    try {
      if (level === 'nominal') generate(dir, items);
      else generateOrdinal(dir, items);
      const reps = items >= 100_000 ? 1 : 3;
      process.stderr.write(`… ${level === 'nominal' ? '' : `${level}, `}${items} items × ${RATERS.length} raters, ${RESAMPLES} resamples\n`);
      const jk = runJson(process.execPath, [join(root, 'bin', 'run-ts.js'), self, '--child', dir, String(reps), '--level', level]);
      const ref = runJson('/usr/bin/python3', [join(root, 'bench', 'validation_ref.py'), dir, String(RESAMPLES), String(reps)]);
      const row: (typeof rows)[number] = { items, jk, ref, diff: maxDiff(jk.values, ref.values) };
      if (items === 10_000) {
        const t0 = performance.now();
        const r = spawnSync(process.execPath, [join(root, 'bin', 'judgekit.js'), 'agree', join(dir, 'labels.csv'), '--judge', 'judge', '--bootstrap', String(RESAMPLES), ...(level === 'nominal' ? [] : ['--level', level]), '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
        if (r.status !== 0) throw new Error(`judgekit agree failed:\n${r.stderr}`);
        row.cli_ms = performance.now() - t0;
      }
      rows.push(row);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (args.includes('--json')) {
    process.stdout.write(JSON.stringify(rows.map((r) => ({ items: r.items, judgekit_ms: r.jk.ms, numpy_ms: r.ref.ms, ratio: r.jk.ms / r.ref.ms, judgekit_cpu_ms: r.jk.cpu_ms, numpy_cpu_ms: r.ref.cpu_ms, judgekit_rss_mb: r.jk.rss_mb, numpy_rss_mb: r.ref.rss_mb, max_point_diff: r.diff, cli_ms: r.cli_ms ?? null })), null, 2) + '\n');
    return;
  }
  console.log('| items × raters | judgekit runAgreement | numpy reference | ratio | CPU time (jk / numpy), ratio | peak RSS MB (jk / numpy) | point values, max |Δ| |');
  console.log('|---|---:|---:|---:|---:|---:|---|');
  for (const r of rows) {
    const alpha = (level === 'nominal' ? r.jk.values.alpha : r.jk.values.alpha_ordinal) as number;
    const ok = r.diff <= 1e-9 ? `${r.diff.toExponential(1)} (α = ${alpha.toFixed(4)})` : `MISMATCH ${r.diff}`;
    console.log(`| ${r.items.toLocaleString('en')} × ${RATERS.length} | ${r.jk.ms.toFixed(0)} ms | ${r.ref.ms.toFixed(0)} ms | ${(r.jk.ms / r.ref.ms).toFixed(2)} | ${r.jk.cpu_ms.toFixed(0)} / ${r.ref.cpu_ms.toFixed(0)} ms, ${(r.jk.cpu_ms / r.ref.cpu_ms).toFixed(2)} | ${r.jk.rss_mb.toFixed(0)} / ${r.ref.rss_mb.toFixed(0)} | ${ok} |`);
  }
  for (const r of rows) if (r.cli_ms !== undefined) console.log(`\nThe whole command on ${r.items.toLocaleString('en')} items (read, validate, study, print JSON): ${(r.cli_ms / 1000).toFixed(2)} s.`);
  console.log(`node ${process.version}; ratio = judgekit / numpy (≤ 1: judgekit is at least as fast).`);
}

await main();
