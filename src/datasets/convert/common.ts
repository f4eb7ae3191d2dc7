/** What a converter gets: the dataset's verified files, read by their mirror path. */
export interface SourceFiles {
  /** Mirror paths of the pinned files, in pin order. */
  paths: readonly string[];
  read(path: string): Promise<Buffer>;
}

/** A converter's result: output files (path relative to the dataset folder → text) and what it checked. */
export interface Conversion {
  files: Map<string, string>;
  notes: string[];
}

export class ConversionError extends Error {
  constructor(dataset: string, message: string) {
    super(`${dataset}: ${message}`);
    this.name = 'ConversionError';
  }
}

export type Check = (cond: boolean, msg: string) => asserts cond;

/** An assertion that fails with a ConversionError naming the dataset. */
export function checker(dataset: string): Check {
  return (cond, msg) => {
    if (!cond) throw new ConversionError(dataset, msg);
  };
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV from a header and row objects (RFC 4180 quoting, "\n" line ends). */
export function csvFromObjects(header: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const lines = [header.join(',')];
  for (const r of rows) lines.push(header.map((h) => csvCell(r[h])).join(','));
  return lines.join('\n') + '\n';
}

export const jsonl = (rows: readonly unknown[]): string => (rows.length ? rows.map((r) => JSON.stringify(r)).join('\n') + '\n' : '');

export async function readJson(src: SourceFiles, path: string): Promise<unknown> {
  return JSON.parse((await src.read(path)).toString('utf8'));
}

export async function readJsonl(src: SourceFiles, path: string): Promise<Record<string, unknown>[]> {
  return (await src.read(path))
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
