// Defends: batch polling that meets a persistent 500 gives up after the retry bound (resumable),
// instead of polling forever.
import { afterEach, expect, it } from 'vitest';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostileServer, sendJson } from './helpers/hostile-server.ts';
import { unitN, fastBackoff } from './helpers/engine.ts';
import { DiskCache, JudgeEngine, resolveEndpoint, runBatch } from '../../src/llm/index.ts';
import { EndpointConfig } from '../../src/schema/endpoint.ts';

let server: HostileServer | undefined;
afterEach(async () => {
  await server?.close();
});

it('stops polling after max_retries failed polls, fails the units as api_error and keeps the journal', async () => {
  let polls = 0;
  server = await HostileServer.start((req, res) => {
    if (req.method === 'POST' && req.url!.endsWith('/files')) return sendJson(res, JSON.stringify({ id: 'file-1', object: 'file', purpose: 'batch', filename: 'x', bytes: 1, created_at: 0, status: 'processed' }));
    if (req.method === 'POST' && req.url!.endsWith('/batches')) return sendJson(res, JSON.stringify({ id: 'batch_1', object: 'batch', status: 'validating', endpoint: '/v1/chat/completions', input_file_id: 'file-1', completion_window: '24h', created_at: 0 }));
    polls += 1;
    sendJson(res, '{"error":{"message":"internal"}}', 500);
  });
  const dir = mkdtempSync(join(tmpdir(), 'jk-sec-batch-'));
  const cache = DiskCache.open<any>(dir);
  const endpoint = resolveEndpoint(EndpointConfig.parse({ base_url: server.url, model: 'test-model', output_mode: 'json_mode', max_retries: 2 }));
  const engine = new JudgeEngine<number>({ endpoint, env: {}, cache, backoff: fastBackoff, batch_poll_ms: 1, batch_poll_max_ms: 2 });
  const out = await runBatch(engine, [unitN('a'), unitN('b')]);
  engine.close();
  expect(polls).toBe(3);
  expect(out.map((o) => o.status)).toEqual(['api_error', 'api_error']);
  expect(out[0]!.error).toMatch(/could not be polled after 3 attempts.*rerun resumes polling/);
  expect(readdirSync(join(dir, 'batches')).filter((n) => n.endsWith('.json'))).toHaveLength(1);
});
