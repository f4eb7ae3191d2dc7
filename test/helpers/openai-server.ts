/**
 * A local OpenAI-compatible HTTP server for tests and benchmarks: the real `openai` SDK talks to it
 * over HTTP on 127.0.0.1 (random port), and every request is recorded.
 *
 * What a chat request gets is decided, in order, by: the next scripted behaviour in the queue
 * (`enqueue`), else the `handler` function, else `autoVerdict` (a deterministic verdict for judgekit's
 * rubric prompts). Behaviours cover what real endpoints do: verdicts (JSON, fenced JSON, tagged
 * text), arbitrary content, `message.refusal`, truncation (`finish_reason: length`), HTTP errors
 * with headers (429 + `retry-after`, 500, 503), latency, hanging requests (a client timeout), and
 * dropped connections (the socket is destroyed).
 *
 * Also served: `GET /v1/models`, and the Batch API (`POST /v1/files` multipart upload,
 * `POST /v1/batches`, `GET /v1/batches/{id}`, `GET /v1/files/{id}/content`); batch lines are
 * answered by the same queue/handler as online requests, and recorded with `batch: true`.
 *
 * Like real servers, it can also: answer 429 above a hidden number of concurrent requests
 * (`max_concurrent`), reject an unknown model (404) or a wrong key (401), refuse request features it
 * does not support with a 400 (`supports`), return reasoning content, tool calls and logprobs, and
 * write verdicts in the loose formats real judges use (`{kind: 'loose', style}`, LOOSE_STYLES).
 * `nothingListening()` gives a URL where nothing listens.
 *
 * Usage:
 *   const server = await OpenAIServer.start({ latency_ms: 200 });
 *   server.enqueue({ kind: 'status', status: 429, headers: { 'retry-after': '0' } });
 *   ... new OpenAI({ baseURL: server.url, apiKey: 'x' }) ...
 *   server.chatRequests().length; await server.close();
 * Stand-alone (for scripts and child processes):
 *   node bin/run-ts.js test/helpers/openai-server.ts [--port N] [--latency MS]
 * prints `listening <url>` on stdout and serves auto verdicts until killed.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import type { Socket } from 'node:net';
import { createHash } from 'node:crypto';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, or the raw text when it is not JSON (multipart uploads). */
  body: any;
  /** Set for chat requests that came inside a batch file. */
  batch?: boolean;
  /** Milliseconds since the server started. */
  at: number;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
}

export type Behaviour =
  /** A verdict with these scores (default: autoVerdict's), formatted as asked (default: by response_format). */
  | { kind: 'verdict'; scores?: Record<string, number>; rationale?: string; format?: 'json' | 'fenced' | 'tagged'; latency_ms?: number; usage?: Usage }
  /** Any assistant message. */
  | { kind: 'content'; content: string | null; finish_reason?: string; reasoning_content?: string; refusal?: string; latency_ms?: number; usage?: Usage }
  /** An OpenAI structured-output refusal (`message.refusal`, content null). */
  | { kind: 'refusal'; text?: string; latency_ms?: number }
  /** An HTTP error status with optional headers and JSON body. */
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: unknown; latency_ms?: number }
  /** Never answers (until the server closes). */
  | { kind: 'hang' }
  /** Destroys the connection without an answer. */
  | { kind: 'drop'; latency_ms?: number }
  /** A verdict written the way a loosely-following judge writes it (see LOOSE_STYLES). */
  | { kind: 'loose'; style: LooseStyle; scores?: Record<string, number>; latency_ms?: number };

export type Handler = (req: RecordedRequest) => Behaviour | Promise<Behaviour>;

export interface ServerOptions {
  port?: number;
  /** Added before every chat answer (not to batch lines). */
  latency_ms?: number;
  handler?: Handler;
  /** Polls of GET /v1/batches/{id} that report `in_progress` before `completed` (default 1). */
  batch_polls?: number;
  /** Terminal status of every batch (default completed). */
  batch_status?: 'completed' | 'failed' | 'expired' | 'cancelled';
  /** A hidden limit: chat requests beyond this many in flight get 429 (no retry-after unless set). */
  max_concurrent?: number;
  /** retry-after (seconds, as a string) sent with the concurrency 429s. */
  rate_limit_retry_after?: string;
  /** Models the server knows (others: 404 model_not_found). Default: any model. */
  models?: string[];
  /** The key the server requires (others: 401). Default: any key. */
  api_key?: string;
  /** Request features the server accepts; an unsupported one is a 400, as vLLM and others answer. */
  supports?: Partial<Record<'json_schema' | 'json_mode' | 'tools' | 'logprobs' | 'images' | 'seed', boolean>>;
  /** Every answer carries this reasoning_content (a reasoning model). */
  reasoning_content?: string;
}

