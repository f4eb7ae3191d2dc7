import OpenAI, { APIError, APIUserAbortError } from 'openai';
import { InputError } from '../io/errors.ts';
import type { ResolvedEndpoint } from './presets.ts';
import { isRetryableStatus, retryAfterMs } from './retry.ts';

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
    this.secret = key !== undefined && key.length >= 4 ? key : undefined;
    this.sdk = new OpenAI({
      apiKey: key ?? NO_KEY,
      baseURL: endpoint.config.base_url ?? endpoint.base_url,
      maxRetries: 0,
      timeout: endpoint.config.timeout_ms,
      logLevel: 'off',
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
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
  const choice = completion.choices?.[0];
  if (!choice || !choice.message) {
    throw new ApiCallError(client ? client.redact('response without choices') : 'response without choices', 200, true, undefined);
  }
  const msg = choice.message as OpenAI.Chat.Completions.ChatCompletionMessage & { reasoning_content?: string | null };
  return {
    content: msg.content ?? null,
    refusal: msg.refusal ?? null,
    reasoning: typeof msg.reasoning_content === 'string' ? msg.reasoning_content : null,
    finish_reason: choice.finish_reason ?? null,
    usage: completion.usage ? { input: completion.usage.prompt_tokens ?? 0, output: completion.usage.completion_tokens ?? 0 } : null,
  };
}
