// Defends: a key shorter than 4 characters is redacted like any other key.
import { afterEach, expect, it } from 'vitest';
import { HostileServer } from './helpers/hostile-server.ts';
import { engineAt, unitN } from './helpers/engine.ts';

let server: HostileServer | undefined;
afterEach(async () => {
  await server?.close();
});

it('removes a 3-character key echoed by the server from the error', async () => {
  server = await HostileServer.start((req, res) => {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: `bad key ${String(req.headers.authorization)}` } }));
  });
  const [o] = await engineAt(server.url, { api_key_env: 'SHORT_KEY' }, { env: { SHORT_KEY: 'Zq9' } }).run([unitN('a')]);
  expect(o!.status).toBe('api_error');
  expect(o!.error).toContain('Bearer [redacted]');
  expect(o!.error).not.toContain('Zq9');
});