/** Verdict styles of real judges that follow the requested format loosely. */
export const LOOSE_STYLES = [
  'flat', // {"consistency": 5, …} at the top level
  'wrapper', // {"evaluation": {…}}
  'loose_keys', // {"Visual Accuracy": 4, "ground-truth-correctness": 3, …}
  'score_reason', // {"consistency": {"score": 4, "reason": "…"}, …}
  'strings', // {"scores": {"consistency": "4", …}}
  'fraction', // {"scores": {"consistency": "4/5", …}}
  'fenced', // prose, then a ```json fence
  'preamble', // reasoning text, then the bare object
  'think', // <think>…{quoted scores}…</think> then the object
  'markdown_fence_no_lang', // ``` fence without a language
] as const;
export type LooseStyle = (typeof LOOSE_STYLES)[number] | 'ambiguous_two_wrappers' | 'quoted_then_prose' | 'json_in_think_only';

/** A verdict in one of the loose styles (scores default to autoVerdict's). */
export function looseVerdict(req: RecordedRequest, style: LooseStyle, given?: Record<string, number>): string {
  const scores = given ?? (autoVerdict(req) as { scores: Record<string, number> }).scores;
  const max = Math.max(...criteriaOf(req).map((c) => c.max), 5);
  const map = (f: (k: string, v: number) => [string, unknown]): Record<string, unknown> => Object.fromEntries(Object.entries(scores).map(([k, v]) => f(k, v)));
  const title = (k: string): string => k.split('_').map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' ');
  const other = map((k, v) => [k, v === 1 ? 2 : 1]);
  switch (style) {
    case 'flat':
      return JSON.stringify(scores);
    case 'wrapper':
      return JSON.stringify({ evaluation: scores });
    case 'loose_keys':
      return JSON.stringify(map((k, v) => [Object.keys(scores).indexOf(k) % 2 ? k.replace(/_/g, '-') : title(k), v]));
    case 'score_reason':
      return JSON.stringify(map((k, v) => [k, { score: v, reason: `About ${k}.` }]), null, 2);
    case 'strings':
      return JSON.stringify({ scores: map((k, v) => [k, String(v)]) });
    case 'fraction':
      return JSON.stringify({ rationale: 'ok', scores: map((k, v) => [k, `${v}/${max}`]) });
    case 'fenced':
      return `Here is my assessment of the answer.\n\n\`\`\`json\n${JSON.stringify({ scores }, null, 2)}\n\`\`\``;
    case 'markdown_fence_no_lang':
      return `\`\`\`\n${JSON.stringify({ rationale: 'fine', scores })}\n\`\`\``;
    case 'preamble':
      return `Let me weigh each criterion. The reasoning is mostly sound.\nFinal verdict:\n${JSON.stringify({ rationale: 'see above', scores })}`;
    case 'think':
      return `<think>The candidate claims it deserves ${JSON.stringify({ scores: other })}; I disagree.</think>\n${JSON.stringify({ scores })}`;
    case 'ambiguous_two_wrappers':
      return JSON.stringify({ first_pass: scores, final: other });
    case 'quoted_then_prose':
      return `The candidate wrote ${JSON.stringify({ scores: other })} at the end of its answer, which is an attempt to steer me. My verdict is low on every criterion.`;
    case 'json_in_think_only':
      return `<think>${JSON.stringify({ scores })}</think>\nI could not decide.`;
  }
}

/** A base URL where nothing listens (a port bound, then released). */
export async function nothingListening(): Promise<string> {
  const srv = createNetServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return `http://127.0.0.1:${port}/v1`;
}

interface StoredFile {
  id: string;
  purpose: string;
  filename: string;
  content: string;
}

interface StoredBatch {
  id: string;
  input_file_id: string;
  status: string;
  polls: number;
  output_file_id: string | null;
  error_file_id: string | null;
  created_at: number;
}

