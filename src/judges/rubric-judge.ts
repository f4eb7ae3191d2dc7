import { z } from 'zod';
import { DEFAULT_CACHE_DIR } from './defaults.ts';
import { hashValue, sha256 } from '../io/hash.ts';
import { DEFAULT_MAX_IMAGE_BYTES, readImage, verifiedImageUrl } from '../io/image.ts';
import { DiskCache } from '../llm/cache.ts';
import type { ChatClient, ChatMessage } from '../llm/client.ts';
import { addSpend, emptySpend, type Spend } from '../llm/cost.ts';
import { JudgeEngine, type CachedOutcome, type EngineUnit, type UnitOutcome } from '../llm/engine.ts';
import { runBatch } from '../llm/batch.ts';
import { resolveEndpoint, type ResolvedEndpoint } from '../llm/presets.ts';
import type { BackoffOptions } from '../llm/retry.ts';
import { JudgeStageJudge } from '../schema/experiment.ts';
import type { Item } from '../schema/item.ts';
import type { Judgment, JudgeFingerprint, JudgeStatus } from '../schema/records.ts';
import type { Response } from '../schema/response.ts';
import type { Criterion } from '../schema/rubric.ts';
import { PARSER_VERSION, parseVerdict, type ScaleSpec, type Verdict } from './parse.ts';
import { reduceSamples, type Reducer } from './reduce.ts';
import { replayJudgments } from './replay.ts';
import { aggregateScore, applyGates, criterionScale, type LoadedRubric } from './rubric.ts';
import { summariseJudgments, type JudgeSummary } from './summary.ts';
import { callLog, ledgerMessages } from './call-log.ts';
import type { CallLog } from '../schema/records.ts';
import { buildMessages, escapeTags, formatOptions, inputsOf, renderScoreRubric, renderCase, renderCriteria, renderFormat, splitOutput, verdictSchema, type CaseInputs } from './template.ts';
import { nameMap } from '../io/name-map.ts';

export type JudgeConfig = z.input<typeof JudgeStageJudge>;
type LlmJudge = Extract<z.output<typeof JudgeStageJudge>, { kind: 'llm' }>;

/** Progress of a judge run, reported after every finished judgment (and at start). */
export interface JudgeProgress {
  /** Judgments finished (all their calls done), of `total`. */
  done: number;
  total: number;
  /** Finished judgments whose status is not ok. */
  failed: number;
  /** Finished judgments served entirely from the cache. */
  cached: number;
  requests: number;
  tokens: { input: number; output: number };
  cost_usd: number;
}

export interface RunJudgeOptions {
  items: Map<string, Item> | readonly Item[];
  responses: readonly Response[];
  rubric: LoadedRubric;
  judge: JudgeConfig;
  /** Cache directory; null for no cache. Default `.judgekit-cache/judge`. */
  cacheDir?: string | null;
  /** Seeds the bootstrap intervals and the retry jitter. */
  seed?: number;
  /** Bootstrap resamples for the summary's intervals (default 1000). */
  resamples?: number;
  /** Item `image` paths are resolved against this directory (default: the working directory). */
  imageRoot?: string;
  /** Images above this size are not sent; their units are `invalid_input` (default 5 MiB). */
  maxImageBytes?: number;
  onProgress?: (p: JudgeProgress) => void;
  signal?: AbortSignal;
  /** Where the API key variable is read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Injected client and timing knobs (tests, bench). */
  client?: ChatClient;
  backoff?: BackoffOptions;
  batchPollMs?: number;
}

export interface JudgeRunResult {
  judgments: Judgment[];
  summary: JudgeSummary;
  fingerprint: JudgeFingerprint;
  /** What this run spent (cached judgments cost nothing now). */
  spend: Spend;
}

export interface JudgeEstimate {
  judgments: number;
  /** Calls that would be made (uncached units). */
  calls: number;
  /** Units already in the cache. */
  cached: number;
  /** Judgments that need no call because an input is missing (they become invalid_input). */
  invalid_input: number;
  tokens: { input: number; output: number };
  cost_usd: number;
  batch: boolean;
}

