import OpenAI, { APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { InputError } from '../io/errors.ts';
import { rejectCredentialsInUrl, type ResolvedEndpoint } from './presets.ts';
import { isRetryableStatus, retryAfterMs } from './retry.ts';
import { guardedFetch, ReplyGuardError } from './guarded-fetch.ts';

/** A chat request body as sent (model, messages, decoding parameters, response format). */
export type ChatBody = OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming;
export type ChatMessage = OpenAI.Chat.Completions.ChatCompletionMessageParam;

/** The parts of a chat completion a judge reads. */
export interface ChatReply {
  content: string | null;
  /** The model's refusal message (OpenAI structured outputs), if any. */
  refusal: string | null;
  /** A reasoning model's separate chain of thought; kept apart, never parsed as the verdict. */
  reasoning: string | null;
  finish_reason: string | null;
  usage: { input: number; output: number } | null;
  /** The model the endpoint says served the reply (may differ from the one asked for). */
  model?: string | null;
}

/**
 * A failed call, with everything secret removed from its message. `retryable` says whether another
 * attempt may succeed (429, 5xx, timeouts, dropped connections); `retry_after_ms` is the wait the
 * server asked for.
 */
export class ApiCallError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly retryable: boolean,
    readonly retry_after_ms: number | undefined,
    readonly aborted = false,
    /** The network error code of a connection failure (ECONNREFUSED, ENOTFOUND, …). */
    readonly code?: string,
    /** Tokens the endpoint billed for a failed reply (a 200 without choices still costs). */
    readonly usage?: { input: number; output: number },
  ) {
    super(message);
    this.name = 'ApiCallError';
  }
}

export interface ClientOptions {
  /** Where to read the key from (defaults to process.env). */
  env?: NodeJS.ProcessEnv;
  /** For tests: a custom fetch. */
  fetch?: typeof fetch;
}

/** Placeholder key for local servers that need none (the SDK insists on a non-empty key). */
const NO_KEY = 'judgekit-no-key';

/**
 * One OpenAI-compatible endpoint behind the official SDK. The SDK's own retries are switched off
 * (`maxRetries: 0`) so that the engine counts, paces and bounds every attempt itself, and its
 * logger is silenced so that no request (with its headers) is ever printed. The key is read from
 * the environment variable the configuration names and is scrubbed from every error message.
 */
export class ChatClient {
  readonly sdk: OpenAI;
  private readonly secret: string | undefined;

  constructor(readonly endpoint: ResolvedEndpoint, opts: ClientOptions = {}) {
    const env = opts.env ?? process.env;
    let key: string | undefined;
    if (endpoint.api_key_env !== undefined) {
      key = env[endpoint.api_key_env];
      if (key === undefined || key === '') {
        throw new InputError(`environment variable ${endpoint.api_key_env} is not set (it should hold the API key for ${endpoint.base_url})`, { field: 'api_key_env' });
      }
    }
    // Every key is redacted, however short: a short key is still a key.
    this.secret = key !== undefined && key.length > 0 ? key : undefined;
    const baseURL = endpoint.config.base_url ?? endpoint.base_url;
    rejectCredentialsInUrl(baseURL);
    this.sdk = new OpenAI({
      apiKey: key ?? NO_KEY,
      baseURL,
      maxRetries: 0,
      timeout: endpoint.config.timeout_ms,
      logLevel: 'off',
      fetch: guardedFetch(endpoint.config.max_tokens, opts.fetch ?? fetch),
    });
  }

  /** Removes the key's value from a text that may leave the process (error, log, ledger). */
  redact(text: string): string {
    if (this.secret === undefined) return text;
    return text.split(this.secret).join('[redacted]');
  }

  /** One attempt; throws ApiCallError on any failure. */
  async complete(body: ChatBody, signal?: AbortSignal): Promise<ChatReply> {
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      completion = await this.sdk.chat.completions.create(body, { signal, maxRetries: 0 });
    } catch (err) {
      throw this.toApiError(err);
    }
    return readCompletion(completion, this);
  }

  /** Maps an SDK or network error to an ApiCallError with a scrubbed message. */
  toApiError(err: unknown): ApiCallError {
    if (err instanceof ApiCallError) return err;
    if (err instanceof APIUserAbortError) return new ApiCallError('request aborted', undefined, false, undefined, true);
    const guard = err instanceof ReplyGuardError ? err : (err as { cause?: unknown })?.cause;
    if (guard instanceof ReplyGuardError) return new ApiCallError(this.redact(guard.message), undefined, guard.retryable, undefined);
    if (err instanceof APIConnectionTimeoutError) {
      return new ApiCallError(`request timed out after ${this.endpoint.config.timeout_ms} ms (timeout_ms bounds the whole request, body included)`, undefined, true, undefined);
    }
    if (err instanceof APIError) {
      const status = err.status;
      const headers = err.headers as Headers | undefined;
      const what = status === undefined ? 'connection failed' : `HTTP ${status}`;
      return new ApiCallError(this.redact(`${what}: ${err.message}`), status, isRetryableStatus(status), retryAfterMs(headers), false, networkCode(err));
    }
    const e = err as Error;
    if (e?.name === 'AbortError') return new ApiCallError('request aborted', undefined, false, undefined, true);
    return new ApiCallError(this.redact(`request failed: ${e?.message ?? String(err)}`), undefined, true, undefined);
  }
}

/** The network error code behind an SDK connection error (it nests the fetch error's cause). */
function networkCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Reads a chat completion (from the online API or a Batch API output line). */
export function readCompletion(completion: OpenAI.Chat.Completions.ChatCompletion, client?: ChatClient): ChatReply {
  const redact = (t: string): string => (client ? client.redact(t) : t);
  if (completion === null || typeof completion !== 'object' || Array.isArray(completion)) {
    throw new ApiCallError(redact(`the endpoint answered with ${completion === null ? 'null' : typeof completion} instead of a chat completion object`), 200, false, undefined);
  }
  const usage = readUsage(completion.usage);
  const choice = completion.choices?.[0];
  if (!choice || !choice.message) {
    throw new ApiCallError(redact('response without choices'), 200, true, undefined, false, undefined, usage ?? undefined);
  }
  const msg = choice.message as OpenAI.Chat.Completions.ChatCompletionMessage & { reasoning_content?: string | null };
  return {
    content: typeof msg.content === 'string' ? msg.content : null,
    refusal: typeof msg.refusal === 'string' ? msg.refusal : null,
    reasoning: typeof msg.reasoning_content === 'string' ? msg.reasoning_content : null,
    finish_reason: choice.finish_reason ?? null,
    usage,
    model: typeof completion.model === 'string' ? completion.model : null,
  };
}

/** Largest token count believed in one reply's usage; more is a broken or hostile server. */
export const MAX_USAGE_TOKENS = 10_000_000;

/**
 * The usage of a reply, or null when absent or not believable: counts must be whole, non-negative
 * and below MAX_USAGE_TOKENS, so a negative or absurd figure never reaches the cost.
 */
export function readUsage(u: unknown): { input: number; output: number } | null {
  if (u === null || typeof u !== 'object') return null;
  const { prompt_tokens: i = 0, completion_tokens: o = 0 } = u as { prompt_tokens?: unknown; completion_tokens?: unknown };
  const ok = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0 && x <= MAX_USAGE_TOKENS;
  return ok(i) && ok(o) ? { input: i, output: o } : null;
}
