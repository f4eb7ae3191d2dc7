/**
 * The labelling app's server: a small JSON API (for the page, scripts and checks) and the page
 * itself. It listens on 127.0.0.1 unless told otherwise, answers only requests addressed to the
 * host it listens on (no DNS rebinding), and sends the page with a strict Content-Security-Policy;
 * the page writes every text with textContent, so nothing in an item or an answer is markup.
 * Model names never leave it: units are opaque ids, answers are slots A and B.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname } from 'node:path';
import { readImage } from '../io/image.ts';
import type { Item } from '../schema/item.ts';
import type { Response } from '../schema/response.ts';
import type { Rubric } from '../schema/rubric.ts';
import { criterionScale } from '../judges/rubric.ts';
import type { LoadedPlan } from './plan.ts';
import { APP_CSS, APP_HTML, APP_JS } from './page.ts';
import { raterToken, tokenMatches, type LabelStore, type LabelValue } from './store.ts';
import { HttpError, sendJson, servePage, startLocalServer } from '../io/local-server.ts';

export interface AnnotateServerOptions {
  plan: LoadedPlan;
  items: Map<string, Item>;
  responses: Response[];
  rubric?: Rubric;
  store: LabelStore;
  secret: string;
  host: string;
  port: number;
}

interface Dimension {
  key: string;
  name: string;
  description?: string;
  /** Rubric scoring: the scale and the anchors shown beside it. */
  min?: number;
  max?: number;
  anchors?: Record<string, string>;
}

const MAX_BODY = 64 * 1024;


export class AnnotateServer {
  private closeServer: (() => Promise<void>) | undefined;
  private readonly answers = new Map<string, string>();
  private readonly dimensions: Dimension[];

  constructor(private readonly o: AnnotateServerOptions) {
    for (const r of o.responses) this.answers.set(`${r.item_id}\u0000${r.model}`, r.output);
    if (o.plan.plan.task === 'rubric') {
      const rb = o.rubric!;
      this.dimensions = rb.criteria.map((c) => {
        const s = criterionScale(rb, c);
        return { key: c.key, name: c.name, description: c.description, min: s.min, max: s.max, anchors: c.anchors };
      });
    } else {
      this.dimensions = (o.plan.plan.dimensions ?? ['overall']).map((d) => ({ key: d, name: d.replace(/_/g, ' ') }));
    }
  }

  async listen(): Promise<{ port: number; urls: Array<{ rater: string; url: string }> }> {
    const started = await startLocalServer('annotate', this.o.host, this.o.port, (req, res) => this.handle(req, res));
    this.closeServer = started.close;
    const { port, shown } = started;
    const urls = this.o.plan.plan.raters.map((rater) => ({ rater, url: `http://${shown}:${port}/?rater=${encodeURIComponent(rater)}&token=${raterToken(this.o.secret, rater)}` }));
    return { port, urls };
  }