export { DEFAULT_CACHE_DIR };

/** One group of criteria judged in one call: the criteria that declare the same inputs. */
interface CriteriaGroup {
  criteria: Criterion[];
  specs: ScaleSpec[];
  inputs: ReturnType<typeof inputsOf>;
  usesImage: boolean;
  requiresImage: boolean;
}

/** Per judgment: the units of each group and sample, or why it cannot be judged. */
interface Plan {
  response: Response;
  invalid?: string;
  /** units[g][s] = index into the unit list. */
  units: number[][];
  image_seen?: boolean;
}

/**
 * Groups criteria by their declared inputs. Criteria that see the same things are judged in one
 * call; a criterion that must not see something (MedReason's GT judge sees no image and no
 * reasoning) gets its own call, so what each criterion is judged on is exactly what it declares.
 */
export function groupCriteria(lr: LoadedRubric): CriteriaGroup[] {
  const groups = new Map<string, CriteriaGroup>();
  for (const c of lr.rubric.criteria) {
    const inputs = inputsOf([c]);
    const key = inputs.join(',');
    let g = groups.get(key);
    if (!g) {
      g = { criteria: [], specs: [], inputs, usesImage: inputs.includes('image'), requiresImage: false };
      groups.set(key, g);
    }
    g.criteria.push(c);
    const s = criterionScale(lr.rubric, c);
    g.specs.push({ key: c.key, min: s.min, max: s.max });
    g.requiresImage ||= c.requires_image;
  }
  return [...groups.values()];
}

/**
 * The fingerprint of an LLM judge: everything that decides a verdict (rubric and template hashes,
 * model, endpoint, decoding parameters, output mode, parser version, sampling and repairs).
 * Timeouts, retries, limits, concurrency and batch mode do not change verdicts and are left out.
 */
export function llmFingerprint(lr: LoadedRubric, ep: ResolvedEndpoint, judge: LlmJudge): JudgeFingerprint {
  const body = {
    kind: 'llm' as const,
    model: ep.model,
    endpoint: ep.base_url,
    rubric_id: lr.rubric.id,
    rubric_version: lr.rubric.version,
    rubric_hash: lr.hash,
    template_hash: lr.template_hash,
    params: {
      temperature: ep.capabilities.temperature ? ep.config.temperature : null,
      seed: ep.config.seed !== undefined && ep.capabilities.seed ? ep.config.seed : null,
      max_tokens: ep.config.max_tokens,
      images: ep.capabilities.images,
      max_repairs: judge.max_repairs,
      samples: judge.samples,
      reducer: judge.reducer,
    },
    output_mode: ep.output_mode,
    parser_version: PARSER_VERSION,
  };
  return { ...body, hash: hashValue(body) };
}

/** The part of the fingerprint that decides one call's answer (no samples, no reducer): the cache key's root. */
function callHash(fp: JudgeFingerprint): string {
  const { hash: _h, params, ...rest } = fp;
  const { samples: _s, reducer: _r, ...p } = params;
  return hashValue({ ...rest, params: p });
}


function referenceOf(item: Item): string | undefined {
  if (item.reference !== undefined) return item.reference;
  if (item.format === 'mcq' && item.answer && item.options?.[item.answer] !== undefined) return `${item.answer}. ${item.options[item.answer]}`;
  return undefined;
}

interface Prepared {
  judge: LlmJudge;
  endpoint: ResolvedEndpoint;
  fingerprint: JudgeFingerprint;
  groups: CriteriaGroup[];
  units: EngineUnit<Verdict>[];
  plans: Plan[];
  engine: JudgeEngine<Verdict>;
  ledger: WeakMap<EngineUnit<Verdict>, () => { part: string; messages: CallLog['messages'] }>;
}

