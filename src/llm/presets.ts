import { InputError } from '../io/errors.ts';
import type { EndpointConfig } from '../schema/endpoint.ts';
import { priceOf, type PriceAssumed } from './prices.ts';

/** How structured output is asked for, best first. */
export type OutputMode = 'json_schema' | 'json_mode' | 'tagged';

/** What an endpoint can do; decides the output mode and whether images are sent. */
export interface Capabilities {
  json_schema: boolean;
  json_mode: boolean;
  images: boolean;
  seed: boolean;
  /** The endpoint returns a separate `reasoning_content` (DeepSeek reasoner). */
  reasoning_content: boolean;
  /** Sampling parameters are accepted (reasoning models reject or ignore temperature). */
  temperature: boolean;
  /** Tool (function) calls; found by `judgekit probe`, not assumed by any preset. */
  tools?: boolean;
  /** Token log-probabilities; found by `judgekit probe`. */
  logprobs?: boolean;
}

export interface Preset {
  base_url: string;
  api_key_env: string | undefined;
  capabilities: Capabilities;
  /** Per-model overrides of the capabilities (matched by exact model name). */
  models?: Record<string, Partial<Capabilities>>;
}

/**
 * The shipped presets. DeepSeek documents JSON mode for `deepseek-chat` and neither JSON mode nor
 * tool calls for `deepseek-reasoner`, which also returns its chain of thought apart in
 * `reasoning_content`. A local server (vLLM, Ollama, llama.cpp) is assumed to take JSON mode and
 * no images unless the configuration says otherwise.
 */
export const PRESETS: Record<'openai' | 'deepseek' | 'local', Preset> = {
  openai: {
    base_url: 'https://api.openai.com/v1',
    api_key_env: 'OPENAI_API_KEY',
    capabilities: { json_schema: true, json_mode: true, images: true, seed: true, reasoning_content: false, temperature: true },
  },
  deepseek: {
    base_url: 'https://api.deepseek.com',
    api_key_env: 'DEEPSEEK_API_KEY',
    capabilities: { json_schema: false, json_mode: true, images: false, seed: false, reasoning_content: false, temperature: true },
    models: {
      'deepseek-reasoner': { json_mode: false, reasoning_content: true, temperature: false },
    },
  },
  local: {
    base_url: 'http://127.0.0.1:8000/v1',
    api_key_env: undefined,
    capabilities: { json_schema: false, json_mode: true, images: false, seed: true, reasoning_content: false, temperature: true },
  },
};

/** An endpoint with every default filled in: what the client and the fingerprint use. */
export interface ResolvedEndpoint {
  config: EndpointConfig;
  base_url: string;
  model: string;
  api_key_env: string | undefined;
  capabilities: Capabilities;
  output_mode: OutputMode;
  /** What a token costs here, and where that figure comes from. */
  price: PriceAssumed;
}

/**
 * Fills an endpoint configuration from its preset (or, without one, from the base URL: an
 * api.openai.com URL is `openai`, api.deepseek.com is `deepseek`, anything else is `local`), and
 * resolves `output_mode: auto` to the best mode the endpoint supports. An explicit mode the
 * endpoint does not support is a user error.
 */
export function resolveEndpoint(config: EndpointConfig): ResolvedEndpoint {
  const presetName = config.preset ?? guessPreset(config.base_url);
  const preset = PRESETS[presetName];
  const caps: Capabilities = { ...preset.capabilities, ...(preset.models?.[config.model] ?? {}), ...(config.capabilities ?? {}) };
  if (config.supports_images !== undefined) caps.images = config.supports_images;
  let mode: OutputMode;
  if (config.output_mode === 'auto') mode = caps.json_schema ? 'json_schema' : caps.json_mode ? 'json_mode' : 'tagged';
  else {
    mode = config.output_mode;
    if ((mode === 'json_schema' && !caps.json_schema && config.preset) || (mode === 'json_mode' && !caps.json_mode && config.preset)) {
      const key = mode === 'json_schema' ? 'json_schema' : 'json_mode';
      throw new InputError(
        `the ${presetName} preset does not assume that model "${config.model}" supports output_mode ${mode}. If it does, declare it in the endpoint with "capabilities: { ${key}: true }" (\`judgekit probe --base-url URL --model ${config.model}\` finds out), or use output_mode auto`,
        { field: 'output_mode' },
      );
    }
    // An explicit mode on a preset-less endpoint is taken as a statement of capability.
    if (mode === 'json_schema') caps.json_schema = true;
    if (mode === 'json_mode') caps.json_mode = true;
  }
  if (config.base_url !== undefined) rejectCredentialsInUrl(config.base_url);
  return {
    config,
    base_url: stripSecrets(config.base_url ?? preset.base_url),
    model: config.model,
    api_key_env: config.api_key_env ?? preset.api_key_env,
    capabilities: caps,
    output_mode: mode,
    price: priceOf(config.base_url !== undefined ? guessPreset(config.base_url) : presetName, config.model, config.price),
  };
}

function guessPreset(url: string | undefined): 'openai' | 'deepseek' | 'local' {
  if (url === undefined) return 'openai';
  const host = safeHost(url);
  if (host === 'api.openai.com') return 'openai';
  if (host === 'api.deepseek.com') return 'deepseek';
  return 'local';
}

function safeHost(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

/**
 * The base URL without user info, query or fragment and without a trailing slash: it goes into
 * fingerprints, ledgers and logs, so nothing secret may ride along in it.
 */
export function stripSecrets(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString().replace(/\/+$/, '');
  } catch {
    throw new InputError(`not a valid URL: "${url.replace(/\/\/[^@/]*@/, '//')}"`, { field: 'base_url' });
  }
}

/**
 * `user:pass@` in a base URL: fetch refuses such URLs ("Connection error" is all the SDK says), and
 * the credentials would ride in logs. The key belongs in the environment variable `api_key_env` names.
 */
export function rejectCredentialsInUrl(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return;
  }
  if (u.username !== '' || u.password !== '') {
    throw new InputError('base_url must not hold credentials (user:password@); put the key in the environment variable named by api_key_env', { field: 'base_url' });
  }
}
