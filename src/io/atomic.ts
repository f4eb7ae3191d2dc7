import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

let counter = 0;
function tmpName(path: string): string {
  counter += 1;
  return `${path}.${process.pid}.${counter}.tmp`;
}

/** Writes a whole file through a temporary file and a rename: readers never see half a file. */
export async function writeFileAtomic(path: string, data: string | Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = tmpName(path);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

export async function writeJsonlAtomic(path: string, rows: Iterable<unknown>): Promise<void> {
  const parts: string[] = [];
  for (const r of rows) parts.push(JSON.stringify(r));
  await writeFileAtomic(path, parts.length ? parts.join('\n') + '\n' : '');
}

/**
 * A JSONL file written row by row to a temporary file and renamed into place on `commit()`;
 * `abort()` removes the temporary file. For ledgers too large to hold as one string.
 */
export class AtomicJsonlWriter {
  private readonly tmp: string;
  private readonly stream: WriteStream;
  private closed = false;

  private constructor(readonly path: string) {
    this.tmp = tmpName(path);
    this.stream = createWriteStream(this.tmp);
  }

  static async open(path: string): Promise<AtomicJsonlWriter> {
    await mkdir(dirname(path), { recursive: true });
    return new AtomicJsonlWriter(path);
  }

  write(row: unknown): void {
    if (!this.stream.write(JSON.stringify(row) + '\n')) {
      // Backpressure is handled by the stream's buffer; callers that write millions of rows
      // should await drain(). Ledgers here are modest.
    }
  }

  async drain(): Promise<void> {
    if (this.stream.writableNeedDrain) await new Promise<void>((r) => this.stream.once('drain', () => r()));
  }

  async commit(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve, reject) => this.stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
    await rename(this.tmp, this.path);
  }

  async abort(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve) => this.stream.end(() => resolve()));
    await rm(this.tmp, { force: true });
  }
}
