import type OpenAI from 'openai';
import { ChatClient, type ApiCallError, type ChatBody } from './client.ts';
import { EndpointUnreachable, fatalCause } from './preflight.ts';
import { resolveEndpoint } from './presets.ts';
import { EndpointConfig } from '../schema/endpoint.ts';

/** What `judgekit probe` found: each capability true/false, with the reason when false. */
export interface ProbeReport {
  base_url: string;
  model: string;
  /** The model the server says answered (may differ from the one asked for). */
  served_model: string | null;
  capabilities: { json_schema: boolean; json_mode: boolean; tools: boolean; seed: boolean; logprobs: boolean; reasoning_content: boolean; images: boolean };
  /** Why a capability is false (the server's error, or what the reply lacked). */
  notes: Record<string, string>;
  latency_ms: { median: number; min: number; max: number; calls: number };
}

/** A 1×1 PNG: the smallest image an endpoint can be asked to look at. */
const PIXEL = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

type Completion = OpenAI.Chat.Completions.ChatCompletion & { choices: Array<OpenAI.Chat.Completions.ChatCompletion.Choice & { message: { reasoning_content?: string | null } }> };

/**
 * Makes a handful of tiny calls (a few tokens each) and reports what the endpoint supports: JSON
 * schema, JSON mode, tools, seed, logprobs, reasoning content and images, and its latency. The
 * first call is a preflight: an endpoint that cannot be used at all (nothing listening, a rejected
 * key, an unknown model) is an error naming the cause, and nothing else is sent.
 */
export async function probeEndpoint(cfg: { base_url: string; model: string; api_key_env?: string; timeout_ms?: number }, env: NodeJS.ProcessEnv = process.env): Promise<ProbeReport> {
  const ep = resolveEndpoint(EndpointConfig.parse({ ...cfg, max_tokens: 16, output_mode: 'tagged', timeout_ms: cfg.timeout_ms ?? 30_000 }));
  const client = new ChatClient(ep, { env });
  const latencies: number[] = [];
  const notes: Record<string, string> = {};
  const call = async (body: Omit<ChatBody, 'model'>): Promise<{ ok: true; c: Completion } | { ok: false; error: string; e?: ApiCallError }> => {
    const t0 = performance.now();
    try {
      const c = (await client.sdk.chat.completions.create({ model: ep.model, max_tokens: 16, ...body } as ChatBody, { maxRetries: 0 })) as Completion;
      latencies.push(performance.now() - t0);
      if (!c.choices?.length) return { ok: false, error: 'a reply without choices' };
      return { ok: true, c };
    } catch (err) {
      const e = client.toApiError(err);
      return { ok: false, error: e.message, e };
    }
  };
  const user = (text: string): ChatBody['messages'] => [{ role: 'user', content: text }];

  const first = await call({ messages: user('Reply with the single word OK.') });
  if (!first.ok) throw new EndpointUnreachable(ep.base_url, ep.model, (first.e && fatalCause(first.e, true)) ?? first.error);
  const served = first.c.model ?? null;
  const reasoning = typeof first.c.choices[0]!.message.reasoning_content === 'string' && first.c.choices[0]!.message.reasoning_content !== '';
  if (!reasoning) notes.reasoning_content = 'no reasoning_content in the reply';

  const jsonOk = (c: Completion): boolean => {
    try {
      const v = JSON.parse(c.choices[0]!.message.content ?? '');
      return v !== null && typeof v === 'object';
    } catch {
      return false;
    }
  };
  const caps = { json_schema: false, json_mode: false, tools: false, seed: false, logprobs: false, reasoning_content: reasoning, images: false };

  const jm = await call({ messages: user('Reply with the JSON object {"ok": true}.'), response_format: { type: 'json_object' } });
  caps.json_mode = jm.ok && jsonOk(jm.c);
  if (!caps.json_mode) notes.json_mode = jm.ok ? 'the reply was not a JSON object' : jm.error;

  const schema = { type: 'object', properties: { n: { type: 'integer', minimum: 1, maximum: 5 } }, required: ['n'], additionalProperties: false };
  const js = await call({ messages: user('Give n = 3 as JSON.'), response_format: { type: 'json_schema', json_schema: { name: 'probe', schema, strict: true } } });
  caps.json_schema = js.ok && jsonOk(js.c);
  if (!caps.json_schema) notes.json_schema = js.ok ? 'the reply did not follow the schema' : js.error;

  const tools = await call({
    messages: user('Record the score 3.'),
    tools: [{ type: 'function', function: { name: 'record_score', description: 'Record a score.', parameters: schema } }],
    tool_choice: { type: 'function', function: { name: 'record_score' } },
  });
  caps.tools = tools.ok && (tools.c.choices[0]!.message.tool_calls?.length ?? 0) > 0;
  if (!caps.tools) notes.tools = tools.ok ? 'no tool call in the reply' : tools.error;

  const seed = await call({ messages: user('Reply with OK.'), seed: 1 });
  caps.seed = seed.ok;
  if (!seed.ok) notes.seed = seed.error;

  const lp = await call({ messages: user('Reply with OK.'), logprobs: true, top_logprobs: 1 });
  caps.logprobs = lp.ok && lp.c.choices[0]!.logprobs != null;
  if (!caps.logprobs) notes.logprobs = lp.ok ? 'no logprobs in the reply' : lp.error;

  const img = await call({ messages: [{ role: 'user', content: [{ type: 'text', text: 'What colour is this pixel? One word.' }, { type: 'image_url', image_url: { url: PIXEL } }] }] });
  caps.images = img.ok;
  if (!img.ok) notes.images = img.error;

  const sorted = [...latencies].sort((a, b) => a - b);
  const mid = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  return {
    base_url: ep.base_url,
    model: ep.model,
    served_model: served,
    capabilities: caps,
    notes,
    latency_ms: { median: Math.round(mid), min: Math.round(sorted[0]!), max: Math.round(sorted[sorted.length - 1]!), calls: sorted.length },
  };
}

/** The report as text, ending with the block to paste under the endpoint of a stage. */
export function renderProbe(r: ProbeReport): string {
  const lines = [`${r.base_url} model "${r.model}"${r.served_model && r.served_model !== r.model ? ` (served as "${r.served_model}")` : ''}: median latency ${r.latency_ms.median} ms over ${r.latency_ms.calls} calls`];
  for (const [k, v] of Object.entries(r.capabilities)) lines.push(`  ${k.padEnd(18)} ${v ? 'yes' : 'no'}${!v && r.notes[k] ? ` (${r.notes[k]})` : ''}`);
  lines.push('', 'Declare it in the endpoint of a judge, pairwise or answer stage:', `  capabilities: { ${Object.entries(r.capabilities).map(([k, v]) => `${k}: ${v}`).join(', ')} }`);
  return lines.join('\n');
}
