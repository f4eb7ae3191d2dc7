/**
 * What judgekit's local web servers (the run viewer, the annotation app) share: errors that become
 * an HTTP status, the security headers every answer carries (a strict Content-Security-Policy, no
 * caching, no referrer: the annotation links hold tokens), and the Host-header check that refuses
 * requests addressed to another host name (DNS rebinding).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/** An error a request caused: its status and a message for the client. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...SECURITY_HEADERS });
  res.end(JSON.stringify(body));
}

export function sendText(res: ServerResponse, status: number, text: string, type: string): void {
  res.writeHead(status, { 'content-type': type, ...SECURITY_HEADERS });
  res.end(text);
}

/** The Host headers a server listening on `host`:`port` answers (as a URL shows the host). */
export function allowedHosts(host: string, port: number): { shown: string; hosts: Set<string> } {
  const shown = host.includes(':') ? `[${host}]` : host;
  return { shown, hosts: new Set([`${shown}:${port}`, `localhost:${port}`, `127.0.0.1:${port}`]) };
}

/** Bound to a wildcard address any host name may be legitimate; on a specific address, only its own. */
export function checkHost(req: IncomingMessage, listenHost: string, hosts: ReadonlySet<string>): void {
  if (listenHost !== '0.0.0.0' && listenHost !== '::' && !hosts.has(req.headers.host ?? '')) throw new HttpError(421, 'misdirected request');
}

/** The page of a local app (`/`, `/app.js`, `/app.css`, an empty favicon); false for any other path. */
export function servePage(res: ServerResponse, path: string, page: { html: string; js: string; css: string }): boolean {
  switch (path) {
    case '/':
      sendText(res, 200, page.html, 'text/html; charset=utf-8');
      return true;
    case '/app.js':
      sendText(res, 200, page.js, 'text/javascript; charset=utf-8');
      return true;
    case '/app.css':
      sendText(res, 200, page.css, 'text/css; charset=utf-8');
      return true;
    case '/favicon.ico':
      res.writeHead(204, SECURITY_HEADERS);
      res.end();
      return true;
    default:
      return false;
  }
}

/**
 * Starts a local app's HTTP server on `host`:`port` (0: any free port) with the shared error
 * handling: an HttpError becomes its status and message, anything else a 500 (its stack on stderr,
 * never to the client); every request first passes the Host check. Returns the bound port, the
 * host as a URL shows it, and a close that also drops open connections.
 */
export async function startLocalServer(
  name: string,
  host: string,
  port: number,
  handle: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
): Promise<{ port: number; shown: string; close: () => Promise<void> }> {
  let hosts: ReadonlySet<string> = new Set<string>();
  const server = createServer((req, res) => {
    Promise.resolve()
      .then(() => {
        checkHost(req, host, hosts);
        return handle(req, res);
      })
      .catch((err: unknown) => {
        if (!(err instanceof HttpError)) process.stderr.write(`judgekit ${name}: ${(err as Error).stack ?? String(err)}\n`);
        sendJson(res, err instanceof HttpError ? err.status : 500, { error: err instanceof HttpError ? err.message : 'internal error' });
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as { port: number }).port;
  const a = allowedHosts(host, bound);
  hosts = a.hosts;
  return {
    port: bound,
    shown: a.shown,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}
