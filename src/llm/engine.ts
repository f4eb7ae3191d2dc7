import { setMaxListeners } from 'node:events';
import pLimit from 'p-limit';
import { Rng } from '../stats/random.ts';
import type { DiskCache } from './cache.ts';
import { isCachedOutcome } from './cached-outcome.ts';
import { ApiCallError, ChatClient, type ChatBody, type ChatMessage, type ChatReply } from './client.ts';
import { costUsd, emptySpend, estimateMessagesTokens, type Spend } from './cost.ts';
import { RateLimiter } from './limits.ts';
import { AdaptiveLimit } from './adaptive.ts';
import { EndpointUnreachable, fatalCause, isUnreachable, PREFLIGHT_ATTEMPTS, PREFLIGHT_BACKOFF } from './preflight.ts';
import type { OutputMode, ResolvedEndpoint } from './presets.ts';
import { backoffDelay, DEFAULT_BACKOFF, sleep, type BackoffOptions } from './retry.ts';

/** What a parser makes of the judge's message: a value, or the reason it is not one. */
export type ParseResult<V> = { ok: true; value: V; method: string } | { ok: false; error: string };

/**
 * One call's worth of work, independent of what is being judged: the messages, the JSON schema
 * of the expected answer (used in json_schema mode), and the parser of the answer. `key` is the
 * content address of the unit (fingerprint + input + sample): equal keys are the same work.
 */
export interface EngineUnit<V> {
  key: string;
  messages: ChatMessage[];
  schema?: { name: string; schema: Record<string, unknown> };
  parse: (content: string) => ParseResult<V>;
  /** Repeated-sampling index; added to the seed so samples differ where the endpoint takes seeds. */
  sample?: number;
  /** Names the unit in the cache line, for people reading it (e.g. item and model ids). */
  label?: Record<string, string>;
  /** The verdict is free text read by the template's own rule: no response_format is sent. */
  free_text?: boolean;
}

/** One repair round: the reply that could not be read and why (quoted back to the judge). */
export interface RepairStep {
  raw: string | null;
  error: string;
}

export type UnitStatus = 'ok' | 'parse_error' | 'refusal' | 'api_error' | 'truncated';

/** The outcome of a unit. Only `ok` carries a value; every other status carries `error`. */
export interface UnitOutcome<V> {
  status: UnitStatus;
  value?: V;
  method: string | null;
  raw: string | null;
  reasoning?: string;
  error?: string;
  tokens: { input: number; output: number };
  cost_usd: number;
  latency_ms: number;
  requests: number;
  repairs: number;
  /** The replies that could not be read, in order, before the final one. */
  repair_history?: RepairStep[];
  cached: boolean;
  /** The model the endpoint says answered, when it is not the model asked for. */
  served_model?: string;
}

/** What the cache holds per unit: the outcome minus `cached`, plus the label. */
export type CachedOutcome<V> = Omit<UnitOutcome<V>, 'cached'> & { label?: Record<string, string> };

export interface EngineOptions<V> {
  endpoint: ResolvedEndpoint;
  /** Injected client (tests); otherwise one is built from the endpoint and the environment. */
  client?: ChatClient;
  env?: NodeJS.ProcessEnv;
  cache?: DiskCache<CachedOutcome<V>>;
  /** Follow-up requests quoting the validation error before the unit is a parse_error. */
  max_repairs?: number;
  /** Seeds the retry jitter. */
  seed?: number;
  backoff?: BackoffOptions;
  /** Batch API polling: first interval and its ceiling, in ms. */
  batch_poll_ms?: number;
  batch_poll_max_ms?: number;
  batch_max_requests?: number;
  /** Where warnings go (a reply served by another model); default stderr. */
  warn?: (message: string) => void;
  /**
   * Statuses kept in and served from the cache (default: only `ok`). Answer collection adds
   * `refusal` and `truncated`, which are a candidate's answers; for a judge they are failures.
   */
  cache_statuses?: readonly UnitStatus[];
  /** Lower the concurrency on 429s and raise it again on recovery (default true). */
  adaptive_concurrency?: boolean;
}

export interface RunOptions<V> {
  signal?: AbortSignal;
  /** Called once per finished unit (cached ones included), in completion order. */
  onUnit?: (outcome: UnitOutcome<V>, index: number) => void;
}

export interface Estimate {
  calls: number;
  cached: number;
  tokens: { input: number; output: number };
  cost_usd: number;
}

