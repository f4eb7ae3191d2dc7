/**
 * Model families, for the self-preference check of the judge card: a judge may favour answers of
 * its own family. A family is read from the model name by prefix: the name is lower-cased, an
 * organisation part before the last `/` is dropped (`meta-llama/Llama-3-8B` → `llama-3-8b`), and
 * the first matching prefix below decides (longer prefixes are listed before shorter ones they
 * contain). A name that matches no prefix has no family (null) and shares a family with nothing.
 *
 * | family    | prefixes | why |
 * |-----------|----------|-----|
 * | openai    | gpt-, chatgpt, text-davinci-, davinci, o1, o3, o4- | OpenAI's GPT line (GPT-3.5 descends from text-davinci) |
 * | anthropic | claude | |
 * | google    | gemini, gemma, palm, bard | |
 * | deepseek  | deepseek | |
 * | qwen      | qwen, qwq | |
 * | llama     | llama, alpaca, vicuna, pandalm | Meta's LLaMA and fine-tunes of it (Alpaca, Vicuna, PandaLM-7B is LLaMA-7B tuned) |
 * | mistral   | mistral, mixtral, codestral | |
 * | bloom     | bloom | |
 * | t5        | t0, flan-t5, t5 | T0 is a T5 fine-tune |
 * | opt       | opt- | |
 * | pythia    | pythia | |
 * | cerebras  | cerebras | cerebras-gpt is not OpenAI's: it is matched before `gpt-` could ever apply |
 */
export const MODEL_FAMILY_PREFIXES: readonly (readonly [string, string])[] = [
  ['cerebras', 'cerebras'],
  ['text-davinci-', 'openai'],
  ['davinci', 'openai'],
  ['chatgpt', 'openai'],
  ['gpt-', 'openai'],
  ['o1', 'openai'],
  ['o3', 'openai'],
  ['o4-', 'openai'],
  ['claude', 'anthropic'],
  ['gemini', 'google'],
  ['gemma', 'google'],
  ['palm', 'google'],
  ['bard', 'google'],
  ['deepseek', 'deepseek'],
  ['qwen', 'qwen'],
  ['qwq', 'qwen'],
  ['llama', 'llama'],
  ['alpaca', 'llama'],
  ['vicuna', 'llama'],
  ['pandalm', 'llama'],
  ['mistral', 'mistral'],
  ['mixtral', 'mistral'],
  ['codestral', 'mistral'],
  ['bloom', 'bloom'],
  ['flan-t5', 't5'],
  ['t0', 't5'],
  ['t5', 't5'],
  ['opt-', 'opt'],
  ['pythia', 'pythia'],
];

/** The family of a model name (see the module comment), or null when no prefix matches. */
export function modelFamily(model: string): string | null {
  const name = model.toLowerCase().slice(model.lastIndexOf('/') + 1).trim();
  for (const [prefix, family] of MODEL_FAMILY_PREFIXES) if (name.startsWith(prefix)) return family;
  return null;
}
