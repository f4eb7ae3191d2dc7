import { access } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { Stage } from '../schema/index.ts';
import { InputError } from '../io/errors.ts';
import { readItems, readResponses } from '../io/records.ts';
import { estimateJudge } from '../judges/index.ts';
import { estimatePairwise, loadPairwiseTemplate } from '../judges/pairwise.ts';
import { estimateAnswers } from '../studies/answer.ts';
import { resolveEndpoint } from '../llm/presets.ts';
import type { PriceAssumed } from '../llm/prices.ts';
import type { EndpointConfig, InputRef, Item, Response } from '../schema/index.ts';
import { reformulateOffline } from './stages/reformulate.ts';
import { absentInput } from './optional.ts';
import { scoreMcq } from '../mcq/score.ts';
import { loadExperiment, resolveFrom } from './config.ts';
import { stageDependencies, stageInputs } from './reads.ts';
import { judgeStageInputs } from './stages/judge.ts';
import { readResponsesInput, resolveInput } from './stage.ts';
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
  /** An optional stage whose inputs are absent: it would be skipped, and why. */
  skipped?: string;
  /** The model the stage calls (answer: the candidate; judge, pairwise: the judge) and the price assumed for it. */
  calls_model?: { model: string; base_url: string; price: PriceAssumed };
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
  /** The same per called model and role (answer calls, judge calls), with the price assumed and its source. */
  by_model: Array<{ role: 'answer' | 'judge' | 'pairwise' | 'reformulate'; model: string; base_url: string; calls: number; input_tokens: number; output_tokens: number; cost_usd: number; price: PriceAssumed }>;
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
async function estimateStage(stage: Stage, ctx: PlanContext & { resamples: number; cacheDir: string }): Promise<StageEstimate> {
  const cache = async (sub: string): Promise<string | null> => ((await exists(join(ctx.cacheDir, sub))) ? join(ctx.cacheDir, sub) : null);
  const waits = stageDependencies(stage);
  switch (stage.kind) {
    case 'judge': {
      if (stage.judge.kind === 'replay') return { ...OFFLINE, note: `replays ${stage.judge.name}'s recorded verdicts` };
      if (waits.length) {
        const assumed = await assumedAnswers(stage, ctx);
        if (typeof assumed === 'string') return unknown(assumed);
        return fromEngine(await estimateJudge(await judgeStageInputs(stage, ctx, await cache('judge'), assumed)), assumed.note);
      }
      return fromEngine(await estimateJudge(await judgeStageInputs(stage, ctx, await cache('judge'))));
    }
    case 'answer': {
      const planned = await plannedItems(stage.items, ctx);
      if (typeof planned === 'string') return unknown(planned);
      const { items, opts } = await answerStageInputs(stage, ctx, await cache('answer'), planned.items);
      return fromEngine(await estimateAnswers(items, opts), planned.note);
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
      const records = scoreMcq(items, await readResponsesInput(ctx, stage.responses, items));
      const { estimateSecondRead } = await import('../mcq/llm-extract.ts');
      return fromEngine(estimateSecondRead(records, items, { extractor: stage.extractor, cacheDir: await cache('mcq-extract') }), 'LLM second reader: one call per reply the rules cannot read');
    }
    case 'reformulate':
      return stage.distractors === 'llm' ? unknown('LLM distractors: one call per open-ended item with a reference, not estimated') : OFFLINE;
    default:
      return OFFLINE;
  }
}

type PlanContext = { configDir: string; runDir: string; seed: number; stages: ReadonlyMap<string, Stage> };

/**
 * The items a stage would read: from its file (`items` undefined: the stage reads it itself), or
 * made in memory from the file of an earlier reformulate stage that calls no model, as that stage
 * would make them. A string says why they cannot be known before the run.
 */
async function plannedItems(ref: InputRef, ctx: PlanContext): Promise<{ items?: Map<string, Item>; note?: string } | string> {
  if (typeof ref === 'string') return {};
  const up = ctx.stages.get(ref.stage);
  if (!up || up.kind !== 'reformulate') return `its items come from stage "${ref.stage}", which has not run`;
  const source = await plannedItems(up.items, ctx);
  if (typeof source === 'string') return source;
  const made = reformulateOffline(up, source.items ?? (await readItems(resolveFrom(ctx.configDir, up.items as string))), ctx.seed);
  if (!made) return `its items come from stage "${ref.stage}" (LLM distractors), which has not run`;
  return { items: new Map(made.items.map((it) => [it.id, it])), note: `${made.items.length} items of stage "${ref.stage}" made in memory as that stage would` };
}

/**
 * The answers a judge stage would read from answer stages that have not run, assumed for the
 * estimate: one per item the answer stage asks, as long as that stage's endpoint expects to write
 * (`expected_output_tokens`, else `max_tokens`: an upper bound). A string says why there is none.
 */