async function prepare(opts: RunJudgeOptions, judge: LlmJudge): Promise<Prepared> {
  const lr = opts.rubric;
  const endpoint = resolveEndpoint(judge.endpoint);
  const fingerprint = llmFingerprint(lr, endpoint, judge);
  const root = callHash(fingerprint);
  const groups = groupCriteria(lr);
  const items = opts.items instanceof Map ? opts.items : new Map(opts.items.map((i) => [i.id, i]));
  const imageRoot = opts.imageRoot ?? process.cwd();
  const sendImages = endpoint.capabilities.images && groups.some((g) => g.usesImage);

  // Image content hashes go into the keys (the data URL itself is built only when a call is made).
  // Every image is read through the confined reader: inside the image root, a regular file under
  // the size cap, an image by its first bytes; anything else makes its units `invalid_input`.
  const maxImageBytes = opts.maxImageBytes ?? DEFAULT_MAX_IMAGE_BYTES;
  const imageHash = new Map<string, { sha256: string } | { reason: string }>();
  if (sendImages) {
    for (const r of opts.responses) {
      const img = items.get(r.item_id)?.image;
      if (img === undefined || imageHash.has(img)) continue;
      const read = readImage(imageRoot, img, maxImageBytes);
      imageHash.set(img, read.ok ? { sha256: read.sha256 } : { reason: read.reason });
    }
  }

  const units: EngineUnit<Verdict>[] = [];
  const plans: Plan[] = [];
  const ledger = new WeakMap<EngineUnit<Verdict>, () => { part: string; messages: CallLog['messages'] }>();
  const titles = { title: lr.rubric.title ?? `${lr.rubric.id} v${lr.rubric.version}` };
  const criteriaText = groups.map((g) => renderCriteria(lr.rubric, g.criteria));
  const formatText = groups.map((g) => renderFormat(lr.rubric, g.criteria, endpoint.output_mode));
  const schemas = groups.map((g) => verdictSchema(lr.rubric, g.criteria));
  const freeText = lr.rubric.verdict?.format === 'pattern';
  const scoreRubrics = groups.map((g) => renderScoreRubric(g.criteria));
  // A template that shows the whole output (MT-Bench's {{response}}) makes it part of the key.
  const showsResponse = /\{\{\s*response\s*\}\}/.test(lr.template);
  const groupKeys = groups.map((g) => `${g.criteria.map((c) => c.key).join(',')}|${g.inputs.join(',')}`);

  for (const response of opts.responses) {
    const item = items.get(response.item_id);
    const plan: Plan = { response, units: [] };
    plans.push(plan);
    if (!item) {
      plan.invalid = `no item with id "${response.item_id}"`;
      continue;
    }
    const split = splitOutput(response.output);
    const reference = referenceOf(item);
    let seen: boolean | undefined;
    // Units are committed only once every group of the response is judgeable: an invalid input
    // in one group must not leave the other groups' calls to be paid for.
    const pending: EngineUnit<Verdict>[][] = [];
    for (let gi = 0; gi < groups.length && !plan.invalid; gi++) {
      const g = groups[gi]!;
      if (g.inputs.includes('reference') && reference === undefined) plan.invalid = 'the item has no reference answer';
      if (g.inputs.includes('options') && !item.options) plan.invalid = 'the item has no options';
      let imagePath: string | undefined;
      let imageKey: string | null = null;
      if (g.usesImage) {
        if (sendImages && item.image !== undefined) {
          const h = imageHash.get(item.image);
          if (h === undefined || 'reason' in h) plan.invalid = h?.reason ?? `image file not found: ${item.image}`;
          else {
            imagePath = item.image;
            imageKey = h.sha256;
          }
        }
        if (!imagePath && g.requiresImage && item.visual_description === undefined) {
          plan.invalid = 'the criterion needs the image, which is not sent to this endpoint, and the item has no visual_description';
        }
        seen = (seen ?? true) && imagePath !== undefined;
      }
      if (plan.invalid) break;
      const showsDescription = g.inputs.includes('visual_description') || (g.usesImage && !imagePath);
      const inputs: CaseInputs = {
        question: item.question,
        options: g.inputs.includes('options') ? formatOptions(item) : undefined,
        reference: g.inputs.includes('reference') ? reference : undefined,
        reasoning: g.inputs.includes('reasoning') ? split.reasoning : '',
        answer: g.inputs.includes('answer') ? split.answer : '',
        visual_description: showsDescription ? item.visual_description : undefined,
        image_withheld: g.usesImage && !imagePath,
      };
      // The key holds exactly what the judge is shown for this group. Field order is fixed by
      // construction, so plain JSON of an array is canonical here (and cheaper than canonicalJson).
      const base = sha256(
        JSON.stringify([
          root,
          groupKeys[gi],
          inputs.question,
          inputs.options ?? null,
          inputs.reference ?? null,
          g.inputs.includes('reasoning') ? inputs.reasoning : null,
          g.inputs.includes('answer') ? inputs.answer : null,
          inputs.visual_description ?? null,
          imageKey,
          ...(showsResponse ? [response.output] : []),
        ]),
      );
      const ginputs = g.inputs;
      const criteriaSlot = criteriaText[gi]!;
      const formatSlot = formatText[gi]!;
      const gi0 = gi;
      const slots = (): Record<string, string> => ({ ...titles, criteria: criteriaSlot, case: renderCase(ginputs, inputs), format: formatSlot, ...plainSlots(inputs, response.output, scoreRubrics[gi0]!) });
      const perSample: EngineUnit<Verdict>[] = [];
      for (let s = 0; s < judge.samples; s++) {
        let cachedMessages: ChatMessage[] | undefined;
        const unit: EngineUnit<Verdict> = {
          key: s === 0 ? base : sha256(`${base}:${s}`),
          sample: s,
          schema: schemas[gi],
          parse: (text) => parseVerdict(text, g.specs, endpoint.output_mode, lr.rubric.verdict),
          ...(freeText ? { free_text: true } : {}),
          label: { item_id: response.item_id, model: response.model, criteria: g.criteria.map((c) => c.key).join(','), sample: String(s) },
          // Built on first use: a cached unit never reads its image or renders its prompt.
          get messages(): ChatMessage[] {
            if (!cachedMessages) {
              const url = imagePath ? verifiedImageUrl(imageRoot, imagePath, imageKey!, maxImageBytes) : undefined;
              cachedMessages = buildMessages(lr.template, slots(), url);
            }
            return cachedMessages;
          },
        } as EngineUnit<Verdict>;
        // The ledger's copy: the same messages with the image named by its hash (no file read).
        ledger.set(unit, () => ({ part: `${groups.length > 1 ? groupKeys[gi0]!.split('|')[0] : 'all criteria'}${judge.samples > 1 ? `, sample ${s + 1}` : ''}`, messages: ledgerMessages(buildMessages(lr.template, slots(), imagePath ? 'image' : undefined), imageKey) }));
        perSample.push(unit);
      }
      pending.push(perSample);
    }
    if (!plan.invalid) {
      for (const perSample of pending) {
        plan.units.push(perSample.map((u) => units.push(u) - 1));
      }
    }
    if (seen !== undefined) plan.image_seen = seen;
  }

  const cache = opts.cacheDir === null ? undefined : DiskCache.open<CachedOutcome<Verdict>>(opts.cacheDir ?? DEFAULT_CACHE_DIR);
  const engine = new JudgeEngine<Verdict>({
    endpoint,
    client: opts.client,
    env: opts.env,
    cache,
    max_repairs: judge.max_repairs,
    seed: opts.seed,
    backoff: opts.backoff,
    batch_poll_ms: opts.batchPollMs,
  });
  return { judge, endpoint, fingerprint, groups, units, plans, engine, ledger };
}

