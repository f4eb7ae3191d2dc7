// Defends: a key shorter than 4 characters is redacted like any other key.
import { afterEach, expect, it } from 'vitest';
import { HostileServer } from './helpers/hostile-server.ts';
import { engineAt, unitN } from './helpers/engine.ts';

let server: HostileServer | undefined;
afterEach(async () => {
  await server?.close();
});

function echoingServer(status: number): Promise<HostileServer> {
  return HostileServer.start((req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: `bad request with key ${String(req.headers.authorization)}` } }));
  });
}

it('removes a 3-character key echoed by the server from a unit error', async () => {
  server = await echoingServer(400);
  const [o] = await engineAt(server.url, { api_key_env: 'SHORT_KEY' }, { env: { SHORT_KEY: 'Zq9' } }).run([unitN('a')]);
  expect(o!.status).toBe('api_error');
  expect(o!.error).toContain('Bearer [redacted]');
  expect(o!.error).not.toContain('Zq9');
});

it('removes it from the preflight error that stops a stage on a rejected key', async () => {
  server = await echoingServer(401);
  const err = await engineAt(server.url, { api_key_env: 'SHORT_KEY' }, { env: { SHORT_KEY: 'Zq9' } }).run([unitN('a')]).catch((e: unknown) => e);
  expect((err as Error).message).toContain('Bearer [redacted]');
  expect((err as Error).message).not.toContain('Zq9');
});
