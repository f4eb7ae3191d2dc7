import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * The public human-versus-LLM datasets judgekit knows how to fetch and convert. Each entry says where
 * the data comes from (repository and commit), under what terms, what it holds and which published
 * numbers it reproduces. The pinned files with their SHA-256 live in `pins.json` (written by
 * `scripts/import-datasets.ts` from a verified mirror); nothing from the datasets is in the project.
 */

export const PinnedFile = z.object({
  /** Path inside the dataset's mirror folder (the layout of a local `--mirror`). */
  path: z.string().min(1),
  /** Path inside the upstream repository at the pinned commit. */
  upstream: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
});
export type PinnedFile = z.infer<typeof PinnedFile>;

export const Pins = z.record(z.string(), z.array(PinnedFile).min(1));

export interface PublishedNumber {
  what: string;
  value: string;
  source: string;
}

export interface DatasetSpec {
  name: string;
  title: string;
  /** Folder name of the dataset inside a mirror (a mirror is laid out as the upstream copies are: one folder per dataset). */
  mirror_folder: string;
  origin: { repository: string; commit: string; date: string; raw_base: string };
  license: string;
  /** Terms beyond the repository's license that a user must know before using the data. */
  terms: string;
  citation: string;
  contents: string;
  /** The files the conversion writes, relative to the dataset's folder, with what each holds. */
  outputs: Record<string, string>;
  published: PublishedNumber[];
  /** Which files of the mirror folder are pinned (used by the pinning script). */
  select: (mirrorPath: string) => boolean;
  /** The upstream path of a mirror path (mirrors may rename awkward folder names). */
  upstreamPath: (mirrorPath: string) => string;
}

const github = (repo: string, commit: string) => ({
  repository: `https://github.com/${repo}`,
  commit,
  raw_base: `https://raw.githubusercontent.com/${repo}/${commit}/`,
});

const SOTTANA_TASK_FILES = /^potato_and_GPT4_full_annotations\/[a-z]+_evaluation_\d+_of_\d+\/(annotation_output\/[0-9a-f]{24}\/(annotated_instances\.jsonl|annotation_order\.txt)|gpt4_as_annotator\/output\.jsonl)$/;

