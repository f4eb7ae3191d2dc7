import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InputError } from '../io/errors.ts';
import { hashFile } from '../io/hash.ts';
import type { PinnedFile } from './registry.ts';

export type Progress = (bytes: number) => void;

const size = async (path: string): Promise<number | undefined> => (await stat(path).catch(() => undefined))?.size;

/** True when the file at `path` is exactly the pinned file (size, then SHA-256). */
export async function matchesPin(path: string, pin: PinnedFile): Promise<boolean> {
  if ((await size(path)) !== pin.bytes) return false;
  return (await hashFile(path)).sha256 === pin.sha256;
}

/**
 * Downloads one pinned file to `path`, resuming a partial `<path>.part` with an HTTP Range request
 * (a server that ignores Range sends the whole file again, and the part is restarted). The file
 * only gets its final name once its SHA-256 matches the pin; a mismatch deletes the part and is
 * an error, so a corrupt or changed upstream file is never used or kept.
 */
export async function downloadPinned(url: string, path: string, pin: PinnedFile, onBytes: Progress): Promise<void> {
  if (await matchesPin(path, pin)) {
    onBytes(pin.bytes);
    return;
  }
  await mkdir(dirname(path), { recursive: true });
  const part = `${path}.part`;
  let have = (await size(part)) ?? 0;
  if (have > pin.bytes) {
    await rm(part, { force: true });
    have = 0;
  }
  if (have < pin.bytes) {
    const res = await fetch(url, { headers: have > 0 ? { Range: `bytes=${have}-` } : {}, signal: AbortSignal.timeout(300_000) }).catch((err: Error) => {
      throw new InputError(`cannot download ${url}: ${err.message} (an interrupted download resumes on the next get; offline, use --mirror DIR)`);
    });
    if (res.status === 416 && have > 0) await res.body?.cancel();
    else {
      if (!(res.ok && res.body)) throw new InputError(`cannot download ${url}: HTTP ${res.status}`);
      const append = res.status === 206 && have > 0;
      if (!append) have = 0;
      onBytes(have);
      const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
      body.on('data', (chunk: Buffer) => onBytes(chunk.length));
      await pipeline(body, createWriteStream(part, { flags: append ? 'a' : 'w' }));
    }
  } else onBytes(have);
  if (!(await matchesPin(part, pin))) {
    const got = await hashFile(part);
    await rm(part, { force: true });
    throw new InputError(`${url}: SHA-256 ${got.sha256} (${got.bytes} bytes) does not match the pinned ${pin.sha256} (${pin.bytes} bytes); the download was deleted and nothing was converted`);
  }
  await rename(part, path);
}
