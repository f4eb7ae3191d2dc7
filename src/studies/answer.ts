/**
 * Answer collection: asks a candidate model (any OpenAI-compatible vision chat endpoint) the items
 * with the Med-CMR generation prompts (medcmr.md §1.3, the `direct` variants transcribed by the
 * independent reproduction), on the same engine as the judge: rate limits, retries, the disk
 * cache (a rerun never pays twice, an interrupted run resumes), cost accounting and statuses.
 *
 * Every unit ends as a record with a status. `ok`, `refusal`, `truncated` and `parse_error` (an
 * empty reply) are replies the model gave and become responses (the MCQ extractor and the judges
 * decide what they are worth; `meta.status` keeps the status). `api_error` (nothing came back)
 * and `invalid_input` (the item's image file is missing) are not responses: they are listed in the
 * ledger, never written as an empty answer, and an api_error is not cached, so a rerun tries again.
 */
import { hashValue } from '../io/hash.ts';
import { DEFAULT_MAX_IMAGE_BYTES, readImage, verifiedImageUrl } from '../io/image.ts';
import { DiskCache } from '../llm/cache.ts';
import type { ChatMessage } from '../llm/client.ts';
import { JudgeEngine, type CachedOutcome, type EngineUnit, type UnitOutcome, type Estimate } from '../llm/engine.ts';
import { resolveEndpoint } from '../llm/presets.ts';
import type { BackoffOptions } from '../llm/retry.ts';
import { EndpointConfig, type Item, type Response } from '../schema/index.ts';

export const ANSWER_PROMPT_VERSION = 'medcmr-direct/1';

/** The Med-CMR MCQ prompt (medcmr.md §1.3), with the item's own option letters. */
export function mcqPrompt(item: Item): string {
  const letters = Object.keys(item.options ?? {}).sort();
  const range = letters.length > 1 ? `${letters[0]}–${letters[letters.length - 1]}` : (letters[0] ?? 'A');
  return [
    'Please carefully observe this medical image and answer the following question:',
    '',
    `Question: ${item.question}`,
    '',
    'Options:',
    ...letters.map((L) => `${L}) ${item.options![L]}`),
    '',
    `Answer only with the option letter (${range}).`,
  ].join('\n');
}

/** The Med-CMR open-ended prompt (medcmr.md §1.3). */
export function openPrompt(item: Item): string {
  return [
    'Please carefully observe this medical image and answer the following question:',
    '',
    `Question: ${item.question}`,
    '',
    'Think step by step, integrating both visual features and medical knowledge to reach your conclusion. Then provide the final answer to the question in one short sentence or a single medical term.',
    '',
    'Output format (Must follow strictly):',
    'Reasoning: <visual and diagnostic reasoning process>',
    'Answer: <final answer to the question>',
  ].join('\n');
}

export type AnswerStatus = 'ok' | 'refusal' | 'truncated' | 'parse_error' | 'api_error' | 'invalid_input';

/** One unit of answer collection: what happened when the model was asked one item. */
export interface AnswerRecord {
  item_id: string;
  model: string;
  status: AnswerStatus;
  output: string | null;
  error?: string;
  image_sent: boolean;
  tokens: { input: number; output: number };
  cost_usd: number;
  latency_ms: number;
  requests: number;
  cached: boolean;
  key: string;
}

export interface AnswerOptions {
  /** The candidate model's endpoint (its `model` is the response's model name unless `name` is set). */
  endpoint: EndpointConfig | Record<string, unknown>;
  /** Model name written into the responses (default: the endpoint's model). */
  name?: string;
  /** What is known of the candidate (size, family, medical), copied into every response's `meta`; no part of the call. */
  meta?: Record<string, unknown>;
  /** Item image paths are relative to this directory (default: the working directory); no image is read outside it. */
  imageRoot?: string;
  /** Images above this size are not sent; their items are `invalid_input` (default 5 MiB). */
  maxImageBytes?: number;
  /** Cache directory; null for no cache. */
  cacheDir: string | null;
  env?: NodeJS.ProcessEnv;
  backoff?: BackoffOptions;
  signal?: AbortSignal;
  onProgress?: (p: { done: number; total: number; failed: number; cached: number; cost_usd: number }) => void;
  /** Injected client (tests). */
  client?: ConstructorParameters<typeof JudgeEngine<string>>[0]['client'];
}

export interface AnswerPlan {
  units: EngineUnit<string>[];
  unitItems: Item[];
  imageSent: boolean[];
  invalid: AnswerRecord[];
  engine: JudgeEngine<string>;
  name: string;
  fingerprint: Record<string, unknown>;
}

