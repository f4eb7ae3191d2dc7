// Defends: --timeout-ms bounds the whole request, body included; then the bounded retry policy.
import { afterEach, describe, expect, it } from 'vitest';
import { HostileServer } from './helpers/hostile-server.ts';
import { engineAt, unitN } from './helpers/engine.ts';
import { EndpointConfig } from '../../src/schema/endpoint.ts';
import { endpointFromOptions } from '../../src/cli/endpoint-options.ts';

let server: HostileServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Headers at once, then one byte of the body every 50 ms, forever: the attack of the audit. */
async function drippingServer(): Promise<HostileServer> {
  return HostileServer.start((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"');
    const t = setInterval(() => {
      if (res.destroyed || res.writableEnded) return clearInterval(t);
      res.write(' ');
    }, 50);
    res.on('close', () => clearInterval(t));
  });
}

describe('a server that drips its body', () => {
  it('ends the unit as api_error once timeout_ms has passed, although headers came at once', async () => {
    server = await drippingServer();
    const t0 = Date.now();
    const [o] = await engineAt(server.url, { timeout_ms: 400, max_retries: 0 }).run([unitN('a')]);
    expect(o!.status).toBe('api_error');
    expect(o!.error).toMatch(/timed out after 400 ms.*body included/);
    expect(o!.requests).toBe(1);
    // Bounded by the deadline (the audit saw 202 s for a 3 s timeout); the margin is generous, not a benchmark.
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it('retries a timed-out request within max_retries, and no more', async () => {
    server = await drippingServer();
    const [o] = await engineAt(server.url, { timeout_ms: 200, max_retries: 2 }).run([unitN('a')]);
    expect(o!.status).toBe('api_error');
    expect(o!.requests).toBe(3);
    expect(server.chats()).toHaveLength(3);
    expect(o!.error).toContain('after 2 retries');
  });
});

describe('timeout values the timer cannot hold', () => {
  it('rejects a timeout above 2^31-1 ms (setTimeout would fire at once) in config and on the command line', () => {
    expect(EndpointConfig.safeParse({ model: 'm', timeout_ms: 2 ** 31 - 1 }).success).toBe(true);
    expect(EndpointConfig.safeParse({ model: 'm', timeout_ms: 2 ** 31 }).success).toBe(false);
    expect(() => endpointFromOptions({ model: 'm', timeoutMs: String(2 ** 31) })).toThrow(/--timeout-ms.*2147483647/);
  });
});
