import { loadRunIndex } from './run-index.ts';
import { ViewServer } from './server.ts';

export { loadRunIndex, type RunIndex, type ViewRow } from './run-index.ts';
export { compareRuns, disagreements, drill, facets, queryRows, type Filter } from './query.ts';
export { ViewServer } from './server.ts';
export { ledgerSample, VIEW_DEFAULT_PORT, type LedgerSample } from './sample.ts';

/** Loads a run folder (and the run it is compared with) and serves the viewer over them. */
export async function serveView(runDir: string, opts: { host: string; port: number; compare?: string }): Promise<{ server: ViewServer; url: string; rows: number }> {
  const run = await loadRunIndex(runDir);
  const compare = opts.compare !== undefined ? await loadRunIndex(opts.compare) : undefined;
  const server = new ViewServer({ run, ...(compare ? { compare } : {}), host: opts.host, port: opts.port });
  const { url } = await server.listen();
  return { server, url, rows: run.rows.length };
}
