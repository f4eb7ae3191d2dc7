/**
 * A deliberately misbehaving OpenAI-compatible server for the attack tests: each test scripts the
 * raw HTTP answer (drip a body, send HTML, cut the body, send 10 MB, lie about usage or the model).
 * It listens on 127.0.0.1 only and records every request body.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface Seen {
  method: string;
  path: string;
  body: any;
  bytes: number;
}

export type Script = (req: IncomingMessage, res: ServerResponse, seen: Seen) => void | Promise<void>;

export class HostileServer {
  readonly seen: Seen[] = [];
  private readonly sockets = new Set<Socket>();
  private constructor(private readonly server: Server, readonly url: string, public script: Script) {}

  static async start(script: Script): Promise<HostileServer> {
    let self: HostileServer | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        let body: any = raw.toString('utf8');
        try {
          body = JSON.parse(body);
        } catch {
          /* not JSON */
        }
        const seen = { method: req.method ?? '', path: req.url ?? '', body, bytes: raw.length };
        self!.seen.push(seen);
        void Promise.resolve(self!.script(req, res, seen)).catch(() => res.destroy());
      });
    });
    server.on('connection', (s: Socket) => {
      self?.sockets.add(s);
      s.on('close', () => self?.sockets.delete(s));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const addr = server.address() as { port: number };
    self = new HostileServer(server, `http://127.0.0.1:${addr.port}/v1`, script);
    return self;
  }

  chats(): Seen[] {
    return this.seen.filter((s) => s.path.endsWith('/chat/completions'));
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** A well-formed chat completion with this content (and optional usage and model). */
export function completion(content: string, over: { usage?: unknown; model?: string; choices?: unknown } = {}): string {
  return JSON.stringify({
    id: 'cmpl-1',
    object: 'chat.completion',
    created: 0,
    model: over.model ?? 'test-model',
    choices: over.choices ?? [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    ...(over.usage === undefined ? { usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } } : over.usage === null ? {} : { usage: over.usage }),
  });
}

export function sendJson(res: ServerResponse, text: string, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
