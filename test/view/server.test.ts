/** The viewer's server: read-only, addressed by its own host name only, strict CSP, bounded parameters. */
import { request } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRunIndex, ViewServer } from '../../src/view/index.ts';
import { PNG_1PX, writeRunFolder } from '../helpers/run-folder.ts';
import { VIEW_JS } from '../../src/view/page.ts';

let server: ViewServer;
let port = 0;
beforeAll(async () => {
  server = new ViewServer({ run: await loadRunIndex(writeRunFolder(mkdtempSync(join(tmpdir(), 'jk-view-srv-')), { items: 3 })), host: '127.0.0.1', port: 0 });
  port = (await server.listen()).port;
});
afterAll(() => server.close());

function get(path: string, opts: { host?: string; method?: string } = {}): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: { host: opts.host ?? `127.0.0.1:${port}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('judgekit view: server', () => {
  it('answers only requests addressed to it (no DNS rebinding)', async () => {
    expect((await get('/api/run', { host: 'evil.example:80' })).status).toBe(421);
    expect((await get('/api/run', { host: `localhost:${port}` })).status).toBe(200);
  });

  it('serves a script that parses (the page is built from a template literal)', () => {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    expect(() => new Function(VIEW_JS)).not.toThrow();
  });

  it('is read-only', async () => {
    expect((await get('/api/rows', { method: 'POST' })).status).toBe(405);
    expect((await get('/api/rows', { method: 'DELETE' })).status).toBe(405);
  });

  it('sends the page with a strict CSP and no inline script', async () => {
    const r = await get('/');
    expect(r.headers['content-security-policy']).toContain("script-src 'self'");
    expect(r.headers['content-security-policy']).toContain("default-src 'none'");
    expect(r.body.toString()).not.toMatch(/<script>(?!<\/script>)|\son[a-z]+=/);
  });

  it('serves an item image through the confined reader, and nothing for rows without one', async () => {
    const rows = JSON.parse((await get('/api/rows?source=judgment&item=q0&limit=1')).body.toString()) as { rows: Array<{ id: number }> };
    const img = await get(`/api/image?id=${rows.rows[0]!.id}`);
    expect(img.status).toBe(200);
    expect(img.headers['content-type']).toBe('image/png');
    expect(img.body.equals(PNG_1PX)).toBe(true);
    const other = JSON.parse((await get('/api/rows?source=judgment&item=q1&limit=1')).body.toString()) as { rows: Array<{ id: number }> };
    expect((await get(`/api/image?id=${other.rows[0]!.id}`)).status).toBe(404);
  });

  it('refuses malformed and oversized paging parameters', async () => {
    expect((await get('/api/rows?limit=100000')).status).toBe(400);
    expect((await get('/api/rows?offset=-1')).status).toBe(400);
    expect((await get('/api/row?id=999999')).status).toBe(404);
    expect((await get('/api/compare')).status).toBe(404);
  });
});
