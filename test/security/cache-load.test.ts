// Defends: one JSON-valid but wrong cache line, or a folder named like a segment, no longer crashes
// every rerun: it is skipped and counted, and the unit is run again.
import { afterEach, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { completion, HostileServer, sendJson } from './helpers/hostile-server.ts';
import { engineAt, unitN } from './helpers/engine.ts';
import { DiskCache } from '../../src/llm/cache.ts';

let server: HostileServer | undefined;
afterEach(async () => {
  await server?.close();
});

it('skips null lines, entries without a value, values of the wrong shape and a segment that is a folder', async () => {
  server = await HostileServer.start((_req, res) => sendJson(res, completion('{"n": 4}')));
  const dir = mkdtempSync(join(tmpdir(), 'jk-sec-cache-'));
  const a = unitN('a').key;
  const good = { status: 'ok', value: 9, method: 'json', raw: '{"n": 9}', tokens: { input: 1, output: 1 }, cost_usd: 0, latency_ms: 1, requests: 1, repairs: 0 };
  writeFileSync(
    join(dir, 'seg-1-1-aaaa.jsonl'),
    [
      'null',
      '[]',
      JSON.stringify({ k: 'no-value' }),
      JSON.stringify({ k: a, v: 1 }), // JSON-valid, wrong shape: used to crash or be served as a verdict
      JSON.stringify({ k: 'b', v: { ...good, status: 'bogus' } }),
      JSON.stringify({ k: 'c', v: { ...good, tokens: { input: -5, output: 1 } } }),
      JSON.stringify({ k: 'd', v: good }),
    ].join('\n') + '\n',
  );
  mkdirSync(join(dir, 'seg-2-2-bbbb.jsonl'));
  const cache = DiskCache.open<any>(dir);
  const e = engineAt(server.url, {}, { cache });
  expect(cache.skipped).toBe(7);
  expect(cache.size).toBe(1);
  const out = await e.run([unitN('a'), { ...unitN('d'), key: 'd' }]);
  e.close();
  expect(out[0]).toMatchObject({ status: 'ok', value: 4, cached: false });
  expect(out[1]).toMatchObject({ status: 'ok', value: 9, cached: true });
  expect(server.chats()).toHaveLength(1);
});
