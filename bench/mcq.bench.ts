/**
 * MCQ scoring at Med-CMR scale (issue 2, "Speed"): 20,653 items × 18 models = 371,754 responses,
 * generated with a seed in a realistic mix of output styles. judgekit (read + validate, extract,
 * score, grouped accuracies with 1,000 item-bootstrap resamples per group, overall / task / organ
 * system / modality per model) runs in one child process (bench/mcq-worker.mjs), the numpy
 * reference (bench/mcq_ref.py, /usr/bin/python3) in another, one after the other, on the same files.
 *
 *   npm run build && node bin/run-ts.js bench/mcq.bench.ts [--items N] [--models N] [--resamples N] [--seed N] [--keep] [--tsx]
 *
 * judgekit runs from the compiled package (dist/), as the `judgekit` command does; the bench stops
 * if dist/ is older than src/. `--tsx` runs the TypeScript sources through tsx instead (as this
 * bench did before dist/ existed: tsx's start-up and its compile of each module add ≈ 0.4 s).
 *
 * Prints a table (stdout) and writes bench/out/mcq.json.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Rng } from '../src/stats/random.ts';

const root = fileURLToPath(new URL('../', import.meta.url));

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

// ---------------------------------------------------------------------------------------------
// Data generation

const TASKS: [string, number][] = [['SOD', 1024], ['FDD', 711], ['SU', 371], ['TP', 336], ['CR', 1922], ['LTG', 11582], ['MSI', 709]];
const ORGANS = ['Nervous', 'Respiratory', 'Cardiovascular', 'Digestive', 'Musculoskeletal', 'Urinary', 'Reproductive', 'Endocrine', 'Integumentary', 'Sensory', 'Lymphatic'];
const MODALITIES = ['CT', 'MRI', 'X-ray', 'Ultrasound', 'Histopathology', 'Endoscopy', 'Dermoscopy', 'Fundus photography', 'PET-CT', 'Angiography', 'Mammography', 'Echocardiography'];
const TERMS = (
  'pneumothorax pleural effusion atelectasis pneumonia embolism haematoma glioma meningioma abscess lymphoma sarcoidosis ' +
  'tuberculosis melanoma naevus keratosis carcinoma adenoma cyst calculus hydronephrosis appendicitis diverticulitis volvulus ' +
  'intussusception cholecystitis pancreatitis hepatitis cirrhosis steatosis fracture dislocation osteomyelitis osteosarcoma ' +
  'gout arthritis tendinopathy tear aneurysm dissection stenosis thrombosis infarction myocarditis pericarditis cardiomyopathy ' +
  'myxoma effusion oedema haemorrhage ischaemia sclerosis encephalitis hydrocephalus retinopathy papilloedema detachment glaucoma'
).split(' ');
const ADJ = ['acute', 'chronic', 'left', 'right', 'bilateral', 'focal', 'diffuse', 'early', 'advanced', 'benign', 'malignant', 'mild', 'severe', 'posterior', 'anterior'];
const WORDS = 'the image shows a well defined lesion with surrounding oedema and no evidence of calcification there is mild mass effect on adjacent structures findings are most consistent with the clinical history of sudden onset pain and fever'.split(' ');

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.int(xs.length)]!;
}

function sentence(rng: Rng, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(pick(rng, WORDS));
  return out.join(' ') + '.';
}

interface GenItem { id: string; options: Record<string, string>; answer: string; task: string; organ_system: string; modality: string }

function generate(nItems: number, nModels: number, seed: number): { items: GenItem[]; models: string[]; lines: string[] } {
  const rng = new Rng(seed);
  const totalWeight = TASKS.reduce((s, t) => s + t[1], 0);
  const items: GenItem[] = [];
  for (let i = 0; i < nItems; i++) {
    let u = rng.next() * totalWeight;
    let task = TASKS[TASKS.length - 1]![0];
    for (const [t, w] of TASKS) if ((u -= w) < 0) { task = t; break; }
    const texts = new Set<string>();
    while (texts.size < 5) texts.add(`${pick(rng, ADJ)} ${pick(rng, TERMS)}`);
    const opts = [...texts];
    items.push({ id: `mcq-${i}`, options: { A: opts[0]!, B: opts[1]!, C: opts[2]!, D: opts[3]!, E: opts[4]! }, answer: 'ABCDE'[rng.int(5)]!, task, organ_system: pick(rng, ORGANS), modality: pick(rng, MODALITIES) });
  }
  const models = Array.from({ length: nModels }, (_, m) => `bench-model-${String(m).padStart(2, '0')}`);
  const lines: string[] = [];
  models.forEach((model, m) => {
    const acc = 0.15 + (0.45 * m) / Math.max(1, nModels - 1);
    // each model has its own style: share of bare letters vs Med-CMR reasoning vs other forms
    const bareShare = [0.7, 0.4, 0.1][m % 3]!;
    const reasonShare = [0.2, 0.45, 0.6][m % 3]!;
    for (const it of items) {
      const letter = rng.next() < acc ? it.answer : 'ABCDE'[rng.int(5)]!;
      const other = 'ABCDE'[(('ABCDE'.indexOf(letter) + 1 + rng.int(4)) % 5)]!;
      const u = rng.next();
      let out: string;
      if (u < bareShare) out = rng.next() < 0.9 ? letter : `${letter}.`;
      else if (u < bareShare + reasonShare) {
        out = `Reasoning: ${sentence(rng, 12 + rng.int(40))} Option ${other} is unlikely. ${sentence(rng, 8 + rng.int(20))}\nAnswer: ${letter}`;
      } else {
        const v = rng.next();
        if (v < 0.15) out = `The answer is ${letter}.`;
        else if (v < 0.3) out = `${letter}) ${it.options[letter]}`;
        else if (v < 0.42) out = `**Answer: ${letter}**`;
        else if (v < 0.52) out = `<think>${sentence(rng, 30 + rng.int(60))} Maybe ${other}?</think>\nAnswer: ${letter}`;
        else if (v < 0.6) out = `答案：${letter}`;
        else if (v < 0.66) out = `$\\boxed{${letter}}$`;
        else if (v < 0.72) out = `${sentence(rng, 10)} Therefore, the correct answer is (${letter}).`;
        else if (v < 0.78) out = it.options[letter]!;
        else if (v < 0.84) out = `${letter} or ${other}`;
        else if (v < 0.9) out = '';
        else if (v < 0.95) out = `I cannot determine the answer from this image. ${sentence(rng, 8)}`;
        else out = `Reasoning: ${sentence(rng, 20)}\nAnswer: ${sentence(rng, 4)}`;
      }
      lines.push(JSON.stringify({ item_id: it.id, model, output: out }));
    }
  });
  return { items, models, lines };
}

// ---------------------------------------------------------------------------------------------
// The judgekit side runs bench/mcq-worker.mjs, from dist/ unless --tsx

/** The first source file whose compiled file in dist/ is missing or older, or null when dist/ is current. */
function staleDist(): string | null {
  for (const rel of readdirSync(join(root, 'src'), { recursive: true }) as string[]) {
    if (!rel.endsWith('.ts') || rel.endsWith('.d.ts')) continue;
    const js = join(root, 'dist', rel.replace(/\.ts$/, '.js'));
    if (!existsSync(js) || statSync(js).mtimeMs < statSync(join(root, 'src', rel)).mtimeMs) return rel;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------

interface SideReport { read_s: number; extract_s: number; bootstrap_s: number; compute_s: number; max_rss_mb: number; wall_s: number; cpu_s?: number }

/** Runs a child under `/usr/bin/time -v`: its wall time, peak RSS and CPU time (user + system, all its threads). */
async function timed(cmd: string, args: string[]): Promise<{ out: string; wall_s: number; time_rss_mb: number | null; cpu_s: number | null }> {
  const t0 = performance.now();
  const { stdout, stderr } = await promisify(execFile)('/usr/bin/time', ['-v', cmd, ...args], { cwd: root, maxBuffer: 1 << 26 });
  const wall_s = (performance.now() - t0) / 1e3;
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  const user = /User time \(seconds\): ([\d.]+)/.exec(stderr);
  const sys = /System time \(seconds\): ([\d.]+)/.exec(stderr);
  return { out: stdout, wall_s, time_rss_mb: m ? Number(m[1]) / 1024 : null, cpu_s: user && sys ? Number(user[1]) + Number(sys[1]) : null };
}

async function main(): Promise<void> {
  const tsx = process.argv.includes('--tsx');
  const stale = tsx ? null : staleDist();
  if (stale) {
    console.error(`dist/ is older than src/${stale}: run \`npm run build\` first (or pass --tsx to run the sources through tsx)`);
    process.exit(2);
  }

  const nItems = arg('items', 20653);
  const nModels = arg('models', 18);
  const resamples = arg('resamples', 1000);
  const seed = arg('seed', 20260101);
  const dir = await mkdtemp(join(tmpdir(), 'jk-bench-mcq-'));
  process.stderr.write(`generating ${nItems} items × ${nModels} models in ${dir} …\n`);
  const gen = generate(nItems, nModels, seed);
  await writeFile(join(dir, 'items.jsonl'), gen.items.map((it) => JSON.stringify({ id: it.id, format: 'mcq', question: 'Which finding is shown?', options: it.options, answer: it.answer, task: it.task, organ_system: it.organ_system, modality: it.modality })).join('\n') + '\n');
  await writeFile(join(dir, 'responses.jsonl'), gen.lines.join('\n') + '\n');
  gen.lines.length = 0;

  process.stderr.write(`judgekit (node, ${tsx ? 'sources through tsx' : 'dist/'}) …\n`);
  const workerArgs = [join(root, 'bench/mcq-worker.mjs'), dir, String(resamples), String(seed)];
  const node = await timed(process.execPath, tsx ? [join(root, 'bin/run-ts.js'), ...workerArgs, '--src'] : workerArgs);
  process.stderr.write('numpy reference (python) …\n');
  const py = await timed('/usr/bin/python3', [join(root, 'bench/mcq_ref.py'), dir, String(resamples), String(seed)]);
  const nodeRep: SideReport = { ...JSON.parse(node.out), wall_s: node.wall_s };
  const pyRep: SideReport = { ...JSON.parse(py.out), wall_s: py.wall_s };
  if (node.time_rss_mb) nodeRep.max_rss_mb = node.time_rss_mb;
  if (py.time_rss_mb) pyRep.max_rss_mb = py.time_rss_mb;
  if (node.cpu_s !== null) nodeRep.cpu_s = node.cpu_s;
  if (py.cpu_s !== null) pyRep.cpu_s = py.cpu_s;

  // extractor agreement and interval agreement
  const nl = await readFile(join(dir, 'node_letters.txt'), 'utf8');
  const pl = await readFile(join(dir, 'py_letters.txt'), 'utf8');
  let same = 0;
  let bothValid = 0;
  for (let i = 0; i < nl.length; i++) {
    if (nl[i] === pl[i]) same++;
    if (nl[i] !== '-' && pl[i] !== '-') bothValid++;
  }
  const nres = JSON.parse(await readFile(join(dir, 'node_result.json'), 'utf8')) as { models: Record<string, { accuracy: number; ci_low: number; ci_high: number; by_task: Record<string, { ci_low: number; ci_high: number }> }> };
  const pres = JSON.parse(await readFile(join(dir, 'py_result.json'), 'utf8')) as { models: Record<string, { accuracy: number; ci_low: number; ci_high: number; by_task: Record<string, { ci_low: number; ci_high: number }> }> };
  let maxAccDiff = 0;
  let maxCiWidthDiff = 0;
  for (const [m, r] of Object.entries(nres.models)) {
    const p = pres.models[m]!;
    maxAccDiff = Math.max(maxAccDiff, Math.abs(r.accuracy - p.accuracy));
    maxCiWidthDiff = Math.max(maxCiWidthDiff, Math.abs(r.ci_high - r.ci_low - (p.ci_high - p.ci_low)));
    for (const [t, g] of Object.entries(r.by_task)) maxCiWidthDiff = Math.max(maxCiWidthDiff, Math.abs(g.ci_high - g.ci_low - (p.by_task[t]!.ci_high - p.by_task[t]!.ci_low)));
  }

  const f = (x: number, d = 2): string => x.toFixed(d);
  const rows = [
    ['', 'judgekit (node)', 'numpy reference', 'ratio ref/judgekit'],
    ['wall time, whole process (s)', f(nodeRep.wall_s), f(pyRep.wall_s), f(pyRep.wall_s / nodeRep.wall_s)],
    ['CPU time, whole process (s)', nodeRep.cpu_s === undefined ? '' : f(nodeRep.cpu_s), pyRep.cpu_s === undefined ? '' : f(pyRep.cpu_s), nodeRep.cpu_s && pyRep.cpu_s ? f(pyRep.cpu_s / nodeRep.cpu_s) : ''],
    ['  read + validate (s)', f(nodeRep.read_s), f(pyRep.read_s), ''],
    ['  extract + score (s)', f(nodeRep.extract_s), f(pyRep.extract_s), f(pyRep.extract_s / nodeRep.extract_s)],
    ['  grouped bootstrap (s)', f(nodeRep.bootstrap_s), f(pyRep.bootstrap_s), f(pyRep.bootstrap_s / nodeRep.bootstrap_s)],
    ['  compute total (s)', f(nodeRep.compute_s), f(pyRep.compute_s), f(pyRep.compute_s / nodeRep.compute_s)],
    ['peak RSS (MiB)', f(nodeRep.max_rss_mb, 0), f(pyRep.max_rss_mb, 0), ''],
  ];
  const w = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const out: string[] = [
    `MCQ benchmark: ${nItems} items × ${nModels} models = ${nl.length} responses; ${resamples} bootstrap resamples per group (overall, task, organ system, modality); seed ${seed}; judgekit from ${tsx ? 'the sources through tsx' : 'dist/'}`,
    '',
    ...rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ')),
    '',
    `judgekit / numpy, whole process: ${f(nodeRep.wall_s / pyRep.wall_s)} (wall)${nodeRep.cpu_s && pyRep.cpu_s ? `, ${f(nodeRep.cpu_s / pyRep.cpu_s)} (CPU)` : ''}`,
    `extractor agreement (same letter or both invalid): ${f((100 * same) / nl.length, 3)}% (${nl.length - same} of ${nl.length} differ); both read a letter: ${f((100 * bothValid) / nl.length, 2)}%`,
    `max |accuracy difference| per model: ${f(maxAccDiff * 100, 3)} points; max |95% CI width difference| (overall and per task): ${f(maxCiWidthDiff * 100, 3)} points (different RNGs)`,
  ];
  process.stdout.write(out.join('\n') + '\n');
  await mkdir(join(root, 'bench/out'), { recursive: true });
  await writeFile(join(root, 'bench/out/mcq.json'), JSON.stringify({ n_items: nItems, n_models: nModels, resamples, seed, judgekit_from: tsx ? 'src (tsx)' : 'dist', node: nodeRep, numpy: pyRep, agreement: same / nl.length, max_acc_diff: maxAccDiff, max_ci_width_diff: maxCiWidthDiff }, null, 2) + '\n');
  if (!process.argv.includes('--keep')) await rm(dir, { recursive: true, force: true });
}

await main();
