/**
 * The run viewer's server: read-only, GET only. It listens on 127.0.0.1 unless told otherwise,
 * answers only requests addressed to the host it listens on (no DNS rebinding), sends the page with
 * a strict Content-Security-Policy, and filters and pages on the server, so a run of 100,000
 * judgments sends the browser one page at a time. Images are read through the confined image
 * reader, relative to the stage's image root, never from a path given in a request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readImage } from '../io/image.ts';
import { compareRuns, disagreements, drill, facets, FILTERS, imageRootOf, itemOf, queryRows, type Filter } from './query.ts';
import type { RunIndex } from './run-index.ts';
import { VIEW_CSS, VIEW_HTML, VIEW_JS } from './page.ts';
import { HttpError, SECURITY_HEADERS, sendJson, servePage, startLocalServer } from '../io/local-server.ts';

export interface ViewServerOptions {
  run: RunIndex;
  compare?: RunIndex;
  host: string;
  port: number;
}


const MAX_LIMIT = 500;

export class ViewServer {
  private closeServer: (() => Promise<void>) | undefined;
  // Computed once: both walk every row, and the page asks for them on every load.
  private facetCache: ReturnType<typeof facets> | undefined;
  private disagreementCache: ReturnType<typeof disagreements> | undefined;
  private compareCache: ReturnType<typeof compareRuns> | undefined;

  constructor(private readonly o: ViewServerOptions) {}

  async listen(): Promise<{ port: number; url: string }> {
    const started = await startLocalServer('view', this.o.host, this.o.port, (req, res) => this.handle(req, res));
    this.closeServer = started.close;
    const { port, shown } = started;
    return { port, url: `http://${shown}:${port}/` };
  }

  async close(): Promise<void> {
    await this.closeServer?.();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'the viewer is read-only');
    const url = new URL(req.url ?? '/', 'http://x');
    const q = url.searchParams;
    const run = this.o.run;
    if (servePage(res, url.pathname, { html: VIEW_HTML, js: VIEW_JS, css: VIEW_CSS })) return;
    switch (url.pathname) {
      case '/api/run':
        return sendJson(res, 200, {
          run_id: run.manifest.run_id,
          experiment: run.manifest.experiment,
          finished_at: run.manifest.finished_at,
          rows: run.rows.length,
          stages: Object.entries(run.manifest.stages).map(([name, s]) => ({ name, kind: s.kind, status: s.status, counts: s.counts })),
          notes: run.notes,
          compare: this.o.compare ? { run_id: this.o.compare.manifest.run_id, experiment: this.o.compare.manifest.experiment } : null,
        });
      case '/api/facets':
        return sendJson(res, 200, (this.facetCache ??= facets(run)));
      case '/api/rows': {
        const f: Filter = {};
        for (const k of FILTERS) {
          const v = q.get(k);
          if (v) f[k] = v;
        }
        return sendJson(res, 200, queryRows(run, f, intParam(q.get('offset'), 0, 0, Number.MAX_SAFE_INTEGER), intParam(q.get('limit'), 50, 1, MAX_LIMIT)));
      }
      case '/api/row': {
        const d = drill(run, intParam(q.get('id'), -1, 0, Number.MAX_SAFE_INTEGER));
        if (!d) throw new HttpError(404, 'no such row');
        return sendJson(res, 200, d);
      }
      case '/api/image': {
        const r = run.rows[intParam(q.get('id'), -1, 0, Number.MAX_SAFE_INTEGER)];
        const item = r ? itemOf(run, r) : undefined;
        const root = r ? imageRootOf(run, r) : undefined;
        if (!r || !item || typeof item.image !== 'string' || !root) throw new HttpError(404, 'this row has no image');
        const img = readImage(root, item.image);
        if (!img.ok) throw new HttpError(404, 'the image cannot be shown');
        res.writeHead(200, { 'content-type': img.mime, ...SECURITY_HEADERS });
        res.end(img.bytes);
        return;
      }
      case '/api/disagreements':
        return sendJson(res, 200, (this.disagreementCache ??= disagreements(run)));
      case '/api/compare':
        if (!this.o.compare) throw new HttpError(404, 'start the viewer with --compare OTHER_RUN_DIR');
        return sendJson(res, 200, (this.compareCache ??= compareRuns(this.o.compare, run)));
      default:
        throw new HttpError(404, 'not found');
    }
  }
}

function intParam(v: string | null, dflt: number, min: number, max: number): number {
  if (v === null || v === '') return dflt;
  if (!/^\d+$/.test(v)) throw new HttpError(400, 'a number parameter takes digits only');
  const n = Number(v);
  if (n < min || n > max) throw new HttpError(400, `a number parameter is out of range (${min}–${max})`);
  return n;
}