  async close(): Promise<void> {
    await this.closeServer?.();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET' && servePage(res, url.pathname, { html: APP_HTML, js: APP_JS, css: APP_CSS })) return;
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case 'GET /api/next': {
        const rater = this.auth(url.searchParams.get('rater'), url.searchParams.get('token'));
        return sendJson(res, 200, this.nextFor(rater));
      }
      case 'GET /api/image': {
        const rater = this.auth(url.searchParams.get('rater'), url.searchParams.get('token'));
        const unitId = url.searchParams.get('unit') ?? '';
        if (!this.o.store.assignment(rater, unitId)) throw new HttpError(409, 'this unit is not assigned to this rater');
        const item = this.o.items.get(this.o.store.unit(unitId)!.item_id)!;
        if (item.image === undefined) throw new HttpError(404, 'this item has no image');
        const img = readImage(dirname(this.o.plan.files.items), item.image);
        if (!img.ok) throw new HttpError(404, 'the image cannot be shown');
        res.writeHead(200, { 'content-type': img.mime, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
        res.end(img.bytes);
        return;
      }
      case 'GET /api/progress': {
        const rater = this.auth(url.searchParams.get('rater'), url.searchParams.get('token'));
        const p = this.o.store.progress().find((x) => x.rater === rater)!;
        return sendJson(res, 200, { assigned: p.assigned, labelled: p.labelled, skipped: p.skipped, remaining: p.remaining });
      }
      case 'POST /api/label': {
        const body = await readBody(req);
        const rater = this.auth(body.rater, body.token);
        const unit = this.assigned(rater, body.unit);
        if (this.o.store.isDone(rater, unit)) throw new HttpError(409, 'this unit is already labelled (or skipped) by this rater; undo it first');
        const labels = this.validLabels(body.labels);
        const ms = typeof body.ms === 'number' && Number.isFinite(body.ms) && body.ms >= 0 && body.ms < 864e5 ? Math.round(body.ms) : null;
        await this.o.store.label(rater, unit, labels, ms);
        return sendJson(res, 200, { ok: true });
      }
      case 'POST /api/skip': {
        const body = await readBody(req);
        const rater = this.auth(body.rater, body.token);
        const unit = this.assigned(rater, body.unit);
        if (this.o.store.isDone(rater, unit)) throw new HttpError(409, 'this unit is already labelled (or skipped) by this rater');
        const reason = typeof body.reason === 'string' ? body.reason.trim().slice(0, 500) : '';
        if (!reason) throw new HttpError(400, 'a skip needs a reason');
        await this.o.store.skip(rater, unit, reason);
        return sendJson(res, 200, { ok: true });
      }
      case 'POST /api/undo': {
        const body = await readBody(req);
        const rater = this.auth(body.rater, body.token);
        const unit = await this.o.store.undo(rater);
        if (unit === undefined) throw new HttpError(409, 'nothing to undo');
        return sendJson(res, 200, { ok: true, unit });
      }
      default:
        throw new HttpError(404, 'not found');
    }
  }

  private auth(rater: unknown, token: unknown): string {
    if (typeof rater !== 'string' || !this.o.store.hasRater(rater) || !tokenMatches(this.o.secret, rater, token)) throw new HttpError(403, 'unknown rater or wrong token');
    return rater;
  }

  private assigned(rater: string, unit: unknown): string {
    if (typeof unit !== 'string' || !this.o.store.assignment(rater, unit)) throw new HttpError(409, 'this unit is not assigned to this rater');
    return unit;
  }

  private validLabels(raw: unknown): Record<string, LabelValue> {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new HttpError(400, 'labels must be an object: {DIMENSION: VALUE}');
    const labels = raw as Record<string, unknown>;
    const out: Record<string, LabelValue> = Object.create(null) as Record<string, LabelValue>;
    for (const k of Object.keys(labels)) {
      if (!this.dimensions.some((d) => d.key === k)) throw new HttpError(400, `unknown dimension "${k.slice(0, 64)}"`);
    }
    for (const d of this.dimensions) {
      const v = labels[d.key];
      if (this.o.plan.plan.task === 'pairwise') {
        if (v !== 'A' && v !== 'B' && v !== 'tie') throw new HttpError(400, `dimension "${d.key}" takes A, B or tie`);
        out[d.key] = v;
      } else {
        if (typeof v !== 'number' || !Number.isInteger(v) || v < d.min! || v > d.max!) throw new HttpError(400, `dimension "${d.key}" takes a whole score from ${d.min} to ${d.max}`);
        out[d.key] = v;
      }
    }
    return { ...out };
  }

  private nextFor(rater: string): unknown {
    const n = this.o.store.next(rater);
    if (!n) return { done: true };
    const item = this.o.items.get(n.unit.item_id)!;
    const text = (model: string) => this.answers.get(`${n.unit.item_id}\u0000${model}`) ?? '';
    const answers =
      this.o.plan.plan.task === 'pairwise'
        ? (n.assignment.flipped ? [n.unit.model_b!, n.unit.model_a] : [n.unit.model_a, n.unit.model_b!]).map((m, i) => ({ slot: i === 0 ? 'A' : 'B', text: text(m) }))
        : [{ slot: 'A', text: text(n.unit.model_a) }];
    return {
      unit: n.unit.id,
      task: this.o.plan.plan.task,
      title: this.o.plan.plan.title ?? null,
      question: item.question,
      ...(item.options ? { options: item.options } : {}),
      reference: this.o.plan.plan.show_reference ? (item.reference ?? (item.answer && item.options ? `${item.answer}. ${item.options[item.answer]}` : null)) : null,
      image: item.image !== undefined,
      answers,
      dimensions: this.dimensions,
      position: n.position,
      total: n.total,
    };
  }
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) throw new HttpError(415, 'send JSON (content-type: application/json)');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, 'request body too large');
    chunks.push(c as Buffer);
  }
  try {
    const v = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
    return v as Record<string, unknown>;
  } catch {
    throw new HttpError(400, 'the body is not a JSON object');
  }
}