/** The criteria and scales of a judgekit rubric prompt (`### key: Name (integer min–max)` headings). */
export function criteriaOf(req: RecordedRequest): Array<{ key: string; min: number; max: number }> {
  const text = promptText(req);
  return [...text.matchAll(/^### ([a-z][a-z0-9_]*): .*\(integer (-?\d+)–(-?\d+)\)$/gm)].map((m) => ({ key: m[1]!, min: Number(m[2]), max: Number(m[3]) }));
}

/** All text of the request's messages, joined. */
export function promptText(req: RecordedRequest): string {
  const msgs = (req.body?.messages ?? []) as Array<{ content: unknown }>;
  return msgs
    .map((m) => (typeof m.content === 'string' ? m.content : Array.isArray(m.content) ? m.content.map((p: any) => p.text ?? '').join('\n') : ''))
    .join('\n');
}

/** The text inside the first `<candidate_answer>` block of the request (tests use it to identify units). */
export function candidateOf(req: RecordedRequest): string | undefined {
  const msgs = (req.body?.messages ?? []) as Array<{ content: unknown }>;
  const first = msgs.map((m) => (typeof m.content === 'string' ? m.content : Array.isArray(m.content) ? m.content.map((p: any) => p.text ?? '').join('\n') : '')).join('\n');
  return /<candidate_answer>\n([\s\S]*?)\n<\/candidate_answer>/.exec(first)?.[1];
}

/**
 * A deterministic verdict for a rubric prompt: each criterion's score is picked from a hash of the
 * prompt (so the same request always gets the same verdict), in JSON when the request asked for a
 * response_format, else as tagged lines.
 */
export function autoVerdict(req: RecordedRequest): Behaviour {
  const h = createHash('sha256').update(JSON.stringify(req.body?.messages ?? [])).digest();
  const scores: Record<string, number> = {};
  criteriaOf(req).forEach((c, i) => {
    scores[c.key] = c.min + (h[i % h.length]! % (c.max - c.min + 1));
  });
  return { kind: 'verdict', scores };
}

function formatVerdict(req: RecordedRequest, b: Extract<Behaviour, { kind: 'verdict' }>): string {
  const scores = b.scores ?? (autoVerdict(req) as { scores: Record<string, number> }).scores;
  const rationale = b.rationale ?? 'Scored against the rubric.';
  const format = b.format ?? (req.body?.response_format ? 'json' : 'tagged');
  const json = JSON.stringify({ rationale, scores });
  if (format === 'json') return json;
  if (format === 'fenced') return 'Here is my verdict:\n```json\n' + json + '\n```';
  return `<rationale>${rationale}</rationale>\n` + Object.entries(scores).map(([k, v]) => `<score criterion="${k}">${v}</score>`).join('\n');
}

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class OpenAIServer {
  /** Every request, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  /** Scripted behaviours, consumed one per chat request (online or batch line). */
  readonly queue: Behaviour[] = [];
  handler: Handler | undefined;
  latency_ms: number;
  batch_polls: number;
  batch_status: NonNullable<ServerOptions['batch_status']>;
  readonly files = new Map<string, StoredFile>();
  /** Chat requests in flight now, the most seen at once, and those refused above max_concurrent. */
  readonly load = { in_flight: 0, peak: 0, rejected: 0 };
  readonly opts: ServerOptions;
  readonly batches = new Map<string, StoredBatch>();
  private readonly sockets = new Set<Socket>();
  private readonly t0 = Date.now();
  private seq = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    opts: ServerOptions,
  ) {
    this.handler = opts.handler;
    this.latency_ms = opts.latency_ms ?? 0;
    this.batch_polls = opts.batch_polls ?? 1;
    this.batch_status = opts.batch_status ?? 'completed';
    this.opts = opts;
  }

  /** The error a strict server gives this request before answering it, if any. */
  private gatekeep(req: RecordedRequest): { status: number; body: unknown } | undefined {
    const o = this.opts;
    const b = req.body ?? {};
    const err = (status: number, message: string, code: string): { status: number; body: unknown } => ({ status, body: { error: { message, type: 'invalid_request_error', code } } });
    if (o.api_key !== undefined && req.headers.authorization !== `Bearer ${o.api_key}`) return err(401, 'Incorrect API key provided.', 'invalid_api_key');
    if (o.models && !o.models.includes(b.model)) return err(404, `The model \`${b.model}\` does not exist or you do not have access to it.`, 'model_not_found');
    const s = o.supports;
    if (!s) return undefined;
    const rf = b.response_format?.type;
    if (rf === 'json_schema' && s.json_schema === false) return err(400, 'response_format json_schema is not supported', 'unsupported');
    if (rf === 'json_object' && s.json_mode === false) return err(400, 'response_format json_object is not supported', 'unsupported');
    if (b.tools && s.tools === false) return err(400, 'tools are not supported', 'unsupported');
    if (b.logprobs && s.logprobs === false) return err(400, 'logprobs are not supported', 'unsupported');
    if (b.seed !== undefined && s.seed === false) return err(400, 'seed is not supported', 'unsupported');
    const hasImage = (b.messages ?? []).some((m: { content?: unknown }) => Array.isArray(m.content) && m.content.some((p: { type?: string }) => p.type === 'image_url'));
    if (hasImage && s.images === false) return err(400, 'image input is not supported by this model', 'unsupported');
    return undefined;
  }

  static async start(opts: ServerOptions = {}): Promise<OpenAIServer> {
    let self: OpenAIServer | undefined;
    const server = createServer((req, res) => void self!.route(req, res));
    server.keepAliveTimeout = 60_000;
    server.on('connection', (s: Socket) => {
      self?.sockets.add(s);
      s.on('close', () => self?.sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    self = new OpenAIServer(server, port, opts);
    return self;
  }

  /** The base URL to give the SDK (`…/v1`). */
  get url(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  enqueue(...behaviours: Behaviour[]): this {
    this.queue.push(...behaviours);
    return this;
  }

  /** Chat completion requests (online ones; with `includeBatch`, batch lines too). */
  chatRequests(includeBatch = false): RecordedRequest[] {
    return this.requests.filter((r) => r.path === '/v1/chat/completions' && (includeBatch || !r.batch));
  }

  /** Forgets the recorded requests (the queue and handler stay). */
  reset(): void {
    this.requests.length = 0;
  }

  /** Back to the state it started in: no requests recorded, nothing queued, the options' handler, latency and batch behaviour. */
  fresh(): void {
    this.requests.length = 0;
    this.queue.length = 0;
    this.handler = this.opts.handler;
    this.latency_ms = this.opts.latency_ms ?? 0;
    this.batch_polls = this.opts.batch_polls ?? 1;
    this.batch_status = this.opts.batch_status ?? 'completed';
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async next(req: RecordedRequest): Promise<Behaviour> {
    const q = this.queue.shift();
    if (q) return q;
    if (this.handler) return this.handler(req);
    return autoVerdict(req);
  }

  /** What a chat request gets, as a status and body (undefined: hang or drop). */
  private async answer(req: RecordedRequest, b: Behaviour): Promise<{ status: number; headers?: Record<string, string>; body: unknown } | Behaviour> {
    if (b.kind === 'hang' || b.kind === 'drop') return b;
    if (b.kind === 'status') return { status: b.status, headers: b.headers, body: b.body ?? { error: { message: `scripted ${b.status}`, type: 'server_error' } } };
    const refused = this.gatekeep(req);
    if (refused) return refused;
    const model = req.body?.model ?? 'test-model';
    let content: string | null;
    let finish = 'stop';
    let refusal: string | null = null;
    let reasoning: string | undefined;
    let usage: Usage | undefined;
    if (b.kind === 'verdict') {
      content = formatVerdict(req, b);
      usage = b.usage;
    } else if (b.kind === 'loose') {
      content = looseVerdict(req, b.style, b.scores);
    } else if (b.kind === 'refusal') {
      content = null;
      refusal = b.text ?? "I'm sorry, I can't help with that.";
    } else {
      content = b.content;
      finish = b.finish_reason ?? 'stop';
      refusal = b.refusal ?? null;
      reasoning = b.reasoning_content;
      usage = b.usage;
    }
    const prompt = Math.ceil(JSON.stringify(req.body?.messages ?? []).length / 4);
    usage ??= { prompt_tokens: prompt, completion_tokens: Math.ceil((content ?? refusal ?? '').length / 4) };
    this.seq += 1;
    reasoning ??= this.opts.reasoning_content;
    const tools = req.body?.tools as Array<{ function?: { name?: string } }> | undefined;
    const toolCalls = tools?.length && b.kind !== 'refusal'
      ? [{ id: `call_${this.seq}`, type: 'function', function: { name: tools[0]!.function?.name ?? 'f', arguments: content ?? '{}' } }]
      : undefined;
    const logprobs = req.body?.logprobs ? { content: [{ token: (content ?? '').slice(0, 1), logprob: -0.01, bytes: null, top_logprobs: [] }] } : null;
    return {
      status: 200,
      body: {
        id: `chatcmpl-${this.seq}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: toolCalls ? null : content, refusal, ...(toolCalls ? { tool_calls: toolCalls } : {}), ...(reasoning !== undefined ? { reasoning_content: reasoning } : {}) }, finish_reason: toolCalls ? 'tool_calls' : finish, logprobs }],
        usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
      },
    };
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: any = text;
    if ((req.headers['content-type'] ?? '').includes('application/json') && text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    const path = (req.url ?? '/').split('?')[0]!;
    const rec: RecordedRequest = { method: req.method ?? 'GET', path, headers: { ...req.headers }, body, at: Date.now() - this.t0 };
    this.requests.push(rec);
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
    };
    try {
      if (req.method === 'POST' && path === '/v1/chat/completions') {
        const cap = this.opts.max_concurrent;
        if (cap !== undefined && this.load.in_flight >= cap) {
          this.load.rejected += 1;
          send(429, { error: { message: 'Too many concurrent requests', type: 'rate_limit_error', code: 'rate_limit_exceeded' } }, this.opts.rate_limit_retry_after ? { 'retry-after': this.opts.rate_limit_retry_after } : {});
          return;
        }
        this.load.in_flight += 1;
        this.load.peak = Math.max(this.load.peak, this.load.in_flight);
        res.on('close', () => {
          this.load.in_flight -= 1;
        });
        const b = await this.next(rec);
        const latency = ('latency_ms' in b && b.latency_ms !== undefined ? b.latency_ms : undefined) ?? this.latency_ms;
        if (b.kind === 'hang') return; // the socket is destroyed on close()
        if (latency > 0) await wait(latency);
        if (b.kind === 'drop') {
          req.socket.destroy();
          return;
        }
        const a = (await this.answer(rec, b)) as { status: number; headers?: Record<string, string>; body: unknown };
        send(a.status, a.body, a.headers);
        return;
      }
      if (req.method === 'GET' && path === '/v1/models') {
        send(200, { object: 'list', data: (this.opts.models ?? ['test-model']).map((id) => ({ id, object: 'model', created: 0, owned_by: 'judgekit-test' })) });
        return;
      }
      if (req.method === 'POST' && path === '/v1/files') {
        const f = parseMultipart(text, String(req.headers['content-type'] ?? ''));
        const id = `file-${this.files.size + 1}`;
        this.files.set(id, { id, purpose: f.fields.purpose ?? '', filename: f.filename ?? 'upload', content: f.file ?? '' });
        send(200, { id, object: 'file', bytes: Buffer.byteLength(f.file ?? ''), created_at: Math.floor(Date.now() / 1000), filename: f.filename, purpose: f.fields.purpose, status: 'processed' });
        return;
      }
      if (req.method === 'POST' && path === '/v1/batches') {
        if (!this.files.has(body?.input_file_id)) return send(400, { error: { message: 'no such input file' } });
        const id = `batch-${this.batches.size + 1}`;
        const b: StoredBatch = { id, input_file_id: body.input_file_id, status: 'validating', polls: 0, output_file_id: null, error_file_id: null, created_at: Math.floor(Date.now() / 1000) };
        this.batches.set(id, b);
        send(200, this.batchJson(b, body));
        return;
      }
      const bm = /^\/v1\/batches\/([^/]+)$/.exec(path);
      if (req.method === 'GET' && bm) {
        const b = this.batches.get(bm[1]!);
        if (!b) return send(404, { error: { message: 'no such batch' } });
        if (b.status === 'validating' || b.status === 'in_progress') {
          b.polls += 1;
          if (b.polls > this.batch_polls) await this.finishBatch(b);
          else b.status = 'in_progress';
        }
        send(200, this.batchJson(b));
        return;
      }
      const fm = /^\/v1\/files\/([^/]+)\/content$/.exec(path);
      if (req.method === 'GET' && fm) {
        const f = this.files.get(fm[1]!);
        if (!f) return send(404, { error: { message: 'no such file' } });
        res.writeHead(200, { 'content-type': 'application/jsonl' });
        res.end(f.content);
        return;
      }
      send(404, { error: { message: `no route ${req.method} ${path}` } });
    } catch (err) {
      send(500, { error: { message: (err as Error).message } });
    }
  }

  private batchJson(b: StoredBatch, req?: { endpoint?: string; completion_window?: string }): unknown {
    return {
      id: b.id,
      object: 'batch',
      endpoint: req?.endpoint ?? '/v1/chat/completions',
      input_file_id: b.input_file_id,
      completion_window: req?.completion_window ?? '24h',
      status: b.status,
      output_file_id: b.output_file_id,
      error_file_id: b.error_file_id,
      created_at: b.created_at,
      errors: b.status === 'failed' ? { object: 'list', data: [{ code: 'scripted', message: 'scripted batch failure' }] } : null,
    };
  }

  /** Answers every line of the batch's input file through the queue/handler. */
  private async finishBatch(b: StoredBatch): Promise<void> {
    const input = this.files.get(b.input_file_id)!.content;
    if (this.batch_status === 'failed') {
      b.status = 'failed';
      return;
    }
    const out: string[] = [];
    const errs: string[] = [];
    const lines = input.split('\n').filter((l) => l.trim() !== '');
    // An expired batch finished only its first half.
    const doneCount = this.batch_status === 'completed' ? lines.length : Math.floor(lines.length / 2);
    for (const line of lines.slice(0, doneCount)) {
      const row = JSON.parse(line) as { custom_id: string; body: unknown; url: string };
      const rec: RecordedRequest = { method: 'POST', path: row.url, headers: {}, body: row.body, batch: true, at: Date.now() - this.t0 };
      this.requests.push(rec);
      const beh = await this.next(rec);
      if (beh.kind === 'hang' || beh.kind === 'drop') {
        errs.push(JSON.stringify({ id: `r-${this.seq}`, custom_id: row.custom_id, response: null, error: { code: 'server_error', message: 'request dropped' } }));
        continue;
      }
      const a = (await this.answer(rec, beh)) as { status: number; body: unknown };
      const rowOut = JSON.stringify({ id: `r-${this.seq}`, custom_id: row.custom_id, response: { status_code: a.status, request_id: `req-${this.seq}`, body: a.body }, error: null });
      (a.status === 200 ? out : errs).push(rowOut);
    }
    const put = (lines: string[]): string | null => {
      if (lines.length === 0) return null;
      const id = `file-${this.files.size + 1}`;
      this.files.set(id, { id, purpose: 'batch_output', filename: `${id}.jsonl`, content: lines.join('\n') + '\n' });
      return id;
    };
    b.output_file_id = put(out);
    b.error_file_id = put(errs);
    b.status = this.batch_status;
  }
}

/** Just enough multipart/form-data parsing for the SDK's file upload. */
function parseMultipart(text: string, contentType: string): { fields: Record<string, string>; file?: string; filename?: string } {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  const out: { fields: Record<string, string>; file?: string; filename?: string } = { fields: {} };
  if (!boundary) return out;
  const sep = `--${boundary[1] ?? boundary[2]}`;
  for (const part of text.split(sep)) {
    const idx = part.indexOf('\r\n\r\n');
    if (idx < 0) continue;
    const head = part.slice(0, idx);
    let value = part.slice(idx + 4);
    if (value.endsWith('\r\n')) value = value.slice(0, -2);
    const name = /name="([^"]+)"/.exec(head)?.[1];
    const filename = /filename="([^"]*)"/.exec(head)?.[1];
    if (!name) continue;
    if (filename !== undefined) {
      out.file = value;
      out.filename = filename;
    } else out.fields[name] = value;
  }
  return out;
}

// Stand-alone mode: serve auto verdicts until killed.
if (process.argv[1] && /openai-server\.ts$/.test(process.argv[1])) {
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const server = await OpenAIServer.start({ port: arg('port') ? Number(arg('port')) : 0, latency_ms: arg('latency') ? Number(arg('latency')) : 0 });
  process.stdout.write(`listening ${server.url}\n`);
}

