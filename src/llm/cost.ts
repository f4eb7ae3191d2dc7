/**
 * Token estimates and cost. Estimates are for budgeting before a run (dry run, tokens-per-minute
 * bucket); what is reported after a run is always the usage the endpoint returned.
 */

/**
 * Tokens of a text, estimated as ⌈characters / 4⌉: OpenAI's rule of thumb for English with
 * tiktoken-family tokenizers. It undercounts dense non-English text; a budget should keep margin.
 */
export function estimateTextTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/**
 * Tokens per image, estimated as OpenAI's high-detail price of a 1024×1024 image (85 base + 4
 * tiles × 170 = 765). Other providers count differently; this is a planning figure.
 */
export const IMAGE_TOKENS = 765;

/** Per-message overhead of the chat format (role and separators), as in OpenAI's cookbook. */
const MESSAGE_OVERHEAD = 4;

export interface ChatMessageLike {
  role: string;
  content: string | Array<{ type: string; text?: string }> | null | undefined;
}

/** Estimated input tokens of a chat request. */
export function estimateMessagesTokens(messages: readonly ChatMessageLike[]): number {
  let n = 3;
  for (const m of messages) {
    n += MESSAGE_OVERHEAD;
    if (typeof m.content === 'string') n += estimateTextTokens(m.content);
    else if (Array.isArray(m.content)) {
      for (const part of m.content) n += part.type === 'text' ? estimateTextTokens(part.text ?? '') : IMAGE_TOKENS;
    }
  }
  return n;
}

export interface Price {
  input_per_m: number;
  output_per_m: number;
}

/** Cost in USD of a token count at a price per million tokens, times a discount factor. */
export function costUsd(tokens: { input: number; output: number }, price: Price, factor = 1): number {
  return ((tokens.input * price.input_per_m + tokens.output * price.output_per_m) / 1e6) * factor;
}

/** What a run spent (or would spend): requests, tokens, cost. */
export interface Spend {
  requests: number;
  tokens: { input: number; output: number };
  cost_usd: number;
}

export function emptySpend(): Spend {
  return { requests: 0, tokens: { input: 0, output: 0 }, cost_usd: 0 };
}

export function addSpend(into: Spend, s: Spend): Spend {
  into.requests += s.requests;
  into.tokens.input += s.tokens.input;
  into.tokens.output += s.tokens.output;
  into.cost_usd += s.cost_usd;
  return into;
}
