// Defends: an HTML 200 page and a body cut mid-way get clear messages; a reply naming another
// model is recorded and warned about; negative or absurd usage never reaches the cost, and usage
// of a 200 reply without choices is counted.
import { afterEach, describe, expect, it } from 'vitest';
import { completion, HostileServer, sendJson } from './helpers/hostile-server.ts';
import { engineAt, unitN } from './helpers/engine.ts';

let server: HostileServer | undefined;
afterEach(async () => {
  await server?.close();
});

describe('replies that are not chat completions', () => {
  it('an HTML page with status 200 says the base URL is probably wrong', async () => {
    server = await HostileServer.start((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!DOCTYPE html><html><body>Welcome to nginx!</body></html>');
    });
    const [o] = await engineAt(server.url, { max_retries: 3 }).run([unitN('a')]);
    expect(o!.status).toBe('api_error');
    expect(o!.error).toMatch(/HTTP 200 with text\/html instead of JSON \(is base_url the API root.*<!DOCTYPE html>/);
    expect(o!.requests).toBe(1); // not retried: a configuration problem
  });

  it('a JSON body cut mid-way (connection closed) says it was cut', async () => {
    server = await HostileServer.start((_req, res) => {
      const full = completion('{"n": 1}');
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(full.length) });
      res.write(full.slice(0, 40));
      setTimeout(() => res.destroy(), 20);
    });
    const [o] = await engineAt(server.url).run([unitN('a')]);
    expect(o!.status).toBe('api_error');
    expect(o!.error).toMatch(/closed before the reply was complete \(\d+ bytes received; cut mid-way\)/);
  });

  it('a JSON body that ends early without a length says it is not complete JSON', async () => {
    server = await HostileServer.start((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
      res.end(completion('{"n": 1}').slice(0, 50));
      req.socket.end();
    });
    const [o] = await engineAt(server.url).run([unitN('a')]);
    expect(o!.status).toBe('api_error');
    expect(o!.error).toMatch(/not complete JSON \(50 bytes; cut mid-way\?\)/);
  });
});

describe('the served model', () => {
  it('is recorded on the outcome and warned about once when it is not the model asked for', async () => {
    server = await HostileServer.start((_req, res) => sendJson(res, completion('{"n": 2}', { model: 'cheap-model' })));
    const warnings: string[] = [];
    const out = await engineAt(server.url, {}, { warn: (m) => warnings.push(m) }).run([unitN('a'), unitN('b')]);
    expect(out.map((o) => o.served_model)).toEqual(['cheap-model', 'cheap-model']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/asked for model "test-model".*names "cheap-model"/);
  });

  it('a dated snapshot of the requested model is recorded without a warning', async () => {
    server = await HostileServer.start((_req, res) => sendJson(res, completion('{"n": 2}', { model: 'test-model-2024-08-06' })));
    const warnings: string[] = [];
    const [o] = await engineAt(server.url, {}, { warn: (m) => warnings.push(m) }).run([unitN('a')]);
    expect(o!.served_model).toBe('test-model-2024-08-06');
    expect(warnings).toEqual([]);
  });
});

describe('usage', () => {
  const price = { input_per_m: 1, output_per_m: 1 };
  for (const [what, usage] of [
    ['negative', { prompt_tokens: -1_000_000, completion_tokens: 5 }],
    ['absurd', { prompt_tokens: 1e15, completion_tokens: 5 }],
    ['fractional', { prompt_tokens: 1.5, completion_tokens: 5 }],
    ['non-numeric', { prompt_tokens: '10', completion_tokens: 5 }],
  ] as const) {
    it(`${what} usage is not believed: no tokens, no cost`, async () => {
      server = await HostileServer.start((_req, res) => sendJson(res, completion('{"n": 2}', { usage })));
      const e = engineAt(server.url, { price });
      const [o] = await e.run([unitN('a')]);
      expect(o!.status).toBe('ok');
      expect(o!.tokens).toEqual({ input: 0, output: 0 });
      expect(o!.cost_usd).toBe(0);
      expect(e.spend.cost_usd).toBe(0);
    });
  }

  it('a 200 reply without choices still counts the usage it billed', async () => {
    server = await HostileServer.start((_req, res) => sendJson(res, completion('', { choices: [], usage: { prompt_tokens: 100, completion_tokens: 0 } })));
    const e = engineAt(server.url, { price, max_retries: 1 });
    const [o] = await e.run([unitN('a')]);
    expect(o!.status).toBe('api_error');
    expect(o!.error).toContain('response without choices');
    expect(o!.requests).toBe(2);
    expect(o!.tokens).toEqual({ input: 200, output: 0 });
    expect(e.spend.tokens.input).toBe(200);
    expect(o!.cost_usd).toBeCloseTo(200 / 1e6, 12);
  });
});

describe('the served model in the judgment ledger', () => {
  it('a judgment made by another model than asked for says which', async () => {
    const { readItems, readResponses } = await import('../../src/io/records.ts');
    const { loadRubric, runJudge } = await import('../../src/judges/index.ts');
    const { resolve, join } = await import('node:path');
    const FIX = resolve('test/fixtures/judge');
    const items = await readItems(join(FIX, 'items.jsonl'));
    const responses = (await readResponses(join(FIX, 'responses.jsonl'), items)).slice(0, 1);
    const verdict = JSON.stringify({ scores: { consistency: 4, coherence: 4, visual_accuracy: 3, ground_truth_correctness: 5 }, rationale: 'fine' });
    server = await HostileServer.start((_req, res) => sendJson(res, completion(verdict, { model: 'cheap-model' })));
    const r = await runJudge({
      items,
      responses,
      rubric: await loadRubric('rubrics/medcmr-v1.yaml'),
      judge: { kind: 'llm', endpoint: { base_url: server.url, model: 'judge-model', output_mode: 'json_mode', max_retries: 0, supports_images: false } } as never,
      cacheDir: null,
      resamples: 0,
      seed: 1,
      imageRoot: FIX,
    });
    expect(r.judgments[0]).toMatchObject({ status: 'ok', served_model: 'cheap-model' });
  });
});
