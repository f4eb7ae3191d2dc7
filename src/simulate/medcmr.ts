/**
 * A seeded generative model of a Med-CMR-style study, SYNTHETIC by construction: items in the
 * Med-CMR release format, models of known ability and size (base and medical fine-tune pairs),
 * their MCQ replies in the messy formats real models write, open-ended answers of known quality
 * per rubric criterion, two judges with known per-model bias, noise and answer-order bias, human
 * raters with known noise, human pairwise preferences, and MCQ ↔ open pairs. Every planted value
 * is returned in `truth`, so each study can be seen finding it.
 *
 * Truths are exact expectations given the generated items and answers (the rounding and clamping of
 * a 1–5 scale included, computed from the normal CDF), not Monte Carlo estimates: an estimate
 * differs from its truth only by the sampling noise the study's interval is meant to cover.
 */
import { Rng } from '../stats/random.ts';
import { normalCdf } from '../stats/distributions.ts';
import type { TruthSection } from './truth-report.ts';

export interface SimulateOptions {
  seed: number;
  /** MCQ items (each has an open-ended twin); spread evenly over the seven tasks. */
  items: number;
  /** Models, taken in order from MODEL_POOL (pairs first). */
  models: number;
  /** Open-ended items the human raters label (the first ones). */
  humanItems: number;
  /** Open-ended items with human pairwise preferences (the first ones). */
  preferenceItems: number;
}

export const DEFAULT_SIMULATION: Omit<SimulateOptions, 'seed'> = { items: 84, models: 6, humanItems: 36, preferenceItems: 24 };

export const TASKS = ['SOD', 'FDD', 'SU', 'TP', 'CR', 'LTG', 'MSI'] as const;
const TASK_TEXT: Record<(typeof TASKS)[number], { subtype: string; qtype: string; ask: string }> = {
  SOD: { subtype: 'small lesion', qtype: 'finding', ask: 'Which small finding is present' },
  FDD: { subtype: 'fine detail', qtype: 'finding', ask: 'Which fine detail is shown' },
  SU: { subtype: 'spatial', qtype: 'localisation', ask: 'Where is the abnormality located' },
  TP: { subtype: 'progression', qtype: 'prognosis', ask: 'How is this finding most likely to evolve' },
  CR: { subtype: 'cause', qtype: 'reasoning', ask: 'What most likely caused this finding' },
  LTG: { subtype: 'rare disease', qtype: 'diagnosis', ask: 'What is the most likely diagnosis' },
  MSI: { subtype: 'multi-source', qtype: 'integration', ask: 'Given the history and the image, what is the diagnosis' },
};
const ORGANS: Record<string, string[]> = {
  Respiratory: ['Pneumothorax', 'Lobar pneumonia', 'Pleural effusion', 'Pulmonary nodule', 'Emphysema', 'Pulmonary oedema', 'Lung abscess'],
  Nervous: ['Subdural haematoma', 'Ischaemic stroke', 'Glioblastoma', 'Multiple sclerosis', 'Hydrocephalus', 'Meningioma', 'Cerebral abscess'],
  Cardiovascular: ['Aortic dissection', 'Pericardial effusion', 'Dilated cardiomyopathy', 'Myocarditis', 'Coronary occlusion', 'Aortic aneurysm'],
  Digestive: ['Acute appendicitis', 'Small bowel obstruction', 'Acute pancreatitis', 'Liver abscess', 'Cholecystitis', 'Sigmoid volvulus'],
  Musculoskeletal: ['Scaphoid fracture', 'Osteosarcoma', 'Meniscal tear', 'Avascular necrosis', 'Gout', 'Osteomyelitis'],
  Urinary: ['Hydronephrosis', 'Renal calculus', 'Renal cell carcinoma', 'Simple renal cyst', 'Angiomyolipoma'],
  Integumentary: ['Melanoma', 'Basal cell carcinoma', 'Seborrhoeic keratosis', 'Dermatofibroma', 'Haemangioma'],
};
const MODALITIES = ['X-ray', 'CT', 'MRI', 'Ultrasound', 'Histopathology', 'Dermoscopy', 'Endoscopy', 'Fundus photography'];
const LETTERS = ['A', 'B', 'C', 'D', 'E'] as const;

/** The rubric's criteria (rubrics/medcmr-v1.yaml, scale 1–5, weights 1/1/4/4). */
export const CRITERIA = [
  { key: 'consistency', weight: 1, offset: 0.4 },
  { key: 'coherence', weight: 1, offset: 0.2 },
  { key: 'visual_accuracy', weight: 4, offset: -0.3 },
  { key: 'ground_truth_correctness', weight: 4, offset: -0.2 },
] as const;

interface ModelSpec {
  name: string;
  size: number;
  medical: boolean;
  /** The general model a medical one was fine-tuned from. */
  base?: string;
}

