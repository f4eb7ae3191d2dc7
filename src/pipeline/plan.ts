import { access } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { Stage } from '../schema/index.ts';
import { InputError } from '../io/errors.ts';
import { readItems, readResponses } from '../io/records.ts';
import { estimateJudge } from '../judges/index.ts';
import { estimatePairwise, loadPairwiseTemplate } from '../judges/pairwise.ts';
import { estimateAnswers } from '../studies/answer.ts';
import { scoreMcq } from '../mcq/score.ts';
import { loadExperiment, resolveFrom } from './config.ts';
import { stageDependencies, stageInputs } from './reads.ts';
import { judgeStageInputs } from './stages/judge.ts';
import { resolveInput } from './stage.ts';
import { answerStageInputs } from './stages/answer.ts';

/** What a stage would spend. Offline stages spend nothing; null where it cannot be known before an earlier stage has run. */
export interface StageEstimate {
  calls: number | null;
  /** Calls already in the cache (not paid again). */
  cached: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cost_usd: number | null;
  note?: string;
}

export interface StagePlan {
  name: string;
  kind: Stage['kind'];
  title?: string;
  /** Input files (relative to the working folder) and earlier stages whose outputs the stage reads. */
  reads: { files: string[]; stages: string[] };
  estimate: StageEstimate;
}

export interface RunPlan {
  dry_run: true;
  experiment: string;
  config_path: string;
  stages: StagePlan[];
  /** Sums over the stages whose estimate is known. */
  total: { calls: number; input_tokens: number; output_tokens: number; cost_usd: number };
}

const OFFLINE: StageEstimate = { calls: 0, cached: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0 };
const exists = (p: string): Promise<boolean> => access(p).then(() => true, () => false);
const unknown = (note: string): StageEstimate => ({ calls: null, cached: null, input_tokens: null, output_tokens: null, cost_usd: null, note });
const fromEngine = (e: { calls: number; cached: number; tokens: { input: number; output: number }; cost_usd: number }, note?: string): StageEstimate => ({
  calls: e.calls,
  cached: e.cached,
  input_tokens: e.tokens.input,
  output_tokens: e.tokens.output,
  cost_usd: e.cost_usd,
  ...(note ? { note } : {}),
});

/**
 * The estimate of one stage, reading only what the calls need (items, responses, the rubric) and
 * the cache's index: nothing is sent, computed or written (a cache folder that does not exist yet
 * is not created: nothing is cached then).
 */
async function estimateStage(stage: Stage, ctx: { configDir: string; runDir: string; seed: number; resamples: number; cacheDir: string }): Promise<StageEstimate> {
  const cache = async (sub: string): Promise<string | null> => ((await exists(join(ctx.cacheDir, sub))) ? join(ctx.cacheDir, sub) : null);
  const waits = stageDependencies(stage);
  switch (stage.kind) {
    case 'judge': {
      if (stage.judge.kind === 'replay') return { ...OFFLINE, note: `replays ${stage.judge.name}'s recorded verdicts` };
      if (waits.length) return unknown(`its inputs come from stage "${waits[0]}", which has not run`);
      return fromEngine(await estimateJudge(await judgeStageInputs(stage, ctx, await cache('judge'))));
    }
    case 'answer': {
      if (waits.length) return unknown(`its items come from stage "${waits[0]}", which has not run`);
      const { items, opts } = await answerStageInputs(stage, ctx, await cache('answer'));
      return fromEngine(await estimateAnswers(items, opts));
    }
    case 'pairwise': {
      const items = await readItems(resolveFrom(ctx.configDir, stage.items));
      const responses = await readResponses(resolveFrom(ctx.configDir, stage.responses), items);
      const est = estimatePairwise({
        items,
        responses,
        endpoint: stage.endpoint,
        policy: stage.policy,
        max_repairs: stage.max_repairs,
        cacheDir: await cache('pairwise'),
        ...(stage.dimensions ? { dimensions: stage.dimensions } : {}),
        ...(stage.baseline !== undefined ? { baseline: stage.baseline } : {}),
        ...(stage.template !== undefined ? { template: await loadPairwiseTemplate(/^[a-z-]+$/.test(stage.template) ? stage.template : resolveFrom(ctx.configDir, stage.template)) } : {}),
        ...(stage.limit !== undefined ? { limit: stage.limit } : {}),
      });
      return fromEngine(est, `${est.pairs} pair(s) × 2 answer orders`);
    }
    case 'mcq': {
      if (!stage.extractor) return OFFLINE;
      if (waits.length) return unknown(`its inputs come from stage "${waits[0]}", which has not run`);
      // The rules run (they are offline and quick) to know which replies the second reader would get.
      const items = await readItems(resolveInput(ctx, stage.items, 'items'));
      const records = scoreMcq(items, await readResponses(resolveInput(ctx, stage.responses, 'responses'), items));
      const { estimateSecondRead } = await import('../mcq/llm-extract.ts');
      return fromEngine(estimateSecondRead(records, items, { extractor: stage.extractor, cacheDir: await cache('mcq-extract') }), 'LLM second reader: one call per reply the rules cannot read');
    }
    case 'reformulate':
      return stage.distractors === 'llm' ? unknown('LLM distractors: one call per open-ended item with a reference, not estimated') : OFFLINE;
    default:
      return OFFLINE;
  }
}