/**
 * Text that reads as a refusal. Only consulted when no verdict could be read, so a verdict whose
 * rationale happens to start with "I cannot…" is still a verdict.
 */
const REFUSAL = /^\s*(?:I['’]?m sorry|I am sorry|Sorry,|I apologi[sz]e|I can(?:not|['’]?t)\b|I won['’]?t\b|I['’]?m (?:not able|unable)|I am (?:not able|unable)|As an AI\b)|\b(?:can(?:not|['’]t)|unable to) (?:help|assist|comply|provide|evaluate|rate|score|grade) (?:with )?(?:this|that|the)\b/i;

export function looksLikeRefusal(text: string): boolean {
  return REFUSAL.test(text.slice(0, 400));
}

/**
 * The engine that runs units against one endpoint: cache first, then a concurrency limit
 * (p-limit), the requests/tokens-per-minute buckets, bounded retries with backoff honouring
 * `retry-after`, bounded repairs of unreadable answers, and statuses for everything that is not a
 * verdict. It knows nothing about rubrics: a unit is messages plus a parser.
 */
export class JudgeEngine<V> {
  readonly endpoint: ResolvedEndpoint;
  readonly spend: Spend = emptySpend();
  private clientInstance: ChatClient | undefined;
  private readonly limiter: RateLimiter;
  private readonly rng: Rng;
  private readonly maxRepairs: number;
  private readonly backoff: BackoffOptions;
  /** Requests in flight, adapted to the endpoint's 429s (the configured concurrency is the ceiling). */
  readonly gate: AdaptiveLimit;
  /** Whether the first call of this engine (the preflight) has succeeded or been judged harmless. */
  private preflighted = false;

  constructor(private readonly opts: EngineOptions<V>) {
    this.endpoint = opts.endpoint;
    this.clientInstance = opts.client;
    this.limiter = new RateLimiter(opts.endpoint.config.rpm, opts.endpoint.config.tpm);
    this.rng = new Rng(opts.seed ?? 1);
    this.maxRepairs = opts.max_repairs ?? 2;
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
    // A cache line of the wrong shape is skipped (and counted), never served as a finished unit.
    opts.cache?.validate(isCachedOutcome);
    this.gate = new AdaptiveLimit(opts.endpoint.config.concurrency, 1, opts.adaptive_concurrency ?? true);
  }

  /** Built lazily so a dry run or a fully cached run needs no key. */
  get client(): ChatClient {
    this.clientInstance ??= new ChatClient(this.endpoint, { env: this.opts.env });
    return this.clientInstance;
  }

  get mode(): OutputMode {
    return this.endpoint.output_mode;
  }

  /** The request body for a conversation, by output mode and capabilities. */
  body(unit: EngineUnit<V>, messages: ChatMessage[] = unit.messages): ChatBody {
    const cfg = this.endpoint.config;
    const caps = this.endpoint.capabilities;
    const body: ChatBody = { model: this.endpoint.model, messages };
    if (caps.temperature) body.temperature = cfg.temperature;
    if (cfg.seed !== undefined && caps.seed) body.seed = cfg.seed + (unit.sample ?? 0);
    // OpenAI's newer models take only max_completion_tokens; others know max_tokens.
    if (this.endpoint.base_url.includes('api.openai.com')) body.max_completion_tokens = cfg.max_tokens;
    else body.max_tokens = cfg.max_tokens;
    if (unit.free_text) {
      // the template asks for its own verdict format; a response_format would contradict it
    } else if (this.mode === 'json_schema' && unit.schema) {
      body.response_format = { type: 'json_schema', json_schema: { name: unit.schema.name, schema: unit.schema.schema, strict: true } };
    } else if (this.mode === 'json_mode') {
      body.response_format = { type: 'json_object' };
    }
    return body;
  }

  private price(factor = 1): (t: { input: number; output: number }) => number {
    return (t) => costUsd(t, this.endpoint.price, factor);
  }

  /**
   * What running the units would cost, without calling anything: one call per uncached unit,
   * input tokens estimated from the messages (characters / 4, images at a fixed count), output
   * tokens from `expected_output_tokens` or else `max_tokens` (an upper bound). Repairs and retries
   * are not foreseen.
   */
  estimate(units: readonly EngineUnit<V>[], batch = false): Estimate {
    const out = this.endpoint.config.expected_output_tokens ?? this.endpoint.config.max_tokens;
    const est: Estimate = { calls: 0, cached: 0, tokens: { input: 0, output: 0 }, cost_usd: 0 };
    for (const u of units) {
      if (this.okInCache(u.key)) {
        est.cached += 1;
        continue;
      }
      est.calls += 1;
      est.tokens.input += estimateMessagesTokens(u.messages as never);
      est.tokens.output += out;
    }
    est.cost_usd = this.price(batch ? this.endpoint.config.batch_discount : 1)(est.tokens);
    return est;
  }

  /** Only verdicts are served from the cache; a failure recorded by an older version is asked again. */
  private okInCache(key: string): boolean {
    const hit = this.opts.cache?.get(key);
    return hit !== undefined && this.cacheable(hit.status);
  }

  private cacheable(status: UnitStatus): boolean {
    return (this.opts.cache_statuses ?? ['ok']).includes(status);
  }

  private fromCache(unit: EngineUnit<V>): UnitOutcome<V> | undefined {
    const hit = this.opts.cache?.get(unit.key);
    if (hit === undefined || !this.cacheable(hit.status)) return undefined;
    const { label: _label, ...rest } = hit;
    return { ...rest, cached: true };
  }

  private remember(unit: EngineUnit<V>, outcome: UnitOutcome<V>): void {
    // Only verdicts are cached: a rerun asks again for every unit that failed (after the judge
    // setup is fixed, that costs only the failures) and never again for one that succeeded.
    if (!this.opts.cache || !this.cacheable(outcome.status)) return;
    const { cached: _c, ...rest } = outcome;
    this.opts.cache.put(unit.key, unit.label ? { ...rest, label: unit.label } : rest);
  }

  /** Runs units online (chat completions), each at most once per run and never again once cached. */
  async run(units: readonly EngineUnit<V>[], ro: RunOptions<V> = {}): Promise<UnitOutcome<V>[]> {
    const results: UnitOutcome<V>[] = new Array(units.length);
    const todo: number[] = [];
    for (let i = 0; i < units.length; i++) {
      const hit = this.fromCache(units[i]!);
      if (hit) {
        results[i] = hit;
        ro.onUnit?.(hit, i);
      } else todo.push(i);
    }
    if (todo.length === 0) return results;
    // Every in-flight request and every backoff wait listens to the run's signal.
    if (ro.signal) setMaxListeners(0, ro.signal);
    await this.preflight(units, todo, results, ro);
    if (todo.length === 0) return results;
    // Units in progress are bounded by the ceiling; requests in flight by the adaptive gate (call()).
    const limit = pLimit(this.endpoint.config.concurrency);
    // The first failure of the run (an abort) stops the dispatch of units not yet started.
    await Promise.all(
      sameKeyGroups(units, todo).map((group) =>
        limit(async () => {
          ro.signal?.throwIfAborted();
          const first = group[0]!;
          const outcome = await this.runUnit(units[first]!, ro.signal);
          this.remember(units[first]!, outcome);
          for (const i of group) {
            results[i] = i === first ? outcome : copyOfPaid(outcome);
            ro.onUnit?.(results[i]!, i);
          }
        }),
      ),
    );
    return results;
  }

  /**
   * Before fanning out, one unit runs alone: if the endpoint cannot be used at all (nothing
   * listening, DNS failure, a rejected key, an unknown model), the stage stops here with one
   * sentence, after at most PREFLIGHT_ATTEMPTS connection attempts, instead of failing every unit.
   * The preflight unit is a real unit: its outcome counts like any other. Removes it from `todo`.
   */
  private async preflight(units: readonly EngineUnit<V>[], todo: number[], results: UnitOutcome<V>[], ro: RunOptions<V>): Promise<void> {
    if (this.preflighted || todo.length === 0) return;
    const i = todo.shift()!;
    const outcome = await this.runUnit(units[i]!, ro.signal, undefined, true);
    this.preflighted = true;
    this.remember(units[i]!, outcome);
    results[i] = outcome;
    ro.onUnit?.(outcome, i);
    // Copies of the preflight unit are not paid again.
    for (const j of todo.filter((j) => units[j]!.key === units[i]!.key)) {
      todo.splice(todo.indexOf(j), 1);
      results[j] = copyOfPaid(outcome);
      ro.onUnit?.(results[j]!, j);
    }
  }

  /** One unit: the call, then repairs while the answer cannot be read. */
  async runUnit(unit: EngineUnit<V>, signal?: AbortSignal, first?: { reply: ChatReply; latency_ms: number; factor: number }, preflight = false): Promise<UnitOutcome<V>> {
    const acc = { tokens: { input: 0, output: 0 }, cost_usd: 0, latency_ms: 0, requests: 0 };
    let messages = unit.messages;
    let repairs = 0;
    const history: RepairStep[] = [];
    let pending = first;
    for (;;) {
      let reply: ChatReply;
      if (pending) {
        reply = pending.reply;
        acc.latency_ms += pending.latency_ms;
        acc.requests += 1;
        this.account(acc, reply, pending.factor);
        pending = undefined;
      } else {
        const r = await this.call(this.body(unit, messages), acc, signal, preflight);
        if ('error' in r) return { status: 'api_error', method: null, raw: null, error: r.error, repairs, cached: false, ...acc };
        reply = r.reply;
      }
      const base = { raw: reply.content, ...(reply.reasoning ? { reasoning: reply.reasoning } : {}), ...this.servedModel(reply), repairs, ...(history.length ? { repair_history: [...history] } : {}), cached: false, ...acc };
      if (reply.refusal) return { status: 'refusal', method: null, error: `the judge refused: ${reply.refusal}`, ...base, raw: reply.content ?? reply.refusal };
      if (reply.finish_reason === 'length') return { status: 'truncated', method: null, error: 'the judge hit max_tokens before finishing (finish_reason: length)', ...base };
      if (reply.finish_reason === 'content_filter') return { status: 'refusal', method: null, error: 'the endpoint withheld the answer (finish_reason: content_filter)', ...base };
      const content = reply.content ?? '';
      const parsed = content.trim() === '' ? ({ ok: false, error: 'the judge returned an empty message' } as const) : unit.parse(content);
      if (parsed.ok) return { status: 'ok', value: parsed.value, method: parsed.method, ...base };
      if (looksLikeRefusal(content)) return { status: 'refusal', method: null, error: 'the judge refused (refusal-shaped text, no verdict)', ...base };
      if (repairs >= this.maxRepairs) {
        return { status: 'parse_error', method: null, error: repairs > 0 ? `${parsed.error} (after ${repairs} repair attempt${repairs > 1 ? 's' : ''})` : parsed.error, ...base };
      }
      repairs += 1;
      history.push({ raw: content, error: parsed.error });
      messages = repairMessages(unit.messages, parsed.error);
    }
  }

  private account(acc: { tokens: { input: number; output: number }; cost_usd: number }, reply: ChatReply, factor: number): void {
    if (!reply.usage) return;
    const c = this.price(factor)(reply.usage);
    acc.tokens.input += reply.usage.input;
    acc.tokens.output += reply.usage.output;
    acc.cost_usd += c;
    this.spend.tokens.input += reply.usage.input;
    this.spend.tokens.output += reply.usage.output;
    this.spend.cost_usd += c;
  }

  /** One request with bounded retries. Aborts propagate; other failures end as `{error}`. */
  private async call(
    body: ChatBody,
    acc: { tokens: { input: number; output: number }; cost_usd: number; latency_ms: number; requests: number },
    signal?: AbortSignal,
    preflight = false,
  ): Promise<{ reply: ChatReply } | { error: string }> {
    const maxRetries = this.endpoint.config.max_retries;
    let backoff = this.backoff;
    const est = estimateMessagesTokens(body.messages as never) + this.endpoint.config.max_tokens;
    for (let attempt = 0; ; attempt++) {
      await this.limiter.acquire(est, signal);
      const epoch = await this.gate.acquire(signal);
      const t0 = performance.now();
      acc.requests += 1;
      this.spend.requests += 1;
      try {
        let reply: ChatReply;
        try {
          reply = await this.client.complete(body, signal);
        } catch (err) {
          const e = err instanceof ApiCallError ? err : this.client.toApiError(err);
          this.gate.release(epoch, e.status === 429 ? 'rate_limited' : 'other');
          throw e;
        }
        this.gate.release(epoch, 'ok');
        acc.latency_ms += performance.now() - t0;
        this.limiter.settle(est, reply.usage ? reply.usage.input + reply.usage.output : est);
        this.account(acc, reply, 1);
        return { reply };
      } catch (err) {
        acc.latency_ms += performance.now() - t0;
        this.limiter.settle(est, 0);
        const e = err instanceof ApiCallError ? err : this.client.toApiError(err);
        if (e.aborted || signal?.aborted) throw signal?.reason ?? new DOMException('aborted', 'AbortError');
        if (e.usage) this.account(acc, { usage: e.usage } as ChatReply, 1);
        if (preflight) {
          const unreachable = isUnreachable(e);
          if (unreachable) backoff = PREFLIGHT_BACKOFF;
          const cause = fatalCause(e, attempt + 1 >= (unreachable ? Math.min(PREFLIGHT_ATTEMPTS, maxRetries + 1) : maxRetries + 1));
          if (cause) throw new EndpointUnreachable(this.endpoint.base_url, this.endpoint.model, cause);
        }
        const tooLong = this.refuseLongWait(e);
        if (tooLong) return tooLong;
        if (!e.retryable || attempt >= maxRetries) {
          return { error: attempt > 0 ? `${e.message} (after ${attempt} retr${attempt > 1 ? 'ies' : 'y'})` : e.message };
        }
        let wait = backoffDelay(attempt, this.rng, backoff);
        if (e.retry_after_ms !== undefined) {
          wait = Math.min(e.retry_after_ms, backoff.max_retry_after_ms);
          if (e.status === 429) this.limiter.pauseFor(wait);
        }
        await sleep(wait, signal);
      }
    }
  }

  /**
   * A `retry-after` longer than the longest wait honoured fails this unit at once (not cached, so
   * a rerun picks it up) instead of pausing every other unit behind it.
   */
  private refuseLongWait(e: ApiCallError): { error: string } | undefined {
    if (e.retry_after_ms === undefined || e.retry_after_ms <= this.backoff.max_retry_after_ms) return undefined;
    return { error: `${e.message}; the server asked to wait ${Math.round(e.retry_after_ms / 1000)} s, more than the ${Math.round(this.backoff.max_retry_after_ms / 1000)} s honoured: not retried now (a rerun resumes this unit)` };
  }

  private readonly warnedModels = new Set<string>();

  /** Records the model that served a reply when it is not the one asked for, and warns once per model. */
  private servedModel(reply: ChatReply): { served_model?: string } {
    const served = reply.model;
    const asked = this.endpoint.model;
    if (!served || served === asked) return {};
    // A dated snapshot of the requested model (gpt-4o → gpt-4o-2024-08-06) is the same model.
    if (!served.startsWith(`${asked}-`) && !this.warnedModels.has(served)) {
      this.warnedModels.add(served);
      (this.opts.warn ?? ((m: string) => process.stderr.write(`warning: ${m}\n`)))(
        `asked for model "${asked}" at ${this.endpoint.base_url}, but the reply names "${served}"; recorded as served_model`,
      );
    }
    return { served_model: served };
  }

  /** Closes the cache segment (flushes it to disk). */
  close(): void {
    this.opts.cache?.close();
  }

  /** Cost factor for batch results. */
  get batchFactor(): number {
    return this.endpoint.config.batch_discount;
  }

  /** For batch.ts: records a unit's outcome in the cache. */
  record(unit: EngineUnit<V>, outcome: UnitOutcome<V>): void {
    this.remember(unit, outcome);
  }

  /** For batch.ts: a cached outcome, if any. */
  cached(unit: EngineUnit<V>): UnitOutcome<V> | undefined {
    return this.fromCache(unit);
  }

  get options(): EngineOptions<V> {
    return this.opts;
  }
}

/** Indices of the units to run, grouped by key: identical units in one run are paid for once. */
export function sameKeyGroups(units: readonly { key: string }[], todo: readonly number[]): number[][] {
  const groups = new Map<string, number[]>();
  for (const i of todo) {
    const g = groups.get(units[i]!.key);
    if (g) g.push(i);
    else groups.set(units[i]!.key, [i]);
  }
  return [...groups.values()];
}

/** What a duplicate of a unit gets: the same outcome, served as if from the cache (not paid again). */
function copyOfPaid<V>(o: UnitOutcome<V>): UnitOutcome<V> {
  return { ...o, tokens: { input: 0, output: 0 }, cost_usd: 0, latency_ms: 0, requests: 0, repairs: 0, cached: true };
}

/** Longest validation error quoted back to the judge; the error, not the reply, is what a repair needs. */
const MAX_QUOTED_ERROR = 500;

/**
 * The conversation of a repair: the original messages plus one note quoting only the validation
 * error (clipped). The judge's own reply is not sent back: a huge or hostile reply would otherwise
 * be paid for again on every repair.
 */
export function repairMessages(original: readonly ChatMessage[], error: string): ChatMessage[] {
  const quoted = error.length > MAX_QUOTED_ERROR ? `${error.slice(0, MAX_QUOTED_ERROR)}…` : error;
  return [
    ...original,
    { role: 'user', content: `Your previous reply could not be read as a verdict: ${quoted}. Reply again with only the verdict, in exactly the required format.` },
  ];
}
