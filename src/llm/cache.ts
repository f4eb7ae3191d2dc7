import { closeSync, fdatasync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeSync } from 'node:fs';
import { lockFolder, type Lock } from '../io/lock.ts';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * A content-addressed, append-only disk cache of finished units of work.
 *
 * Layout: `<dir>/seg-<time>-<pid>-<rand>.jsonl`, one segment per process that wrote, one line
 * `{"k": key, "v": value}` per entry. Why this shape:
 * - kill -9 safety: a line is handed to the kernel with write(2) (synchronously) before the unit is
 *   reported as done, and a killed process's written bytes survive it. Lines are fdatasync'd in
 *   the background about once a second and on close, which guards against power loss too.
 * - no lost or torn data on load: a torn last line (power loss mid-write) fails JSON.parse and is
 *   skipped; each process appends to its own segment, so concurrent runs never interleave lines.
 * - speed: every segment is read once at open into a Map; a lookup is a Map.get, so a fully cached
 *   rerun is bound by hashing, not by the disk.
 * Keys are hex digests computed by the caller from everything that decides the value; only
 * finished, paid-for outcomes are put (never transient API errors).
 * - one writer per folder: an open cache holds a lock (io/lock.ts) on its folder, so two runs on
 *   one cache do not both pay for the same units; the second is told which process holds it.
 * - a line that is JSON but not an entry, a value the owner's check rejects (`validate`), or a
 *   folder named like a segment is skipped and counted, never a crash on every rerun.
 */
export class DiskCache<V = unknown> {
  private readonly map = new Map<string, V>();
  private fd: number | undefined;
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private lock: Lock | undefined;
  /** Lines that could not be read at load (torn or corrupt), skipped. */
  skipped = 0;
  readonly segment: string;

  private constructor(readonly dir: string) {
    this.segment = join(dir, `seg-${Date.now()}-${process.pid}-${randomBytes(4).toString('hex')}.jsonl`);
  }

  static open<V = unknown>(dir: string): DiskCache<V> {
    const cache = new DiskCache<V>(dir);
    mkdirSync(dir, { recursive: true });
    cache.lock = lockFolder(dir, 'the cache');
    for (const name of readdirSync(dir).sort()) {
      if (!name.startsWith('seg-') || !name.endsWith('.jsonl')) continue;
      cache.load(join(dir, name));
    }
    return cache;
  }

  /** Drops the entries whose value fails the owner's check (counted in `skipped`). */
  validate(isValid: (v: unknown) => boolean): void {
    for (const [k, v] of this.map) {
      if (!isValid(v)) {
        this.map.delete(k);
        this.skipped += 1;
      }
    }
  }

  private load(path: string): void {
    let text: string;
    try {
      if (!statSync(path).isFile()) throw new Error('not a file');
      text = readFileSync(path, 'utf8');
    } catch {
      this.skipped += 1;
      return;
    }
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end === -1) end = text.length;
      if (end > start) {
        try {
          const row = JSON.parse(text.slice(start, end)) as { k?: unknown; v?: unknown } | null;
          if (row !== null && typeof row === 'object' && typeof row.k === 'string' && row.v !== undefined && row.v !== null) this.map.set(row.k, row.v as V);
          else this.skipped += 1;
        } catch {
          this.skipped += 1;
        }
      }
      start = end + 1;
    }
  }

  get size(): number {
    return this.map.size;
  }

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  keys(): IterableIterator<string> {
    return this.map.keys();
  }

  /** Records a finished unit; returns once the line is in the kernel (survives kill -9). */
  put(key: string, value: V): void {
    this.map.set(key, value);
    if (this.fd === undefined) {
      this.lock ??= lockFolder(this.dir, 'the cache');
      this.fd = openSync(this.segment, 'a');
      this.timer = setInterval(() => this.flushSoon(), 1000);
      this.timer.unref();
    }
    const buf = Buffer.from(JSON.stringify({ k: key, v: value }) + '\n', 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    this.dirty = true;
  }

  private flushSoon(): void {
    if (!this.dirty || this.fd === undefined) return;
    this.dirty = false;
    fdatasync(this.fd, () => undefined);
  }

  /** Flushes to disk and closes the segment. The cache stays readable. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.fd !== undefined) {
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = undefined;
    }
    this.lock?.release();
    this.lock = undefined;
  }
}
