import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeEndpoint } from '../../src/llm/probe.ts';
import { nothingListening, OpenAIServer } from '../helpers/openai-server.ts';
import { spawnJudgekit } from '../helpers/cli.ts';

describe('judgekit probe', () => {
  let full: OpenAIServer;
  let plain: OpenAIServer;
  beforeAll(async () => {
    full = await OpenAIServer.start({ reasoning_content: 'thinking…', models: ['judge'] });
    plain = await OpenAIServer.start({ supports: { json_schema: false, tools: false, logprobs: false, images: false, seed: true, json_mode: true } });
    const ok = () => ({ kind: 'content' as const, content: '{"n": 3}' });
    full.handler = ok;
    plain.handler = ok;
  });
  afterAll(async () => {
    await full.close();
    await plain.close();
  });

  it('reports every capability of a server that has them, and its latency', async () => {
    const r = await probeEndpoint({ base_url: full.url, model: 'judge' });
    expect(r.capabilities).toEqual({ json_schema: true, json_mode: true, tools: true, seed: true, logprobs: true, reasoning_content: true, images: true });
    expect(r.latency_ms.calls).toBe(7);
    expect(full.chatRequests()).toHaveLength(7);
  });

  it('reports what a vLLM-like server refuses, with the server reason', async () => {
    const r = await probeEndpoint({ base_url: plain.url, model: 'x' });
    expect(r.capabilities).toEqual({ json_schema: false, json_mode: true, tools: false, seed: true, logprobs: false, reasoning_content: false, images: false });
    expect(r.notes.json_schema).toMatch(/HTTP 400: .*json_schema is not supported/);
  });

  it('an unknown model or nothing listening stops at the first call with the cause', async () => {
    full.reset();
    await expect(probeEndpoint({ base_url: full.url, model: 'nope' })).rejects.toThrow(/model or the route does not exist there \(HTTP 404\)/);
    expect(full.chatRequests()).toHaveLength(1);
    const url = await nothingListening();
    await expect(probeEndpoint({ base_url: url, model: 'm' })).rejects.toThrow(`the endpoint ${url} (model "m") cannot be used: nothing is listening there (connection refused)`);
  });

  it('runs from the command line and prints the block to declare', async () => {
    const out = await spawnJudgekit(['probe', '--base-url', plain.url, '--model', 'x'], { cwd: resolve('.') }).done;
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('capabilities: { json_schema: false, json_mode: true, tools: false, seed: true, logprobs: false, reasoning_content: false, images: false }');
  });
});