export const DATASETS: readonly DatasetSpec[] = [
  {
    name: 'pandalm',
    title: 'PandaLM test set: 999 pairwise comparisons, 3 human annotators, GPT-3.5 and PandaLM-7B verdicts',
    mirror_folder: 'pandalm_testset',
    origin: { ...github('WeOpenML/PandaLM', '3871806e72b4832f815ecafd24d3503c73403f48'), date: '2024-05-21' },
    license: 'Apache-2.0',
    terms: 'The responses come from LLaMA, Bloom, Cerebras-GPT, OPT and Pythia fine-tunes; the judge texts from GPT-3.5 and PandaLM.',
    citation: 'Wang et al., "PandaLM: An Automatic Evaluation Benchmark for LLM Instruction Tuning Optimization", arXiv:2306.05087 (ICLR 2024).',
    contents: 'testset-v1.json (999 items: instruction, two responses, three annotators: 0 tie, 1, 2), gpt-3.5-turbo-testset-v1.json and pandalm-7b-testset-v1.json (the two judges\' verdicts, aligned by idx).',
    outputs: {
      'labels.csv': 'item_id, rater, value: 0 tie / 1 / 2 for annotator1-3, gpt-3.5-turbo (an unreadable "garbage" verdict stays "garbage", a failure) and pandalm-7b',
      'preferences.csv': 'item_id, rater, model_a, model_b, winner (A/B/tie), status (parse_error for "garbage"), the models from cmp_key',
    },
    published: [
      { what: 'inter-annotator Cohen κ #1–#2 / #1–#3 / #2–#3', value: '0.8520 / 0.8789 / 0.8617', source: 'PandaLM README (IAA table)' },
      { what: 'human majority: tie / 1 / 2', value: '105 / 422 / 472', source: 'PandaLM README' },
      { what: 'GPT-3.5 vs majority: accuracy, macro P / R / F1 (garbage as tie)', value: '0.7107, 0.5879 / 0.5736 / 0.5755', source: 'data/compute_metrics.py comments (commit 1f9f8ab)' },
      { what: 'PandaLM-7B vs majority: accuracy, macro P / R / F1', value: '0.6677, 0.5738 / 0.5750 / 0.5743', source: 'data/compute_metrics.py comments (commit 1f9f8ab)' },
    ],
    select: (p) => ['testset-v1.json', 'gpt-3.5-turbo-testset-v1.json', 'pandalm-7b-testset-v1.json'].includes(p),
    upstreamPath: (p) => `data/${p}`,
  },
  {
    name: 'llmbar',
    title: 'LLMBar: pairwise judge verdicts in both answer orders with gold labels (incl. the MT-Bench human-majority subset)',
    mirror_folder: 'llmbar',
    origin: { ...github('princeton-nlp/LLMBar', '900616bff90b6c6c8e1681f7d079250637c55992'), date: '2024-07-08' },
    license: 'MIT (repository)',
    terms: 'Processed/MT-Bench derives from lmsys/mt_bench_human_judgments (CC-BY-4.0); Processed/FairEval from i-Eval/FairEval (no license); Processed/LLMEval^2 from Zhang et al. 2023 (license unchecked); model outputs fall under their providers\' terms. Use for validation and testing.',
    citation: 'Zeng, Yu, Gao, Meng, Goyal, Chen, "Evaluating Large Language Models at Evaluating Instruction Following", ICLR 2024, arXiv:2310.07641.',
    contents: 'The 49 evaluators/<LLM>/<strategy>/result.json files of Dataset/ (gold label and the judge\'s winner in both orders, results[-1]) and their statistics.json (the authors\' accuracy and positional agreement).',
    outputs: {
      'verdicts.json': 'sets.<set> = {n, gold, judges["<LLM>/<strategy>"] = {swap_false, swap_true}}: 1, 2 or null (unparseable) per item; no texts',
      'statistics.json': '"<set>/<LLM>/<strategy>" → the authors\' correct_False, correct_True, correct_average, correct_both, equal strings (kappa_* left out: upstream mixes label codes)',
    },
    published: [
      { what: 'Acc. and Agr. of all 49 judge/strategy/set combinations', value: 'equal to upstream statistics.json, e.g. MT-Bench GPT-4 Vanilla_NoRules 81.0% / 87.0%', source: 'LLMBar Dataset/**/statistics.json ("results reported in our paper")' },
      { what: 'GPT-4 Metrics_Reference, mean over the four Adversarial subsets', value: '82.79%', source: 'LLMBar paper, Table 2' },
    ],
    select: (p) => /\/evaluators\/[^/]+\/[^/]+\/result\.json$/.test(p) || /\/evaluators\/[^/]+\/[^/]+\/statistics\.json$/.test(p),
    upstreamPath: (p) => `Dataset/${p.replace(/^Processed\/LLMEval2\//, 'Processed/LLMEval^2/')}`,
  },
  {
    name: 'kqa',
    title: 'K-QA: three physicians\' NLI labels of 399 LLM-answer statements',
    mirror_folder: 'kqa',
    origin: { ...github('Itaymanes/K-QA', 'ef403d012e199fcfa0d8c02b38a96ff95164f4d0'), date: '2024-05-26' },
    license: 'MIT',
    terms: 'The model answers (gpt4, gpt35, bard, askk) fall under their providers\' terms; use for internal validation.',
    citation: 'Manes, Ronn, Cohen, Ilan Ber, Horowitz-Kugler, Stanovsky, "K-QA: A Real-World Medical Q&A Benchmark", BioNLP 2024, arXiv:2401.14493.',
    contents: 'dataset/NLI_medical_annotator.csv: 399 (answer, gold statement) pairs, each labelled Entailment / Neutral / Contradiction by three physicians.',
    outputs: { 'labels.csv': 'item_id (upstream row index), rater (physician0-2), value (Entailment/Neutral/Contradiction), model, category' },
    published: [
      { what: '399 statements × 3 physicians', value: '1,197 labels', source: 'K-QA README ("almost 400 statements ... three physicians")' },
      { what: 'Fleiss κ (3 physicians, 3 categories); regression anchor, not published', value: '0.7189 (P̄ 0.8546)', source: 'computed from the file' },
    ],
    select: (p) => p === 'NLI_medical_annotator.csv',
    upstreamPath: (p) => `dataset/${p}`,
  },
  {
    name: 'sottana',
    title: 'Sottana et al. 2023: 3 human raters and GPT-4 rating 4 systems on summarisation, simplification and GEC',
    mirror_folder: 'sottana2023_seq2seq_human_gpt4',
    origin: { ...github('protagolabs/seq2seq_llm_evaluation', 'd3d3679a1880221848f8bc27d621f67b3d357611'), date: '2023-12-08' },
    license: 'MIT',
    terms: 'Source texts: CNN/DailyMail (summarisation), Newsela (simplification; restricted upstream license, internal testing only), BEA-2019 (GEC).',
    citation: 'Sottana, Liang, Zou, Yuan, "Evaluation Metrics in the Era of GPT-4: Reliably Evaluating Large Language Models on Sequence to Sequence Tasks", EMNLP 2023, pp. 8776–8788.',
    contents: 'data/outputs/potato_and_GPT4_full_annotations (per-annotator Likert ratings, presentation order, GPT-4-as-annotator output) and the three potato_aggregated/<task>.csv tables the conversion checks itself against.',
    outputs: {
      'labels.csv': 'item_id (12 hex of the upstream id), rater (57e2b, 5995e, 61102, gpt-4), value, dimension (<task>/<criterion>), model',
      'summarization/items.jsonl': '100 open-ended items (CNN/DailyMail article and the gold summary as reference)',
      'summarization/responses.jsonl': '400 responses (the four systems)',
      'summarization/verdicts-gpt-4.jsonl': '400 recorded GPT-4 verdicts for the replay judge (rubrics/sottana-summarization-v1.yaml)',
    },
    published: [
      { what: 'Table 6 per-annotator means (all three tasks)', value: 'reproduced exactly (checked at conversion)', source: 'paper Table 6 = potato_aggregated/<task>.csv' },
      { what: 'Krippendorff α on system ranks, summarisation relevance (humans; with GPT-4)', value: 'nominal 0.5926, ordinal/interval 0.8778; 0.375, 0.8125', source: 'paper Tables 2 and 7' },
    ],
    select: (p) => SOTTANA_TASK_FILES.test(p) || /^potato_aggregated\/(summarization|simplification|gec)\.csv$/.test(p),
    upstreamPath: (p) => `data/outputs/${p}`,
  },
];

let pinsCache: z.infer<typeof Pins> | undefined;

/** The pinned files of every dataset (src/datasets/pins.json). */
export function loadPins(): z.infer<typeof Pins> {
  pinsCache ??= Pins.parse(JSON.parse(readFileSync(new URL('./pins.json', import.meta.url), 'utf8')));
  return pinsCache;
}

export function pinnedFiles(name: string): PinnedFile[] {
  const files = loadPins()[name];
  if (!files) throw new Error(`dataset "${name}" has no pinned files in src/datasets/pins.json`);
  return files;
}

export function findDataset(name: string): DatasetSpec | undefined {
  return DATASETS.find((d) => d.name === name);
}

/** The download URL of a pinned file (path segments percent-encoded: LLMBar has a `^` in one folder). */
export function fileUrl(spec: DatasetSpec, f: PinnedFile): string {
  return spec.origin.raw_base + f.upstream.split('/').map(encodeURIComponent).join('/');
}