/**
 * The plain slots a template taken from another project uses ({{question}}, {{reference}},
 * {{answer}}, {{response}}: the whole output), each escaped like the tagged case blocks.
 */
function plainSlots(inputs: CaseInputs, output: string, scoreRubric: string): Record<string, string> {
  return {
    score_rubric: scoreRubric,
    question: escapeTags(inputs.question),
    reference: inputs.reference !== undefined ? escapeTags(inputs.reference) : '',
    answer: escapeTags(inputs.answer),
    response: escapeTags(output),
  };
}

/** What a run would cost, without calling anything (the `--dry-run`). */
export async function estimateJudge(opts: RunJudgeOptions): Promise<JudgeEstimate> {
  const judge = JudgeStageJudge.parse(opts.judge);
  if (judge.kind === 'replay') {
    return { judgments: opts.responses.length, calls: 0, cached: 0, invalid_input: 0, tokens: { input: 0, output: 0 }, cost_usd: 0, batch: false };
  }
  const p = await prepare(opts, judge);
  const est = p.engine.estimate(p.units, judge.batch);
  p.engine.close();
  return {
    judgments: p.plans.length,
    calls: est.calls,
    cached: est.cached,
    invalid_input: p.plans.filter((x) => x.invalid).length,
    tokens: est.tokens,
    cost_usd: est.cost_usd,
    batch: judge.batch,
  };
}

