/**
 * Reading an item's image for an endpoint, confined: an item file is data from elsewhere, and its
 * `image` path must never become a way to send any other file on the machine (a `.env`, a private
 * key, `/etc/passwd`) to a remote endpoint as `data:image/png;base64,…`.
 *
 * An image is read only when
 * - its real path (symlinks resolved) lies inside the real path of the image root,
 * - it is a regular file (not a device such as /dev/zero, not a FIFO, not a directory),
 * - it is at most `maxBytes` long (checked before reading and again while reading, so a file that
 *   grows cannot make the read unbounded), and
 * - its first bytes are those of an image type the chat endpoints accept (PNG, JPEG, WebP, GIF);
 *   the MIME type comes from these bytes, never from the file name.
 * Anything else is a reason, which callers turn into an `invalid_input` unit; nothing of the file
 * is returned.
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from './errors.ts';
import { sha256 } from './hash.ts';
import { isInside } from './paths.ts';

/** The default size cap: 5 MiB (OpenAI's and most vision endpoints' per-image limits are 5–20 MB). */
export const DEFAULT_MAX_IMAGE_BYTES = 5 * 1024 * 1024;

export type ImageMime = 'image/png' | 'image/jpeg' | 'image/webp' | 'image/gif';

export type ImageRead =
  | { ok: true; path: string; mime: ImageMime; sha256: string; bytes: Buffer }
  | { ok: false; reason: string };

/** The image type named by a file's first bytes, or undefined. */
export function sniffImage(head: Buffer): ImageMime | undefined {
  if (head.length >= 8 && head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.length >= 6) {
    const sig = head.subarray(0, 6).toString('latin1');
    if (sig === 'GIF87a' || sig === 'GIF89a') return 'image/gif';
  }
  if (head.length >= 12 && head.subarray(0, 4).toString('latin1') === 'RIFF' && head.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  return undefined;
}

/**
 * Reads `path` (relative to `root`, or absolute) as an image under the rules above. Synchronous on
 * purpose: it is called when a request's messages are built, and it reads at most `maxBytes`.
 */
export function readImage(root: string, path: string, maxBytes: number = DEFAULT_MAX_IMAGE_BYTES): ImageRead {
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    return { ok: false, reason: `image root not found: ${root}` };
  }
  let real: string;
  try {
    real = realpathSync(resolve(root, path));
  } catch {
    return { ok: false, reason: `image file not found: ${path}` };
  }
  if (!isInside(realRoot, real)) return { ok: false, reason: `image path lies outside the image root (${root}): ${path}` };
  let st;
  try {
    st = statSync(real);
  } catch {
    return { ok: false, reason: `image file not found: ${path}` };
  }
  if (!st.isFile()) return { ok: false, reason: `image path is not a regular file: ${path}` };
  if (st.size > maxBytes) return { ok: false, reason: `image file is larger than the cap of ${maxBytes} bytes (${st.size} bytes): ${path}` };
  let fd: number;
  try {
    // O_NONBLOCK: a file swapped for a FIFO between the checks and the open cannot block the run;
    // O_NOFOLLOW: nor can one swapped for a symlink.
    fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch {
    return { ok: false, reason: `image file cannot be opened: ${path}` };
  }
  try {
    const fst = fstatSync(fd);
    if (!fst.isFile()) return { ok: false, reason: `image path is not a regular file: ${path}` };
    // Read at most maxBytes + 1 bytes: one more than the cap tells a file that grew past it.
    const buf = Buffer.allocUnsafe(Math.min(maxBytes + 1, Math.max(fst.size, 0) + 1));
    let n = 0;
    for (;;) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
      if (n === buf.length) break;
    }
    if (n > maxBytes) return { ok: false, reason: `image file is larger than the cap of ${maxBytes} bytes: ${path}` };
    const bytes = buf.subarray(0, n);
    const mime = sniffImage(bytes);
    if (!mime) return { ok: false, reason: `not a PNG, JPEG, WebP or GIF image (by its first bytes): ${path}` };
    return { ok: true, path: real, mime, sha256: sha256(bytes), bytes: Buffer.from(bytes) };
  } catch (err) {
    return { ok: false, reason: `image file cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}): ${path}` };
  } finally {
    closeSync(fd);
  }
}

/** A data URL for an image read by `readImage`. */
export function imageDataUrl(img: { mime: ImageMime; bytes: Buffer }): string {
  return `data:${img.mime};base64,${img.bytes.toString('base64')}`;
}

/** Raised when an image read at planning time is gone or changed when its request is built. */
export class ImageChangedError extends InputError {}

/**
 * The data URL of an image planned earlier (its key holds `sha256`), read again through the same
 * confinement. A file that changed or vanished in between is not sent: the run stops with a clear
 * error instead of sending bytes that were never checked (or judging under a stale key).
 */
export function verifiedImageUrl(root: string, path: string, expectedSha256: string, maxBytes: number = DEFAULT_MAX_IMAGE_BYTES): string {
  const read = readImage(root, path, maxBytes);
  if (!read.ok) throw new ImageChangedError(`image changed during the run and was not sent: ${read.reason}`, { field: 'image' });
  if (read.sha256 !== expectedSha256) throw new ImageChangedError(`image changed during the run and was not sent: ${path}`, { field: 'image' });
  return imageDataUrl(read);
}
