import type { Command } from 'commander';
import { InputError } from '../io/errors.ts';
import { probeEndpoint, renderProbe } from '../llm/probe.ts';
import { emit, numberOption } from './output.ts';

export function register(program: Command): void {
  program
    .command('probe')
    .description('Find out what an OpenAI-compatible endpoint supports (JSON schema, JSON mode, tools, seed, logprobs, reasoning content, images) and its latency, with a handful of tiny calls; prints the capabilities block to declare in a stage.')
    .requiredOption('--base-url <url>', 'OpenAI-compatible endpoint base URL (e.g. http://127.0.0.1:8000/v1)')
    .requiredOption('--model <name>', 'model name at the endpoint')
    .option('--api-key-env <var>', 'name of the environment variable that holds the API key')
    .option('--timeout-ms <n>', 'per-request timeout (default 30000)')
    .option('--json', 'print the report as JSON')
    .action(async (o: { baseUrl: string; model: string; apiKeyEnv?: string; timeoutMs?: string; json?: boolean }) => {
      if (o.apiKeyEnv !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(o.apiKeyEnv)) throw new InputError('option --api-key-env takes the NAME of an environment variable, not a key');
      const report = await probeEndpoint({ base_url: o.baseUrl, model: o.model, ...(o.apiKeyEnv ? { api_key_env: o.apiKeyEnv } : {}), ...(o.timeoutMs ? { timeout_ms: numberOption('timeout-ms', o.timeoutMs, { int: true, min: 1 }) } : {}) });
      emit(report, o.json, () => renderProbe(report));
    });
}