/**
 * Judges every response with the rubric: an LLM judge (online or through the Batch API, cached,
 * resumable) or a replay of recorded verdicts. Returns one judgment per response, in the order of
 * `responses`, and the summary (per-model scores with item-bootstrap intervals, counts by status,
 * spend). Aborting (`signal`) rejects with the abort reason; everything finished before is cached.
 */
export async function runJudge(opts: RunJudgeOptions): Promise<JudgeRunResult> {
  const judge = JudgeStageJudge.parse(opts.judge);
  const taskById = new Map([...(opts.items instanceof Map ? opts.items.values() : opts.items)].map((it) => [it.id, it.task]));
  const sumOpts = { seed: opts.seed ?? 20260101, resamples: opts.resamples ?? 1000, taskOf: (id: string) => taskById.get(id) };
  if (judge.kind === 'replay') {
    const { judgments, fingerprint } = await replayJudgments(judge.verdicts, opts.rubric, { name: judge.name, items: opts.items, responses: opts.responses });
    const spend = emptySpend();
    const summary = summariseJudgments(judgments, opts.rubric, sumOpts);
    return { judgments, summary, fingerprint, spend };
  }
  const p = await prepare(opts, judge);
  const { engine, plans, units } = p;
  try {
    // Progress, by judgment: a judgment is done when its last unit is.
    const owner = new Int32Array(units.length);
    const left = new Int32Array(plans.length);
    const failedJ = new Uint8Array(plans.length);
    const uncachedJ = new Uint8Array(plans.length);
    const progress: JudgeProgress = { done: 0, total: plans.length, failed: 0, cached: 0, requests: 0, tokens: engine.spend.tokens, cost_usd: 0 };
    plans.forEach((pl, j) => {
      for (const g of pl.units) for (const u of g) owner[u] = j;
      left[j] = pl.units.reduce((n, g) => n + g.length, 0);
      if (left[j] === 0) {
        progress.done += 1;
        progress.failed += 1;
      }
    });
    const report = (): void => {
      progress.requests = engine.spend.requests;
      progress.cost_usd = engine.spend.cost_usd;
      opts.onProgress?.(progress);
    };
    report();
    let lastReport = 0;
    const onUnit = (o: UnitOutcome<Verdict>, i: number): void => {
      const j = owner[i]!;
      if (o.status !== 'ok') failedJ[j] = 1;
      if (!o.cached) uncachedJ[j] = 1;
      left[j]! -= 1;
      if (left[j] === 0) {
        progress.done += 1;
        if (failedJ[j]) progress.failed += 1;
        if (!uncachedJ[j]) progress.cached += 1;
        // Cached judgments arrive in a burst: report them at most every 50 ms.
        const now = performance.now();
        if (!o.cached || now - lastReport > 50 || progress.done === progress.total) {
          lastReport = now;
          report();
        }
      }
    };
    const outcomes = judge.batch ? await runBatch(engine, units, { signal: opts.signal, onUnit }) : await engine.run(units, { signal: opts.signal, onUnit });
    const judgments = plans.map((pl) => assemble(pl, p, outcomes, opts.rubric));
    const summary = summariseJudgments(judgments, opts.rubric, sumOpts);
    const spend = addSpend(emptySpend(), engine.spend);
    summary.requests = spend.requests;
    summary.tokens = { ...spend.tokens };
    summary.cost_usd = spend.cost_usd;
    return { judgments, summary, fingerprint: p.fingerprint, spend };
  } finally {
    engine.close();
  }
}