/** Base/medical pairs at three sizes, then a large pair. */
export const MODEL_POOL: readonly ModelSpec[] = [
  { name: 'sim-general-4b', size: 4, medical: false },
  { name: 'sim-medical-4b', size: 4, medical: true, base: 'sim-general-4b' },
  { name: 'sim-general-8b', size: 8, medical: false },
  { name: 'sim-medical-8b', size: 8, medical: true, base: 'sim-general-8b' },
  { name: 'sim-general-32b', size: 32, medical: false },
  { name: 'sim-medical-32b', size: 32, medical: true, base: 'sim-general-32b' },
  { name: 'sim-general-72b', size: 72, medical: false },
  { name: 'sim-medical-72b', size: 72, medical: true, base: 'sim-general-72b' },
];

/** What a fine-tune does, as Med-CMR reports it: worse on MCQs, better on open-ended answers. */
const MEDICAL_MCQ_SHIFT = -0.35;
const MEDICAL_OPEN_SHIFT = 0.3;
const GUESS = 1 / LETTERS.length;

/** The criterion the default experiment's judge-corrected scores correct, and the estimates its truth table shows. */
export const CORRECTED_DIMENSION = 'ground_truth_correctness';
const CORRECTED_METHODS = [
  { key: 'judge_naive', label: 'judge alone' },
  { key: 'human_only', label: 'humans alone' },
  { key: 'ppi_plus_plus', label: 'PPI++' },
  { key: 'stratified_ppi', label: 'stratified PPI (by task)' },
] as const;

/** The two recorded judges: the main one is biased towards medical models; the lite one is noisier. */
export const JUDGES = [
  { name: 'sim-judge', noise: 0.45, medicalBias: 0.35, largeBias: 0.15, firstPositionBias: 0.6 },
  { name: 'sim-judge-lite', noise: 1.0, medicalBias: 0.1, largeBias: 0, firstPositionBias: 1.0 },
] as const;

/** Three human raters: noise (SD on the 1–5 scale) and leniency. */
export const HUMANS = [
  { name: 'rater-1', noise: 0.45, bias: 0 },
  { name: 'rater-2', noise: 0.6, bias: -0.2 },
  { name: 'rater-3', noise: 0.8, bias: 0.15 },
] as const;
/** Human pairwise preferences: a difference below this (after noise) is a tie. */
const PREF_TIE = 0.35;

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));
const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;

