// Defends: replies are capped relative to max_tokens, and a repair quotes only the validation error.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { completion, HostileServer, sendJson } from './helpers/hostile-server.ts';
import { engineAt, unitN } from './helpers/engine.ts';
import { DiskCache } from '../../src/llm/cache.ts';
import { replyByteCap } from '../../src/llm/guarded-fetch.ts';

let server: HostileServer | undefined;
afterEach(async () => {
  await server?.close();
});

const TEN_MB = 'x'.repeat(10 * 1024 * 1024);

describe('a 10 MB reply', () => {
  it('is refused (api_error, not cached) instead of accepted, cached and sent back by the repairs', async () => {
    server = await HostileServer.start((_req, res) => sendJson(res, completion(TEN_MB)));
    const cache = DiskCache.open<any>(mkdtempSync(join(tmpdir(), 'jk-sec-')));
    const [o] = await engineAt(server.url, { max_tokens: 256 }, { cache }).run([unitN('a')]);
    cache.close();
    expect(o!.status).toBe('api_error');
    expect(o!.error).toMatch(new RegExp(`larger than ${replyByteCap(256)} bytes`));
    expect(o!.raw).toBeNull();
    expect(server.chats()).toHaveLength(1);
    expect(cache.size).toBe(0);
  });

  it('is refused when streamed without a content-length too', async () => {
    server = await HostileServer.start((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(completion(TEN_MB));
    });
    const [o] = await engineAt(server.url, { max_tokens: 256 }).run([unitN('a')]);
    expect(o!.status).toBe('api_error');
    expect(o!.error).toContain('more than max_tokens allows');
  });
});

describe('repairs', () => {
  it('quote only the validation error, never the reply: a big unreadable reply is not sent back', async () => {
    const bad = 'y'.repeat(60_000); // under the cap for max_tokens 1024, unreadable as a verdict
    server = await HostileServer.start((_req, res) => sendJson(res, completion(bad)));
    const [o] = await engineAt(server.url, {}, { max_repairs: 2 }).run([unitN('a')]);
    expect(o!.status).toBe('parse_error');
    const chats = server.chats();
    expect(chats).toHaveLength(3);
    const first = chats[0]!.bytes;
    for (const c of chats.slice(1)) {
      expect(JSON.stringify(c.body.messages)).not.toContain('y'.repeat(100));
      expect(c.bytes).toBeLessThan(first + 1000);
      expect(c.body.messages.at(-1).content).toContain('malformed JSON');
    }
  });
});