/** Folds the units of one response (groups × samples) into its judgment. */
function assemble(pl: Plan, p: Prepared, outcomes: UnitOutcome<Verdict>[], lr: LoadedRubric): Judgment {
  const base = {
    item_id: pl.response.item_id,
    model: pl.response.model,
    judge: p.fingerprint,
    ...(pl.image_seen !== undefined ? { image_seen: pl.image_seen } : {}),
  };
  if (pl.invalid) {
    return { ...base, status: 'invalid_input', error: pl.invalid, parse_method: null, repairs: 0, raw: null, tokens: { input: 0, output: 0 }, cost_usd: 0, latency_ms: 0, requests: 0, cached: false };
  }
  const all = pl.units.flat().map((i) => outcomes[i]!);
  const tokens = { input: 0, output: 0 };
  let cost = 0;
  let latency = 0;
  let requests = 0;
  let repairs = 0;
  for (const o of all) {
    tokens.input += o.tokens.input;
    tokens.output += o.tokens.output;
    cost += o.cost_usd;
    latency += o.latency_ms;
    requests += o.requests;
    repairs += o.repairs;
  }
  const methods = [...new Set(all.map((o) => o.method).filter((m): m is string => m !== null))];
  const reasoning = all.map((o) => o.reasoning).filter((r): r is string => !!r);
  const served = [...new Set(all.map((o) => o.served_model).filter((m): m is string => !!m))];
  const common = {
    ...base,
    parse_method: methods.length ? methods.join('+') : null,
    repairs,
    raw: all.length === 1 ? all[0]!.raw : JSON.stringify(all.map((o) => o.raw)),
    tokens,
    cost_usd: cost,
    latency_ms: latency,
    requests,
    cached: all.every((o) => o.cached),
    ...(reasoning.length ? { judge_reasoning: reasoning.join('\n\n---\n\n') } : {}),
    ...(served.length ? { served_model: served.join(',') } : {}),
    calls: pl.units.flat().map((i) => {
      const l = p.ledger.get(p.units[i]!)!();
      return callLog(l.part, l.messages, outcomes[i]!, lr.template_hash);
    }),
  };
  const k = p.judge.samples;
  // Every call must have produced a verdict; otherwise the judgment takes the first failure.
  for (let g = 0; g < pl.units.length; g++) {
    for (let s = 0; s < k; s++) {
      const o = outcomes[pl.units[g]![s]!]!;
      if (o.status !== 'ok') {
        const where = [p.groups.length > 1 ? `criteria ${p.groups[g]!.criteria.map((c) => c.key).join(', ')}` : '', k > 1 ? `sample ${s + 1}/${k}` : ''].filter(Boolean).join(', ');
        return { ...common, status: o.status as Exclude<JudgeStatus, 'ok' | 'invalid_input'>, error: (where ? `${where}: ` : '') + (o.error ?? o.status) };
      }
    }
  }
  const samples: Record<string, number>[] = Array.from({ length: k }, () => ({}));
  const rationales: string[] = [];
  for (let g = 0; g < pl.units.length; g++) {
    for (let s = 0; s < k; s++) {
      const v = outcomes[pl.units[g]![s]!]!.value!;
      Object.assign(samples[s]!, v.scores);
      if (s === 0 && v.rationale) rationales.push(v.rationale);
    }
  }
  const reduced: Record<string, number> = nameMap();
  const spread: Record<string, number> = nameMap();
  for (const c of lr.rubric.criteria) {
    const vals = samples.map((x) => x[c.key]!);
    reduced[c.key] = reduceSamples(vals, p.judge.reducer as Reducer);
    spread[c.key] = Math.max(...vals) - Math.min(...vals);
  }
  const gated = applyGates(lr.rubric, reduced);
  return {
    ...common,
    status: 'ok',
    scores: gated.scores,
    ...(gated.changed ? { ungated_scores: reduced } : {}),
    score: aggregateScore(lr.rubric, gated.scores),
    ...(rationales.length ? { rationale: rationales.join('\n\n') } : {}),
    ...(k > 1 ? { samples, spread } : {}),
  };
}