async function assumedAnswers(stage: Extract<Stage, { kind: 'judge' }>, ctx: PlanContext): Promise<{ items: Map<string, Item>; responses: Response[]; note: string } | string> {
  const planned = await plannedItems(stage.items, ctx);
  if (typeof planned === 'string') return planned;
  const items = planned.items ?? (await readItems(resolveFrom(ctx.configDir, stage.items as string)));
  const responses: Response[] = [];
  const notes: string[] = planned.note ? [planned.note] : [];
  for (const ref of Array.isArray(stage.responses) ? stage.responses : [stage.responses]) {
    if (typeof ref === 'string') {
      responses.push(...(await readResponses(resolveFrom(ctx.configDir, ref), items)));
      continue;
    }
    const up = ctx.stages.get(ref.stage);
    if (!up || up.kind !== 'answer') return `its responses come from stage "${ref.stage}", which has not run`;
    const model = up.model_name ?? up.endpoint.model;
    const tokens = up.endpoint.expected_output_tokens ?? up.endpoint.max_tokens;
    // ~4 characters a token (src/llm/cost.ts): a placeholder answer of the expected length.
    const output = 'x'.repeat(tokens * 4);
    const asked = [...items.values()].filter((it) => up.only === undefined || it.format === up.only);
    for (const it of asked) responses.push({ item_id: it.id, model, output });
    notes.push(`${asked.length} answers of ${model} assumed, ~${tokens} tokens each (stage "${ref.stage}" has not run)`);
  }
  return { items, responses, note: notes.join('; ') };
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
    stages: new Map(exp.config.stages.map((s) => [s.name, s])),
  };
  const stages: StagePlan[] = [];
  const total = { calls: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0 };
  const byModel = new Map<string, RunPlan['by_model'][number]>();
  const planned = new Map<string, 'done' | 'skipped'>();
  for (const stage of exp.config.stages) {
    if (opts.only && !opts.only.includes(stage.name)) continue;
    const files = stageInputs(stage, exp.dir);
    const base = {
      name: stage.name,
      kind: stage.kind,
      ...(stage.title !== undefined ? { title: stage.title } : {}),
      reads: { files: files.map((f) => relative(process.cwd(), f) || f), stages: stageDependencies(stage) },
    };
    // In a plan nothing has run: an earlier stage counts as run unless it is itself skipped.
    const absent = await absentInput(stage, exp.dir, (dep) => planned.get(dep) ?? (opts.only ? 'done' : undefined));
    if (absent !== null) {
      planned.set(stage.name, 'skipped');
      stages.push({ ...base, skipped: `optional stage skipped: ${absent}`, estimate: { ...OFFLINE } });
      continue;
    }
    planned.set(stage.name, 'done');
    for (const f of files) if (!(await exists(f))) throw new InputError(`stage "${stage.name}": input file not found: ${f}`, { file: exp.path });
    const estimate = await estimateStage(stage, ctx);
    total.calls += estimate.calls ?? 0;
    total.input_tokens += estimate.input_tokens ?? 0;
    total.output_tokens += estimate.output_tokens ?? 0;
    total.cost_usd += estimate.cost_usd ?? 0;
    const called = calledEndpoint(stage);
    let calls_model: StagePlan['calls_model'];
    if (called) {
      const ep = resolveEndpoint(called.endpoint);
      calls_model = { model: ep.model, base_url: ep.base_url, price: ep.price };
      const key = `${called.role}\u0000${ep.model}\u0000${ep.base_url}`;
      const row = byModel.get(key) ?? { role: called.role, model: ep.model, base_url: ep.base_url, calls: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0, price: ep.price };
      row.calls += estimate.calls ?? 0;
      row.input_tokens += estimate.input_tokens ?? 0;
      row.output_tokens += estimate.output_tokens ?? 0;
      row.cost_usd += estimate.cost_usd ?? 0;
      byModel.set(key, row);
    }
    stages.push({ ...base, ...(calls_model ? { calls_model } : {}), estimate });
  }
  return { dry_run: true, experiment: exp.config.id, config_path: relative(process.cwd(), resolve(configPath)) || configPath, stages, total, by_model: [...byModel.values()] };
}

/** The endpoint a stage calls, and in which role. */
function calledEndpoint(stage: Stage): { role: RunPlan['by_model'][number]['role']; endpoint: EndpointConfig } | null {
  switch (stage.kind) {
    case 'answer':
      return { role: 'answer', endpoint: stage.endpoint };
    case 'judge':
      return stage.judge.kind === 'llm' ? { role: 'judge', endpoint: stage.judge.endpoint } : null;
    case 'pairwise':
      return { role: 'pairwise', endpoint: stage.endpoint };
    case 'reformulate':
      return stage.endpoint ? { role: 'reformulate', endpoint: stage.endpoint } : null;
    default:
      return null;
  }
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
    lines.push(`  ${s.name} (${s.kind})${s.skipped ? `: ${s.skipped}` : ''}`);
    if (s.skipped) continue;
    lines.push(`    reads: ${[...s.reads.files, ...s.reads.stages.map((x) => `stage ${x}`)].join(', ') || 'nothing'}`);
    if (e.calls !== 0 || e.note) {
      const calls = e.calls === null ? 'not estimated' : `${e.calls} call(s)${e.cached ? ` (${e.cached} more already cached)` : ''}, about ${e.input_tokens} input and ${e.output_tokens} output tokens, ${money(e.cost_usd)}`;
      lines.push(`    calls: ${calls}${e.note ? ` (${e.note})` : ''}`);
    }
  }
  if (plan.by_model.length) {
    lines.push('Per model (role, model, calls, tokens in/out, cost; price per million tokens in/out and where it comes from):');
    for (const m of plan.by_model) {
      lines.push(`  ${m.role.padEnd(8)} ${m.model} @ ${m.base_url}: ${m.calls} call(s), ${m.input_tokens} / ${m.output_tokens} tokens, ${money(m.cost_usd)} — $${m.price.input_per_m} / $${m.price.output_per_m} per M, ${m.price.source === 'unpriced' ? 'unpriced (no list price for this model and host; set price: in its endpoint)' : m.price.source === 'config' ? 'from the experiment config' : m.price.source}`);
    }
  }
  lines.push(`Total: ${plan.total.calls} call(s), about ${plan.total.input_tokens} input and ${plan.total.output_tokens} output tokens, estimated cost ${money(plan.total.cost_usd)}.`);
  return lines.join('\n');
}