function normal(rng: Rng): number {
  const u = Math.max(rng.next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/** P(rating = k), k = 1..5, of round(x + N(0, sd)) clamped to 1..5. */
export function ratingDistribution(x: number, sd: number): number[] {
  const p: number[] = [];
  for (let k = 1; k <= 5; k++) {
    const hi = k === 5 ? 1 : normalCdf((k + 0.5 - x) / sd);
    const lo = k === 1 ? 0 : normalCdf((k - 0.5 - x) / sd);
    p.push(hi - lo);
  }
  return p;
}
const expectation = (p: number[]): number => p.reduce((s, q, k) => s + q * (k + 1), 0);
const sampleRating = (rng: Rng, x: number, sd: number): number => clamp(Math.round(x + sd * normal(rng)), 1, 5);

/** The Med-CMR aggregate of four 1–5 scores: (s − 1)/4 per criterion, weighted 1/1/4/4, × 100. */
export function medcmrScore(scores: readonly number[]): number {
  let num = 0;
  let den = 0;
  CRITERIA.forEach((c, k) => {
    num += c.weight * ((scores[k]! - 1) / 4);
    den += c.weight;
  });
  return (100 * num) / den;
}

/** P(Med-CMR aggregate ≥ threshold) when each criterion's rating is independent with these distributions. */
function probScoreAtLeast(dists: number[][], threshold: number): number {
  let p = 0;
  const rec = (k: number, scores: number[], prob: number): void => {
    if (k === dists.length) {
      if (medcmrScore(scores) >= threshold - 1e-9) p += prob;
      return;
    }
    for (let s = 1; s <= 5; s++) if (dists[k]![s - 1]! > 0) rec(k + 1, [...scores, s], prob * dists[k]![s - 1]!);
  };
  rec(0, [], 1);
  return p;
}

export interface Simulation {
  files: Map<string, string>;
  truth: Truth;
}

export type Truth = ReturnType<typeof buildTruth>;

/** Replies to an MCQ in the forms real models write; `readable: false` ones carry no single answer. */
function mcqReply(rng: Rng, style: number, letter: string, optionText: string, other: string, vd: string, unreadable: boolean): string {
  if (unreadable) {
    return [`${letter} or ${other}`, 'These findings need further imaging before any answer can be given.', `Reasoning: ${vd}\nAnswer:`, '', `<think>${vd} Option ${other} is unlikely; comparing with option`][rng.int(5)]!;
  }
  const roll = rng.next();
  switch (style) {
    case 0: // terse general models
      if (roll < 0.5) return letter;
      if (roll < 0.75) return `${letter}) ${optionText}`;
      if (roll < 0.9) return `The answer is ${letter}, not ${other}.`;
      return `**${letter.toLowerCase()}**`;
    case 1: // medical fine-tunes: the Med-CMR "Reasoning: … Answer: X" form, sometimes in Chinese
      if (roll < 0.7) return `Reasoning: ${vd} Option ${other} does not explain this finding.\nAnswer: ${letter}`;
      if (roll < 0.85) return `Reasoning: ${vd}\nAnswer: ${optionText}`;
      return `分析：${vd}\n答案：${String.fromCharCode(0xff21 + LETTERS.indexOf(letter as 'A'))}`;
    default: // large reasoning models
      if (roll < 0.7) return `<think>${vd} Could it be ${other}? No.</think>\nAnswer: **${letter}**`;
      if (roll < 0.9) return `The image shows: ${vd} Therefore, the correct answer is (${letter}).`;
      return `$\\boxed{${letter}}$`;
  }
}

export function simulateMedCmr(o: SimulateOptions): Simulation {
  if (!(o.models >= 2 && o.models <= MODEL_POOL.length)) throw new RangeError(`models must be between 2 and ${MODEL_POOL.length}`);
  if (!(o.items >= TASKS.length)) throw new RangeError(`items must be at least ${TASKS.length} (one per task)`);
  const rng = new Rng(o.seed);
  const models = MODEL_POOL.slice(0, o.models);
  const organs = Object.keys(ORGANS);

  // --- models: ability from size, fine-tune shifts, per-task strengths --------------------------
  const ability = new Map<string, { mcq: Record<string, number>; open: Record<string, number>; unreadable: number; style: number }>();
  for (const m of models) {
    const base = -1.1 + 0.5 * Math.log(m.size);
    const mcq: Record<string, number> = {};
    const open: Record<string, number> = {};
    for (const t of TASKS) {
      const task = 0.25 * normal(rng);
      mcq[t] = base + task + (m.medical ? MEDICAL_MCQ_SHIFT : 0);
      open[t] = base + task + (m.medical ? MEDICAL_OPEN_SHIFT : 0);
    }
    ability.set(m.name, { mcq, open, unreadable: m.medical ? 0.07 : m.size >= 32 ? 0.02 : 0.04, style: m.medical ? 1 : m.size >= 32 ? 2 : 0 });
  }

  // --- items -------------------------------------------------------------------------------------
  interface Sim {
    index: number;
    task: (typeof TASKS)[number];
    organ: string;
    modality: string;
    options: string[];
    answer: string;
    vd: string;
    difficulty: number;
  }
  const items: Sim[] = [];
  for (let k = 0; k < o.items; k++) {
    const task = TASKS[k % TASKS.length]!;
    const organ = organs[rng.int(organs.length)]!;
    const pool = rng.shuffle([...ORGANS[organ]!]);
    const options = pool.slice(0, 5);
    const answer = LETTERS[rng.int(5)]!;
    const modality = MODALITIES[rng.int(MODALITIES.length)]!;
    const truthText = options[LETTERS.indexOf(answer)]!;
    items.push({ index: 5001 + k, task, organ, modality, options, answer, vd: `[synthetic] ${modality} image whose findings are typical of ${truthText.toLowerCase()}.`, difficulty: 0.8 * normal(rng) });
  }
  const release = items.map((it) => ({
    index: it.index,
    question: `[SYNTHETIC case ${it.index}] ${TASK_TEXT[it.task].ask} on this ${it.modality} image (${it.organ.toLowerCase()} system)?`,
    image_path: `imgs/${it.index}.png`,
    ...Object.fromEntries(it.options.map((t, i) => [LETTERS[i]!, t])),
    answer: it.answer,
    visual_description: it.vd,
    task: it.task,
    subtype: TASK_TEXT[it.task].subtype,
    'question type': TASK_TEXT[it.task].qtype,
    modality: it.modality,
    'organ system': it.organ,
  }));
  const openItems = items.map((it) => ({
    id: `open-${it.index}`,
    format: 'open',
    question: `${TASK_TEXT[it.task].ask} on this ${it.modality} image (${it.organ.toLowerCase()} system)? Explain your reasoning.`,
    reference: it.options[LETTERS.indexOf(it.answer as 'A')]!,
    task: it.task,
    organ_system: it.organ,
    modality: it.modality,
    image: `imgs/${it.index}.png`,
    visual_description: it.vd,
    pair_id: `mcq-${it.index}`,
    meta: { synthetic: true, subtype: TASK_TEXT[it.task].subtype, source_item_id: `mcq-${it.index}`, method: 'mcq_to_open' },
  }));

  // --- MCQ replies -------------------------------------------------------------------------------
  const mcqResponses: unknown[] = [];
  const mcqOutcome = new Map<string, { p: number; correct: boolean; readable: boolean }>(); // model|index
  for (const m of models) {
    const a = ability.get(m.name)!;
    for (const it of items) {
      const p = GUESS + (1 - GUESS) * sigmoid(a.mcq[it.task]! - it.difficulty);
      const correct = rng.next() < p;
      const wrong = LETTERS.filter((l) => l !== it.answer);
      const letter = correct ? it.answer : wrong[rng.int(wrong.length)]!;
      const others = LETTERS.filter((l) => l !== letter);
      const readable = !(rng.next() < a.unreadable);
      const output = mcqReply(rng, a.style, letter, it.options[LETTERS.indexOf(letter as 'A')]!, others[rng.int(others.length)]!, it.vd, !readable);
      mcqOutcome.set(`${m.name}|${it.index}`, { p, correct, readable });
      mcqResponses.push({ item_id: `mcq-${it.index}`, model: m.name, output, meta: { size: m.size, synthetic: true } });
    }
  }

  // --- open-ended answers of known quality ------------------------------------------------------
  const quality = new Map<string, number[]>(); // model|index → latent 1..5 per criterion
  const openResponses: unknown[] = [];
  for (const m of models) {
    const a = ability.get(m.name)!;
    for (const it of items) {
      const centre = 3 + 0.9 * (a.open[it.task]! - it.difficulty);
      const q = CRITERIA.map((c) => clamp(centre + c.offset + 0.5 * normal(rng), 1, 5));
      quality.set(`${m.name}|${it.index}`, q);
      const right = q[3]! >= 3;
      const said = right ? it.options[LETTERS.indexOf(it.answer as 'A')]! : it.options[(LETTERS.indexOf(it.answer as 'A') + 1 + rng.int(4)) % 5]!;
      const reasoning = q[2]! >= 3 ? `The ${it.modality} shows the features described: ${it.vd.replace('[synthetic] ', '')}` : `The ${it.modality} is unremarkable apart from non-specific changes.`;
      openResponses.push({ item_id: `open-${it.index}`, model: m.name, output: `Reasoning: ${reasoning}\nAnswer: ${said}`, meta: { size: m.size, synthetic: true } });
    }
  }

  // --- judges: recorded rubric verdicts; pairwise verdicts in both orders -----------------------
  const judgeBias = (j: (typeof JUDGES)[number], m: ModelSpec): number => (m.medical ? j.medicalBias : 0) + (m.size >= 32 ? j.largeBias : 0);
  const verdictFiles = new Map<string, unknown[]>();
  const judgeScores = new Map<string, number[]>(); // judge|model|index
  for (const j of JUDGES) {
    const rows: unknown[] = [];
    for (const m of models) {
      for (const it of items) {
        const key = `${m.name}|${it.index}`;
        if (rng.next() < 0.01) {
          rows.push({ item_id: `open-${it.index}`, model: m.name, scores: null, status: 'parse_error', raw: 'I am unable to score this answer.' });
          continue;
        }
        const s = quality.get(key)!.map((q) => sampleRating(rng, q + judgeBias(j, m), j.noise));
        judgeScores.set(`${j.name}|${key}`, s);
        rows.push({ item_id: `open-${it.index}`, model: m.name, scores: Object.fromEntries(CRITERIA.map((c, k) => [c.key, s[k]!])), status: 'ok' });
      }
    }
    verdictFiles.set(j.name, rows);
  }

  // --- humans: 1–5 labels on a subset; pairwise preferences per dimension ----------------------
  const labelRows: Record<string, unknown>[] = [];
  const human = items.slice(0, Math.min(o.humanItems, items.length));
  for (const it of human) {
    for (const m of models) {
      const q = quality.get(`${m.name}|${it.index}`)!;
      // The task rides along as the strata column of the judge-corrected scores (it draws nothing).
      for (const h of HUMANS) CRITERIA.forEach((c, k) => labelRows.push({ item_id: `open-${it.index}`, rater: h.name, value: sampleRating(rng, q[k]! + h.bias, h.noise), dimension: c.key, model: m.name, task: it.task }));
    }
  }
  const prefRows: Record<string, unknown>[] = [];
  const prefItems = items.slice(0, Math.min(o.preferenceItems, items.length));
  const pairs: [ModelSpec, ModelSpec][] = [];
  for (let a = 0; a < models.length; a++) for (let b = a + 1; b < models.length; b++) pairs.push([models[a]!, models[b]!]);
  for (const it of prefItems) {
    for (const [ma, mb] of pairs) {
      const qa = quality.get(`${ma.name}|${it.index}`)!;
      const qb = quality.get(`${mb.name}|${it.index}`)!;
      CRITERIA.forEach((c, k) => {
        for (const h of HUMANS) {
          const d = qa[k]! - qb[k]! + Math.SQRT2 * h.noise * normal(rng);
          prefRows.push({ item_id: `open-${it.index}`, rater: h.name, model_a: ma.name, model_b: mb.name, winner: d > PREF_TIE ? 'A' : d < -PREF_TIE ? 'B' : 'tie', dimension: c.key, status: 'ok' });
        }
        // The judge's preference from its own recorded scores (as Med-CMR derives win ratios).
        const sa = judgeScores.get(`sim-judge|${ma.name}|${it.index}`);
        const sb = judgeScores.get(`sim-judge|${mb.name}|${it.index}`);
        if (!sa || !sb) prefRows.push({ item_id: `open-${it.index}`, rater: 'sim-judge', model_a: ma.name, model_b: mb.name, winner: '', dimension: c.key, status: 'parse_error' });
        else prefRows.push({ item_id: `open-${it.index}`, rater: 'sim-judge', model_a: ma.name, model_b: mb.name, winner: sa[k]! > sb[k]! ? 'A' : sa[k]! < sb[k]! ? 'B' : 'tie', dimension: c.key, status: 'ok' });
      });
    }
  }

  // Swap data: each judge compares two models' answers in both orders; gold = the truly better one.
  const swapPairs: { gold: 1 | 2; diff: number }[] = [];
  for (const it of items) {
    for (const [ma, mb] of rng.shuffle([...pairs]).slice(0, 3)) {
      // The difference of the two answers' true Med-CMR scores, in units of one step of the 1-5 scale.
      const diff = (medcmrScore(quality.get(`${ma.name}|${it.index}`)!) - medcmrScore(quality.get(`${mb.name}|${it.index}`)!)) / 25;
      if (Math.abs(diff) < 0.2) continue; // no clear gold
      swapPairs.push({ gold: diff > 0 ? 1 : 2, diff });
    }
  }
  const swapJudges: Record<string, { swap_false: (1 | 2 | null)[]; swap_true: (1 | 2 | null)[] }> = {};
  for (const j of JUDGES) {
    const scale = j.noise;
    const f: (1 | 2 | null)[] = [];
    const t: (1 | 2 | null)[] = [];
    for (const p of swapPairs) {
      // Shown in order (1 first): P(choose 1) = σ(diff/scale + β). Swapped (2 first): P(choose 2) = σ(−diff/scale + β).
      f.push(rng.next() < 0.01 ? null : rng.next() < sigmoid(p.diff / scale + j.firstPositionBias) ? 1 : 2);
      t.push(rng.next() < 0.01 ? null : rng.next() < sigmoid(-p.diff / scale + j.firstPositionBias) ? 2 : 1);
    }
    swapJudges[`${j.name}/pairwise`] = { swap_false: f, swap_true: t };
  }
  const swapFile = { synthetic: true, sets: { 'simulated/open-pairs': { n: swapPairs.length, gold: swapPairs.map((p) => p.gold), judges: swapJudges } } };

  // --- MCQ ↔ open pairs -------------------------------------------------------------------------
  const pairRows: Record<string, unknown>[] = [];
  for (const m of models) {
    for (const it of items) {
      const key = `${m.name}|${it.index}`;
      const mc = mcqOutcome.get(key)!;
      const s = judgeScores.get(`sim-judge|${key}`);
      pairRows.push({
        pair_id: `mcq-${it.index}`,
        model: m.name,
        mcq_correct: mc.readable ? (mc.correct ? 1 : 0) : '',
        open_correct: s ? round4(medcmrScore(s)) : '',
        task: it.task,
        dim_consistency: s?.[0] ?? '',
        dim_coherence: s?.[1] ?? '',
        dim_visual_accuracy: s?.[2] ?? '',
        dim_ground_truth: s?.[3] ?? '',
      });
    }
  }

  const truth = buildTruth({ o, models, items: items.map((it) => it.index), human: human.map((it) => it.index), prefItems: prefItems.map((it) => it.index), pairs, mcqOutcome, ability, quality, judgeBias, swapPairs, judged: new Set([...judgeScores.keys()].filter((k) => k.startsWith(`${JUDGES[0].name}|`)).map((k) => k.slice(JUDGES[0].name.length + 1))) });

  const labelled = new Set(human.map((it) => `open-${it.index}`));
  const csv = (header: string[], rows: Record<string, unknown>[]): string =>
    [header.join(','), ...rows.map((r) => header.map((h) => String(r[h] ?? '')).join(','))].join('\n') + '\n';
  const jsonl = (rows: unknown[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
  const files = new Map<string, string>([
    ['mcq/cmed.copy.mcq_cate.cleaned.json', JSON.stringify(release, null, 1) + '\n'],
    ['mcq/responses.jsonl', jsonl(mcqResponses)],
    ['open/items.jsonl', jsonl(openItems)],
    ['open/responses.jsonl', jsonl(openResponses)],
    ...JUDGES.map((j) => [`open/verdicts-${j.name}.jsonl`, jsonl(verdictFiles.get(j.name)!)] as [string, string]),
    // The human-labelled subset on its own, so the judge can be validated on exactly the items the humans rated.
    ['open/labelled/items.jsonl', jsonl(openItems.filter((x) => labelled.has(x.id)))],
    ['open/labelled/responses.jsonl', jsonl(openResponses.filter((x) => labelled.has((x as { item_id: string }).item_id)))],
    ['open/labelled/verdicts-sim-judge.jsonl', jsonl(verdictFiles.get(JUDGES[0].name)!.filter((x) => labelled.has((x as { item_id: string }).item_id)))],
    ['human/labels.csv', csv(['item_id', 'rater', 'value', 'dimension', 'model', 'task'], labelRows)],
    ['human/preferences.csv', csv(['item_id', 'rater', 'model_a', 'model_b', 'winner', 'dimension', 'status'], prefRows)],
    ['swap/verdicts.json', JSON.stringify(swapFile) + '\n'],
    ['pairs.csv', csv(['pair_id', 'model', 'mcq_correct', 'open_correct', 'task', 'dim_consistency', 'dim_coherence', 'dim_visual_accuracy', 'dim_ground_truth'], pairRows)],
    ['truth.json', JSON.stringify(truth, null, 1) + '\n'],
  ]);
  return { files, truth };
}

interface TruthInputs {
  o: SimulateOptions;
  models: readonly ModelSpec[];
  items: number[];
  human: number[];
  prefItems: number[];
  pairs: [ModelSpec, ModelSpec][];
  mcqOutcome: Map<string, { p: number; correct: boolean; readable: boolean }>;
  ability: Map<string, { mcq: Record<string, number>; open: Record<string, number>; unreadable: number }>;
  quality: Map<string, number[]>;
  judgeBias: (j: (typeof JUDGES)[number], m: ModelSpec) => number;
  swapPairs: { gold: 1 | 2; diff: number }[];
  /** model|index of the units the main judge scored (its failures are left out of its means). */
  judged: Set<string>;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const byModel = <T>(models: readonly ModelSpec[], f: (m: ModelSpec) => T): Record<string, T> => Object.fromEntries(models.map((m) => [m.name, f(m)]));

function buildTruth(t: TruthInputs) {
  const { models, items } = t;
  const main = JUDGES[0];
  const q = (m: ModelSpec, i: number) => t.quality.get(`${m.name}|${i}`)!;
  // MCQ: expected accuracy as judgekit scores it (an unreadable reply counts as wrong).
  const mcqAccuracy = byModel(models, (m) => round4(mean(items.map((i) => t.mcqOutcome.get(`${m.name}|${i}`)!.p)) * (1 - t.ability.get(m.name)!.unreadable)));
  // A unit's expected rating by the main judge, and its expected gold value (the mean of the human raters' ratings).
  const expectedRating = (x: number, sd: number) => expectation(ratingDistribution(x, sd));
  const judgeExpected = (m: ModelSpec, i: number, k: number) => expectedRating(q(m, i)[k]! + t.judgeBias(main, m), main.noise);
  const goldExpected = (m: ModelSpec, i: number, k: number) => mean(HUMANS.map((h) => expectedRating(q(m, i)[k]! + h.bias, h.noise)));
  // The judge's expected mean over the units it scored (its failures are left out, as every study leaves them out).
  const judgeMean = (m: ModelSpec, is: number[], k: number) => mean(is.filter((i) => t.judged.has(`${m.name}|${i}`)).map((i) => judgeExpected(m, i, k)));
  const goldMean = (m: ModelSpec, is: number[], k: number) => mean(is.map((i) => goldExpected(m, i, k)));
  // Judge bias: expected judge mean minus expected human-mean mean, per model and criterion, on the human-labelled units.
  const judgeBias = Object.fromEntries(CRITERIA.map((c, k) => [c.key, byModel(models, (m) => round4(judgeMean(m, t.human, k) - goldMean(m, t.human, k)))]));
  // Judge-corrected scores: the score each model truly has on the human scale (the expected gold value
  // over EVERY open-ended item, labelled or not: the estimand of PPI), and what the judge's plain mean
  // over all its units estimates instead.
  const corrected = Object.fromEntries(
    CRITERIA.map((c, k) => [c.key, { human_mean: byModel(models, (m) => round4(goldMean(m, items, k))), judge_mean: byModel(models, (m) => round4(judgeMean(m, items, k))) }]),
  );
  const correctedKey = CORRECTED_DIMENSION;
  // Win ratios per dimension: under the true latent quality, and as the judge is expected to give them (ties half).
  const winLatent: Record<string, Record<string, number>> = {};
  const winJudge: Record<string, Record<string, number>> = {};
  const winHumans: Record<string, Record<string, number>> = {};
  CRITERIA.forEach((c, k) => {
    const lat: Record<string, number[]> = {};
    const jud: Record<string, number[]> = {};
    const hum: Record<string, { w: number; n: number }> = {};
    for (const i of t.prefItems) {
      for (const [a, b] of t.pairs) {
        const da = q(a, i)[k]!;
        const db = q(b, i)[k]!;
        const l = da > db ? 1 : da < db ? 0 : 0.5;
        (lat[a.name] ??= []).push(l);
        (lat[b.name] ??= []).push(1 - l);
        const pa = ratingDistribution(da + t.judgeBias(main, a), main.noise);
        const pb = ratingDistribution(db + t.judgeBias(main, b), main.noise);
        let win = 0;
        let tie = 0;
        for (let x = 0; x < 5; x++) for (let y = 0; y < 5; y++) (x > y ? (win += pa[x]! * pb[y]!) : x === y ? (tie += pa[x]! * pb[y]!) : 0);
        (jud[a.name] ??= []).push(win + tie / 2);
        (jud[b.name] ??= []).push(1 - win - tie / 2);
        // The strict majority of the three humans' preferences (no majority: the unit is left out).
        const per = HUMANS.map((h) => {
          const sd = Math.SQRT2 * h.noise;
          const pA = 1 - normalCdf((PREF_TIE - (da - db)) / sd);
          const pB = normalCdf((-PREF_TIE - (da - db)) / sd);
          return [pA, pB, 1 - pA - pB];
        });
        let pMajA = 0;
        let pMajTie = 0;
        let pMaj = 0;
        for (let x = 0; x < 3; x++)
          for (let y = 0; y < 3; y++)
            for (let z2 = 0; z2 < 3; z2++) {
              const pr = per[0]![x]! * per[1]![y]! * per[2]![z2]!;
              const maj = x === y || x === z2 ? x : y === z2 ? y : -1;
              if (maj < 0) continue;
              pMaj += pr;
              if (maj === 0) pMajA += pr;
              if (maj === 2) pMajTie += pr;
            }
        const ha = (hum[a.name] ??= { w: 0, n: 0 });
        const hb = (hum[b.name] ??= { w: 0, n: 0 });
        ha.w += pMajA + pMajTie / 2;
        ha.n += pMaj;
        hb.w += pMaj - pMajA - pMajTie / 2;
        hb.n += pMaj;
      }
    }
    winLatent[c.key] = Object.fromEntries(Object.entries(lat).map(([m, v]) => [m, round4(mean(v))]));
    winJudge[c.key] = Object.fromEntries(Object.entries(jud).map(([m, v]) => [m, round4(mean(v))]));
    winHumans[c.key] = Object.fromEntries(Object.entries(hum).map(([m, v]) => [m, round4(v.w / v.n)]));
  });
  // Base versus medical: expected MCQ accuracy among readable replies, expected open-ended correctness (judge score ≥ 50).
  const openCorrect = (m: ModelSpec, i: number) => probScoreAtLeast(q(m, i).map((x) => ratingDistribution(x + t.judgeBias(main, m), main.noise)), 50);
  const paired = Object.fromEntries(
    models
      .filter((m) => m.base && models.some((b) => b.name === m.base))
      .map((m) => {
        const b = models.find((x) => x.name === m.base)!;
        const mcq = (x: ModelSpec) => mean(items.map((i) => t.mcqOutcome.get(`${x.name}|${i}`)!.p));
        const open = (x: ModelSpec) => mean(items.map((i) => openCorrect(x, i)));
        return [`${b.name}:${m.name}`, { base: b.name, tuned: m.name, mcq_difference: round4(mcq(m) - mcq(b)), open_difference: round4(open(m) - open(b)), base_mcq: round4(mcq(b)), tuned_mcq: round4(mcq(m)), base_open: round4(open(b)), tuned_open: round4(open(m)) }];
      }),
  );
  // Swap: expected flip rate, first-position rate and accuracy of each judge on the generated pairs.
  const swap = Object.fromEntries(
    JUDGES.map((j) => {
      let flip = 0;
      let acc = 0;
      for (const p of t.swapPairs) {
        const f1 = sigmoid(p.diff / j.noise + j.firstPositionBias); // order 1: P(verdict 1)
        const s1 = 1 - sigmoid(-p.diff / j.noise + j.firstPositionBias); // swapped: P(verdict 1)
        flip += f1 * (1 - s1) + (1 - f1) * s1;
        acc += p.gold === 1 ? (f1 + s1) / 2 : (2 - f1 - s1) / 2;
      }
      return [`${j.name}/pairwise`, { first_position_logit: j.firstPositionBias, flip_rate: round4(flip / t.swapPairs.length), accuracy_mean: round4(acc / t.swapPairs.length) }];
    }),
  );
  const P = (...path: (string | number | { find: string; equals: string })[]) => ({ path });
  const est = (...path: (string | number | { find: string; equals: string })[]) => ({ estimate: P(...path), interval: [P(...path, 'ci_low'), P(...path, 'ci_high')] as [ReturnType<typeof P>, ReturnType<typeof P>] });
  const checks: Record<string, TruthSection> = {
    mcq: {
      title: 'MCQ accuracy per model',
      note: 'Truth: the expected accuracy given the generated items (each model answers correctly with its planted probability; an unreadable reply counts as wrong).',
      checks: models.map((m) => ({ quantity: `${m.name} (${m.size}B${m.medical ? ', medical' : ''})`, truth: mcqAccuracy[m.name]!, estimate: P('models', m.name, 'accuracy'), interval: [P('models', m.name, 'ci_low'), P('models', m.name, 'ci_high')] as [ReturnType<typeof P>, ReturnType<typeof P>] })),
    },
    judge_bias: {
      title: `${main.name}'s bias per model (judge mean minus the human raters' mean, 1-5 scale)`,
      note: `On the items the humans rated. Planted: +${main.medicalBias} on medical models, +${main.largeBias} on models of 32B or more; the truth column is the expected difference after rounding and clamping to 1-5.`,
      checks: CRITERIA.flatMap((c) => models.map((m) => ({ quantity: `${c.key}: ${m.name}`, truth: judgeBias[c.key]![m.name]!, estimate: { minus: [P('dimensions', c.key, 'system_ranking', 'means', main.name, m.name), { mean: HUMANS.map((h) => P('dimensions', c.key, 'system_ranking', 'means', h.name, m.name)) }] as [ReturnType<typeof P>, { mean: ReturnType<typeof P>[] }] } }))),
    },
    winrate: {
      title: 'Win ratios per dimension under the human majority and under the judge (Med-CMR Fig. 4d)',
      note: 'Truth: the expected win ratio of each rater given the generated answers (ties count half); the latent column of truth.json gives a perfect rater\'s.',
      checks: CRITERIA.flatMap((c) =>
        models.flatMap((m) => [
          { quantity: `${c.key}: ${m.name}, humans`, truth: winHumans[c.key]![m.name]!, ...est('dimensions', c.key, 'raters', 'majority', 'models', m.name, 'win_ratio') },
          { quantity: `${c.key}: ${m.name}, ${main.name}`, truth: winJudge[c.key]![m.name]!, ...est('dimensions', c.key, 'raters', main.name, 'models', m.name, 'win_ratio') },
        ]),
      ),
    },
    consistency: {
      title: 'Base versus medical fine-tune (Med-CMR Fig. 4b/4c): tuned minus base',
      note: 'Planted: a fine-tune shifts MCQ ability by ' + MEDICAL_MCQ_SHIFT + ' and open-ended ability by +' + MEDICAL_OPEN_SHIFT + ' (logit scale). Truth: expected differences in MCQ accuracy (readable replies) and in the share of open answers the judge scores 50 or more.',
      checks: Object.entries(paired).flatMap(([k, v]) => [
        { quantity: `${k}: MCQ accuracy difference`, truth: v.mcq_difference, estimate: P('paired', k, 'mcq', 'mean_difference') },
        { quantity: `${k}: open-ended correct difference`, truth: v.open_difference, estimate: P('paired', k, 'open', 'mean_difference') },
      ]),
    },
    swap: {
      title: 'Answer-order consistency of the pairwise judges',
      note: 'Planted: a first-position preference (logit) of ' + JUDGES.map((j) => `${j.firstPositionBias} for ${j.name}`).join(' and ') + '.',
      checks: JUDGES.flatMap((j) => [
        { quantity: `${j.name}: flip rate`, truth: swap[`${j.name}/pairwise`]!.flip_rate, ...est('rows', { find: 'judge', equals: j.name }, 'stats', 'flip_rate') },
        { quantity: `${j.name}: accuracy (both orders)`, truth: swap[`${j.name}/pairwise`]!.accuracy_mean, ...est('rows', { find: 'judge', equals: j.name }, 'stats', 'accuracy_mean') },
      ]),
    },
    corrected: {
      title: `Judge-corrected scores: ${correctedKey} per model on the human scale (1-5), ${main.name} corrected by the human labels`,
      note:
        `Truth: the expected gold value (the mean of the ${HUMANS.length} raters' 1-5 ratings, their leniency and noise included) averaged over all ${items.length} open-ended items, the quantity every estimate here targets. ` +
        `Planted: ${main.name} rates medical models +${main.medicalBias} and models of 32B or more +${main.largeBias} above their quality, so its plain mean ("judge alone") estimates its own expected mean instead (last rows); ` +
        'its intervals are expected to miss the truth for the favoured models. The humans-alone, PPI++ and stratified rows should contain it about 95% of the time.',
      checks: [
        ...CORRECTED_METHODS.flatMap((x) => models.map((m) => ({ quantity: `${m.name}: ${x.label}`, group: x.label, truth: corrected[correctedKey]!.human_mean[m.name]!, ...est('models', m.name, x.key) }))),
        ...models.map((m) => ({ quantity: `${m.name}: judge alone, against the judge's expected mean`, group: "judge alone, against the judge's own expected mean", truth: corrected[correctedKey]!.judge_mean[m.name]!, ...est('models', m.name, 'judge_naive') })),
      ],
    },
    tuning: {
      title: 'Which recorded judge agrees better with the humans',
      note: `Planted: ${JUDGES.map((j) => `${j.name} noise ${j.noise}`).join(', ')}.`,
      checks: [{ quantity: 'winner on the held-out items', truth: JUDGES[0].name, estimate: P('winner') }],
    },
  };
  return {
    synthetic: true as const,
    generator: 'judgekit simulate (src/simulate/medcmr.ts)',
    options: t.o,
    note: 'Every value is an exact expectation given the generated items and answers (rounding to the 1-5 scale included), unless named latent.',
    models: byModel(models, (m) => ({ size: m.size, medical: m.medical, base: m.base ?? null, mcq_ability_by_task: Object.fromEntries(Object.entries(t.ability.get(m.name)!.mcq).map(([k, v]) => [k, round4(v)])), unreadable_rate: t.ability.get(m.name)!.unreadable })),
    mcq: { accuracy: mcqAccuracy, convention: 'expected correct / n, an unreadable reply counted as wrong' },
    judge: {
      judges: JUDGES.map((j) => ({ ...j, bias_by_model: byModel(models, (m) => t.judgeBias(j, m)) })),
      bias_vs_human_mean: judgeBias,
      better_judge: JUDGES[0].name,
    },
    humans: { raters: HUMANS, note: 'rating = round(latent + bias + N(0, noise)) clamped to 1-5; the human ceiling follows from these noises' },
    winrate: { latent: winLatent, human_majority_expected: winHumans, judge_expected: winJudge },
    corrected: {
      dimension_checked: correctedKey,
      by_dimension: corrected,
      note: `human_mean: expected mean of the raters' ratings over all ${items.length} open-ended items (what PPI estimates); judge_mean: ${main.name}'s expected mean over the units it scored (what its plain mean estimates).`,
    },
    base_vs_medical: paired,
    swap,
    sizes: byModel(models, (m) => m.size),
    checks,
  };
}
