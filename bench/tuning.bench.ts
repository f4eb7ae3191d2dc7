/**
 * Tuning-study benchmark (issue 17): `runTuning` with 3 candidates, 3 humans and 4 criteria per
 * (item, model), hold-out (half the items evaluated, then all items for the diagnostics), 1,000
 * item-bootstrap resamples, on N items. The reference, timed in the same process on the same labels,
 * is the generic path (`bootstrapPath: 'generic'`: every statistic of every candidate recomputed on
 * every resample); the counting path must give the same result (checked here to 1e-9 as in
 * test/studies/tuning-counting.test.ts). Levels: nominal (3 categories) and ordinal (1–5).
 *
 *   node bin/run-ts.js bench/tuning.bench.ts [--quick]
 */
import type { HumanLabel } from '../src/schema/index.ts';
import { Rng } from '../src/stats/random.ts';
import { runTuning, type TuningOptions, type TuningResult } from '../src/studies/tuning.ts';
import type { Level } from '../src/studies/validation.ts';

const CANDIDATES = ['v1', 'v2', 'v3'];
const HUMANS = ['h1', 'h2', 'h3'];
const DIMS = ['accuracy', 'clarity', 'depth', 'safety'];
const RESAMPLES = 1000;

function generate(items: number, cats: string[]): HumanLabel[] {
  const rng = new Rng(20240607 + items);
  const out: HumanLabel[] = [];
  for (let i = 0; i < items; i++) {
    for (const dimension of DIMS) {
      const truth = rng.int(cats.length);
      [...CANDIDATES, ...HUMANS].forEach((rater, j) => {
        if (rng.next() < 0.05) return;
        const p = j < CANDIDATES.length ? 0.6 + 0.05 * j : 0.7;
        out.push({ item_id: `q${i}`, rater, dimension, value: cats[rng.next() < p ? truth : rng.int(cats.length)]! });
      });
    }
  }
  return out;
}

function numbers(r: unknown, out: number[] = []): number[] {
  if (typeof r === 'number') out.push(r);
  else if (r && typeof r === 'object') for (const v of Object.values(r)) numbers(v, out);
  return out;
}

/** The median of `reps` timed runs after a warm-up (one run, no warm-up, when reps is 1: the generic path at 10,000 items takes minutes). */
function time(f: () => TuningResult, reps = 3): { ms: number; r: TuningResult } {
  if (reps > 1) f(); // warm-up
  const ms: number[] = [];
  let r!: TuningResult;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    r = f();
    ms.push(performance.now() - t0);
  }
  return { ms: ms.sort((a, b) => a - b)[Math.floor(reps / 2)]!, r };
}

const quick = process.argv.includes('--quick');
console.log('| level | items (× 4 criteria × 6 raters) | judgekit (counting) | generic path | counting / generic | max |Δ| |');
console.log('|---|---:|---:|---:|---:|---|');
for (const level of ['nominal', 'ordinal'] as Level[]) {
  const cats = level === 'nominal' ? ['A', 'B', 'C'] : ['1', '2', '3', '4', '5'];
  for (const items of quick ? [500, 2_000] : [1_000, 10_000]) {
    const raw = generate(items, cats);
    const labels = level === 'nominal' ? raw : raw.map((l) => ({ ...l, value: Number(l.value) }));
    const o: TuningOptions = { candidates: CANDIDATES, humans: HUMANS, level, split: { method: 'holdout', test_fraction: 0.5 }, seed: 7, resamples: RESAMPLES };
    const fast = time(() => runTuning(labels, o));
    const generic = time(() => runTuning(labels, { ...o, bootstrapPath: 'generic' }), items >= 10_000 ? 1 : 3);
    const a = numbers(fast.r);
    const b = numbers(generic.r);
    const diff = a.length === b.length ? Math.max(0, ...a.map((x, i) => Math.abs(x - b[i]!))) : Infinity;
    console.log(`| ${level} | ${items.toLocaleString('en')} | ${fast.ms.toFixed(0)} ms | ${generic.ms.toFixed(0)} ms | ${(fast.ms / generic.ms).toFixed(2)} | ${diff <= 1e-9 ? diff.toExponential(1) : `MISMATCH ${diff}`} |`);
  }
}
console.log(`node ${process.version}; ${RESAMPLES} resamples; times are the median of 3 after a warm-up (the generic path at 10,000 items: one run).`);
