/**
 * open-ended → MCQ with distractors written by an LLM (any OpenAI-compatible endpoint, on the
 * judge's engine: cache, retries, limits, cost). Med-CMR had three LLMs propose distractors and
 * annotators pick four (medcmr.md §2); this is the automatic half of that, to be reviewed.
 *
 * Each item is one call; the reply must hold `{"distractors": [...]}` with at least k − 1 texts
 * that differ (after `normaliseAnswer`) from the answer and from each other. An unreadable or
 * unusable reply gets one repair request; what still fails is skipped with its status and reason,
 * never filled in at random. Positions are balanced exactly as in the pool method.
 */
import { hashValue } from '../io/hash.ts';
import { DiskCache } from '../llm/cache.ts';
import { JudgeEngine, type CachedOutcome, type EngineUnit, type ParseResult } from '../llm/engine.ts';
import { resolveEndpoint } from '../llm/presets.ts';
import type { BackoffOptions } from '../llm/retry.ts';
import { EndpointConfig, type Item } from '../schema/index.ts';
import { Rng } from '../stats/random.ts';
import { answerLetterCounts, assembleMcqs, normaliseAnswer, type PlannedMcq, type ReformulationResult, type SkippedItem } from './reformulate.ts';

export const DISTRACTOR_PROMPT_VERSION = 'distractors/1';

export function distractorPrompt(item: Item, n: number): string {
  return [
    'You write distractors (wrong answer options) for a medical multiple-choice question about an image.',
    '',
    `Question: ${item.question}`,
    `Correct answer: ${item.reference}`,
    ...(item.visual_description ? [`What the image shows: ${item.visual_description}`] : []),
    '',
    `Write ${n} distractors: plausible to a non-expert, clearly wrong to an expert, in the same style and length as the correct answer. None may be a synonym, a paraphrase or a part of the correct answer, and no two may mean the same thing.`,
    '',
    `Reply with JSON only: {"distractors": ["…", …]} with exactly ${n} strings.`,
  ].join('\n');
}

/** Reads and checks the distractors of one reply. */
export function parseDistractors(content: string, answer: string, n: number): ParseResult<string[]> {
  const m = /\{[\s\S]*\}/.exec(content);
  if (!m) return { ok: false, error: 'no JSON object in the reply' };
  let v: unknown;
  try {
    v = JSON.parse(m[0]);
  } catch (e) {
    return { ok: false, error: `malformed JSON (${(e as Error).message})` };
  }
  const list = (v as { distractors?: unknown }).distractors;
  if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) return { ok: false, error: '"distractors" must be an array of strings' };
  const seen = new Set([normaliseAnswer(answer)]);
  const out: string[] = [];
  for (const x of list as string[]) {
    const t = x.trim();
    const k = normaliseAnswer(t);
    if (k === '' || seen.has(k)) continue;
    seen.add(k);
    out.push(t);
    if (out.length === n) break;
  }
  if (out.length < n) return { ok: false, error: `${n} distinct distractors different from the correct answer are needed, ${out.length} given` };
  return { ok: true, value: out, method: 'json' };
}

export interface LlmDistractorOptions {
  endpoint: EndpointConfig | Record<string, unknown>;
  seed: number;
  /** Options per MCQ, answer included (default 5). */
  options?: number;
  cacheDir: string | null;
  env?: NodeJS.ProcessEnv;
  backoff?: BackoffOptions;
  signal?: AbortSignal;
  client?: ConstructorParameters<typeof JudgeEngine<string[]>>[0]['client'];
}

export async function openToMcqLlm(
  items: Iterable<Item>,
  opts: LlmDistractorOptions,
): Promise<ReformulationResult & { spend: { requests: number; tokens: { input: number; output: number }; cost_usd: number } }> {
  const k = opts.options ?? 5;
  if (!Number.isInteger(k) || k < 2 || k > 26) throw new RangeError(`openToMcqLlm: options must be an integer in [2, 26], got ${k}`);
  const config = EndpointConfig.parse(opts.endpoint);
  const endpoint = resolveEndpoint(config);
  const fingerprint = { model: endpoint.model, endpoint: endpoint.base_url, temperature: config.temperature, seed: config.seed ?? null, mode: endpoint.output_mode, prompt: DISTRACTOR_PROMPT_VERSION };
  const skipped: SkippedItem[] = [];
  const sources: Item[] = [];
  for (const it of items) {
    if (it.format === 'open' && it.reference !== undefined && it.reference.trim() !== '') sources.push(it);
    else skipped.push({ id: it.id, reason: it.format === 'open' ? 'empty reference answer' : 'not an open-ended item' });
  }
  const schema = {
    name: 'distractors',
    schema: { type: 'object', properties: { distractors: { type: 'array', items: { type: 'string' } } }, required: ['distractors'], additionalProperties: false },
  };
  const units: EngineUnit<string[]>[] = sources.map((it) => {
    const text = distractorPrompt(it, k - 1);
    return {
      key: hashValue({ kind: 'distractors', fingerprint, text }),
      label: { item_id: it.id },
      messages: [{ role: 'user', content: text }],
      schema,
      parse: (content) => parseDistractors(content, it.reference!, k - 1),
    };
  });
  const cache = opts.cacheDir === null ? undefined : DiskCache.open<CachedOutcome<string[]>>(opts.cacheDir);
  const engine = new JudgeEngine<string[]>({ endpoint, cache, env: opts.env, max_repairs: 1, seed: config.seed ?? 1, backoff: opts.backoff, client: opts.client });
  let outcomes;
  try {
    outcomes = await engine.run(units, { signal: opts.signal });
  } finally {
    engine.close();
  }
  const planned: PlannedMcq[] = [];
  const statusCounts: Record<string, number> = {};
  outcomes.forEach((o, i) => {
    statusCounts[`llm_${o.status}`] = (statusCounts[`llm_${o.status}`] ?? 0) + 1;
    if (o.status !== 'ok' || !o.value) {
      skipped.push({ id: sources[i]!.id, reason: `distractor model: ${o.status}${o.error ? ` (${o.error})` : ''}` });
      return;
    }
    planned.push({ src: sources[i]!, distractors: o.value, meta: { distractor_model: endpoint.model, distractor_endpoint: endpoint.base_url, distractor_prompt: DISTRACTOR_PROMPT_VERSION, distractor_cached: o.cached } });
  });
  const out = assembleMcqs(planned, new Rng(opts.seed), 'open_to_mcq_llm', opts.seed);
  return {
    items: out,
    skipped,
    summary: { generated: out.length, skipped: skipped.length, ...statusCounts, ...answerLetterCounts(out) },
    spend: { requests: engine.spend.requests, tokens: { ...engine.spend.tokens }, cost_usd: engine.spend.cost_usd },
  };
}