/**
 * `judgkit run --dry-run`: the stages that would run, what each reads, and what the judge,
 * pairwise and answer stages (and an MCQ stage's LLM second reader) would call and cost. Nothing
 * is written and no study is computed; missing input files are errors, as they would be in the run.
 */
export async function planExperiment(configPath: string, opts: { only?: string[]; cacheDir?: string; reportsDir?: string; runId?: string } = {}): Promise<RunPlan> {
  const exp = await loadExperiment(configPath);
  checkOnly(opts.only, exp.config.stages, exp.path);
  const ctx = {
    configDir: exp.dir,
    runDir: resolve(opts.reportsDir ?? 'reports', opts.runId ?? exp.config.id),
    seed: exp.config.seed,
    resamples: exp.config.bootstrap,
    cacheDir: resolve(opts.cacheDir ?? '.judgekit-cache'),
  };
  const stages: StagePlan[] = [];
  const total = { calls: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0 };
  for (const stage of exp.config.stages) {
    if (opts.only && !opts.only.includes(stage.name)) continue;
    const files = stageInputs(stage, exp.dir);
    for (const f of files) if (!(await exists(f))) throw new InputError(`stage "${stage.name}": input file not found: ${f}`, { file: exp.path });
    const estimate = await estimateStage(stage, ctx);
    total.calls += estimate.calls ?? 0;
    total.input_tokens += estimate.input_tokens ?? 0;
    total.output_tokens += estimate.output_tokens ?? 0;
    total.cost_usd += estimate.cost_usd ?? 0;
    stages.push({
      name: stage.name,
      kind: stage.kind,
      ...(stage.title !== undefined ? { title: stage.title } : {}),
      reads: { files: files.map((f) => relative(process.cwd(), f) || f), stages: stageDependencies(stage) },
      estimate,
    });
  }
  return { dry_run: true, experiment: exp.config.id, config_path: relative(process.cwd(), resolve(configPath)) || configPath, stages, total };
}

/** `--stage` names must be stages of the experiment. */
export function checkOnly(only: string[] | undefined, stages: readonly Stage[], file: string): void {
  const names = stages.map((s) => s.name);
  for (const n of only ?? []) if (!names.includes(n)) throw new InputError(`--stage: no stage "${n}" in the experiment (stages: ${names.join(', ')})`, { file });
}

/** The plan as text: one block per stage. */
export function renderPlan(plan: RunPlan): string {
  const money = (x: number | null): string => (x === null ? '?' : `$${x.toFixed(4)}`);
  const lines = [`Dry run of ${plan.experiment} (${plan.config_path}): nothing is sent, computed or written.`];
  for (const s of plan.stages) {
    const e = s.estimate;
    lines.push(`  ${s.name} (${s.kind})`);
    lines.push(`    reads: ${[...s.reads.files, ...s.reads.stages.map((x) => `stage ${x}`)].join(', ') || 'nothing'}`);
    if (e.calls !== 0 || e.note) {
      const calls = e.calls === null ? 'not estimated' : `${e.calls} call(s)${e.cached ? ` (${e.cached} more already cached)` : ''}, about ${e.input_tokens} input and ${e.output_tokens} output tokens, ${money(e.cost_usd)}`;
      lines.push(`    calls: ${calls}${e.note ? ` (${e.note})` : ''}`);
    }
  }
  lines.push(`Total: ${plan.total.calls} call(s), about ${plan.total.input_tokens} input and ${plan.total.output_tokens} output tokens, estimated cost ${money(plan.total.cost_usd)}.`);
  return lines.join('\n');
}
