// Defends: identical units in one run are paid once, not once per copy.
import { afterEach, expect, it } from 'vitest';
import { completion, HostileServer, sendJson } from './helpers/hostile-server.ts';
import { engineAt, unitN } from './helpers/engine.ts';

let server: HostileServer | undefined;
afterEach(async () => {
  await server?.close();
});

it('sends one request per distinct key when 30 units carry 10 keys, and gives every copy the outcome', async () => {
  server = await HostileServer.start((_req, res) => void setTimeout(() => sendJson(res, completion('{"n": 3}')), 20));
  const units = Array.from({ length: 30 }, (_, i) => unitN(`k${i % 10}`));
  const seen: number[] = [];
  const out = await engineAt(server.url, { concurrency: 8 }).run(units, { onUnit: (_o, i) => seen.push(i) });
  expect(server.chats()).toHaveLength(10);
  expect(out.every((o) => o.status === 'ok' && o.value === 3)).toBe(true);
  expect(seen.sort((a, b) => a - b)).toEqual(units.map((_, i) => i));
  // Paid once: the 10 first copies carry the requests and cost, the 20 others none.
  expect(out.reduce((s, o) => s + o.requests, 0)).toBe(10);
  expect(out.filter((o) => o.cached)).toHaveLength(20);
});
