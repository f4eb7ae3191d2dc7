// Defends: a `retry-after: 86400` fails that unit fast (resumable) instead of stalling every unit.
import { afterEach, expect, it } from 'vitest';
import { completion, HostileServer, sendJson } from './helpers/hostile-server.ts';
import { engineAt, unitN } from './helpers/engine.ts';

let server: HostileServer | undefined;
afterEach(async () => {
  await server?.close();
});

it('fails the unit told to wait a day at once, not cached, while the others go on', async () => {
  server = await HostileServer.start((_req, res, seen) => {
    const text = JSON.stringify(seen.body.messages);
    if (text.includes('slow')) {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '86400' });
      res.end('{"error":{"message":"come back tomorrow"}}');
    } else sendJson(res, completion('{"n": 1}'));
  });
  const t0 = Date.now();
  const out = await engineAt(server.url, { max_retries: 6, concurrency: 2 }).run([unitN('slow'), unitN('a'), unitN('b')]);
  expect(out[0]!.status).toBe('api_error');
  expect(out[0]!.error).toMatch(/asked to wait 86400 s.*rerun resumes/);
  expect(out[0]!.requests).toBe(1);
  expect(out.slice(1).map((o) => o!.status)).toEqual(['ok', 'ok']);
  expect(Date.now() - t0).toBeLessThan(3000);
});
