/**
 * The fetch the SDK uses. It reads every response body to the end *inside* fetch, so that the
 * SDK's per-request timer (which it stops once fetch returns) bounds the whole request, body
 * included: a server that sends its headers and then drips the body cannot hold a run past
 * `timeout_ms`. Chat replies are also capped in size relative to `max_tokens`, and a 200 reply
 * that is not JSON (an HTML page) or whose JSON was cut mid-way fails with a message that says so.
 */

/** A reply the client refuses to read, with the reason; surfaced as an ApiCallError. */
export class ReplyGuardError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'ReplyGuardError';
  }
}

/**
 * Largest chat reply body accepted for a `max_tokens`: 64 KiB of envelope plus 64 bytes per
 * token. A token is a few bytes of text; even JSON-escaped (\uXXXX per character) it stays far
 * below 64 bytes, so a larger body is not an answer of the size asked for.
 */
export function replyByteCap(maxTokens: number): number {
  return 65_536 + 64 * maxTokens;
}

const isChat = (url: string): boolean => /\/chat\/completions(?:\?|$)/.test(url);

export function guardedFetch(maxTokens: number, base: typeof fetch = fetch): typeof fetch {
  const cap = replyByteCap(maxTokens);
  return async (input, init) => {
    const res = await base(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const limit = isChat(url) ? cap : Infinity;
    const body = await readAll(res, limit, init?.signal ?? undefined);
    if (isChat(url) && res.status === 200) checkChatBody(res, body);
    return new Response(res.status === 204 || res.status === 304 ? null : body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

async function readAll(res: Response, limit: number, signal: AbortSignal | undefined): Promise<Uint8Array> {
  if (!res.body) return new Uint8Array(0);
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await res.body.cancel().catch(() => undefined);
    throw tooLarge(declared, limit);
  }
  const reader = res.body.getReader();
  const onAbort = (): void => void reader.cancel(signal?.reason).catch(() => undefined);
  signal?.addEventListener('abort', onAbort, { once: true });
  const parts: Uint8Array[] = [];
  let n = 0;
  try {
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (err) {
        if (signal?.aborted) throw signal.reason ?? err;
        throw new ReplyGuardError(`the connection closed before the reply was complete (${n} bytes received; cut mid-way)`, true);
      }
      if (signal?.aborted) throw signal.reason ?? new DOMException('aborted', 'AbortError');
      if (chunk.done) break;
      n += chunk.value.length;
      if (n > limit) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge(n, limit);
      }
      parts.push(chunk.value);
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  return Buffer.concat(parts);
}

function tooLarge(bytes: number, limit: number): ReplyGuardError {
  return new ReplyGuardError(`the reply is larger than ${limit} bytes (at least ${bytes}), more than max_tokens allows: not read`, false);
}

function checkChatBody(res: Response, body: Uint8Array): void {
  const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const text = Buffer.from(body).toString('utf8');
  const start = JSON.stringify(text.slice(0, 80).replace(/\s+/g, ' '));
  if (!(type.includes('application/json') || type.endsWith('+json'))) {
    throw new ReplyGuardError(
      `the endpoint answered HTTP 200 with ${type || 'no content type'} instead of JSON (is base_url the API root, e.g. …/v1?); the body starts ${start}`,
      false,
    );
  }
  try {
    JSON.parse(text);
  } catch {
    throw new ReplyGuardError(`the reply body is not complete JSON (${body.length} bytes; cut mid-way?); it starts ${start}`, true);
  }
}