async function plan(items: Iterable<Item>, opts: AnswerOptions): Promise<AnswerPlan> {
  // Candidates answer in free text: never ask for JSON output.
  const config = EndpointConfig.parse({ ...opts.endpoint, output_mode: 'tagged' });
  const endpoint = resolveEndpoint(config);
  const name = opts.name ?? endpoint.model;
  const fingerprint = {
    model: endpoint.model,
    endpoint: endpoint.base_url,
    temperature: config.temperature,
    seed: config.seed ?? null,
    max_tokens: config.max_tokens,
    images: endpoint.capabilities.images,
    prompt: ANSWER_PROMPT_VERSION,
  };
  const root = opts.imageRoot ?? process.cwd();
  const units: EngineUnit<string>[] = [];
  const unitItems: Item[] = [];
  const imageSent: boolean[] = [];
  const invalid: AnswerRecord[] = [];
  // Every image goes through the confined reader (inside the image root, a regular file under the
  // size cap, an image by its first bytes); anything else is an `invalid_input` record.
  const maxImageBytes = opts.maxImageBytes ?? DEFAULT_MAX_IMAGE_BYTES;
  const imageHash = new Map<string, { sha256: string } | { reason: string }>();
  for (const item of items) {
    let imagePath: string | undefined;
    let imageKey: string | null = null;
    if (endpoint.capabilities.images && item.image !== undefined) {
      const p = item.image;
      if (!imageHash.has(p)) {
        const read = readImage(root, p, maxImageBytes);
        imageHash.set(p, read.ok ? { sha256: read.sha256 } : { reason: read.reason });
      }
      const h = imageHash.get(p)!;
      if ('reason' in h) {
        invalid.push({
          item_id: item.id, model: name, status: 'invalid_input', output: null, error: h.reason, image_sent: false,
          tokens: { input: 0, output: 0 }, cost_usd: 0, latency_ms: 0, requests: 0, cached: false, key: '',
        });
        continue;
      }
      imageKey = h.sha256;
      imagePath = p;
    }
    const text = item.format === 'mcq' ? mcqPrompt(item) : openPrompt(item);
    const key = hashValue({ kind: 'answer', fingerprint, text, image: imageKey });
    const unit: EngineUnit<string> = {
      key,
      label: { item_id: item.id, model: name },
      parse: (content) => ({ ok: true, value: content, method: 'text' }),
      // Built on first use: a cached unit never reads its image.
      get messages(): ChatMessage[] {
        if (!imagePath) return [{ role: 'user', content: text }];
        const url = verifiedImageUrl(root, imagePath, imageKey!, maxImageBytes);
        return [{ role: 'user', content: [{ type: 'image_url', image_url: { url } }, { type: 'text', text }] }];
      },
    };
    units.push(unit);
    unitItems.push(item);
    imageSent.push(imagePath !== undefined);
  }
  const cache = opts.cacheDir === null ? undefined : DiskCache.open<CachedOutcome<string>>(opts.cacheDir);
  // A refusal or a truncated answer is the candidate's answer (kept, with its status): cached like one.
  const engine = new JudgeEngine<string>({ endpoint, cache, cache_statuses: ['ok', 'refusal', 'truncated'], env: opts.env, max_repairs: 0, seed: config.seed ?? 1, backoff: opts.backoff, client: opts.client });
  return { units, unitItems, imageSent, invalid, engine, name, fingerprint };
}

/** What collecting the answers would cost (uncached calls, estimated tokens and USD); calls nothing. */
export async function estimateAnswers(items: Iterable<Item>, opts: AnswerOptions): Promise<Estimate & { invalid: number }> {
  const p = await plan(items, opts);
  try {
    return { ...p.engine.estimate(p.units), invalid: p.invalid.length };
  } finally {
    p.engine.close();
  }
}

export interface AnswerResult {
  /** Replies, in item order, readable by the rest of the pipeline (`readResponses`). */
  responses: Response[];
  /** Every unit with its status, cost and whether it came from the cache. */
  records: AnswerRecord[];
  counts: Record<string, number>;
  spend: { requests: number; tokens: { input: number; output: number }; cost_usd: number };
  fingerprint: Record<string, unknown>;
}

function toRecord(item: Item, name: string, key: string, imageSent: boolean, o: UnitOutcome<string>): AnswerRecord {
  const rec: AnswerRecord = {
    item_id: item.id,
    model: name,
    status: o.status,
    output: o.status === 'ok' ? (o.value ?? '') : o.status === 'parse_error' ? '' : o.raw,
    image_sent: imageSent,
    tokens: o.tokens,
    cost_usd: o.cost_usd,
    latency_ms: o.latency_ms,
    requests: o.requests,
    cached: o.cached,
    key,
  };
  if (o.error !== undefined) rec.error = o.error;
  return rec;
}

/** Asks the model every item (cached units are not asked again) and returns responses and the ledger. */
export async function collectAnswers(items: Iterable<Item>, opts: AnswerOptions): Promise<AnswerResult> {
  const p = await plan(items, opts);
  let done = 0;
  let failed = 0;
  let cached = 0;
  let cost = 0;
  const total = p.units.length;
  let outcomes: UnitOutcome<string>[];
  try {
    outcomes = await p.engine.run(p.units, {
      signal: opts.signal,
      onUnit: (o) => {
        done++;
        if (o.cached) cached++;
        if (o.status === 'api_error') failed++;
        cost += o.cost_usd;
        opts.onProgress?.({ done, total, failed, cached, cost_usd: cost });
      },
    });
  } finally {
    p.engine.close();
  }
  const records: AnswerRecord[] = [...p.invalid];
  const responses: Response[] = [];
  outcomes.forEach((o, i) => {
    const item = p.unitItems[i]!;
    const rec = toRecord(item, p.name, p.units[i]!.key, p.imageSent[i]!, o);
    records.push(rec);
    if (rec.status === 'api_error') return;
    responses.push({
      item_id: item.id,
      model: p.name,
      output: rec.output ?? '',
      meta: { ...opts.meta, status: rec.status, prompt: ANSWER_PROMPT_VERSION, image_sent: rec.image_sent, ...(rec.error ? { error: rec.error } : {}) },
    });
  });
  const counts: Record<string, number> = {};
  for (const r of records) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return {
    responses,
    records,
    counts,
    spend: { requests: p.engine.spend.requests, tokens: { ...p.engine.spend.tokens }, cost_usd: p.engine.spend.cost_usd },
    fingerprint: p.fingerprint,
  };
}
