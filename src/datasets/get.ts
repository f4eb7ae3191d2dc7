import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import pLimit from 'p-limit';
import { z } from 'zod';
import { writeFileAtomic, writeJsonAtomic } from '../io/atomic.ts';
import { InputError } from '../io/errors.ts';
import { hashFile, hashValue, sha256 } from '../io/hash.ts';
import { VERSION } from '../version.ts';
import { ConversionError, type Conversion, type SourceFiles } from './convert/common.ts';
import { convertKqa } from './convert/kqa.ts';
import { convertLlmbar } from './convert/llmbar.ts';
import { convertPandalm } from './convert/pandalm.ts';
import { convertSottana } from './convert/sottana.ts';
import { downloadPinned, matchesPin } from './download.ts';
import { DATASETS, fileUrl, findDataset, PinnedFile, pinnedFiles, type DatasetSpec } from './registry.ts';

/** Where `datasets get` puts datasets unless told otherwise: `./datasets` in the working folder (the experiments refer to it). */
export const DEFAULT_DATASETS_DIR = 'datasets';

/** Bumped when a converter's output changes, so an older conversion is redone. */
const CONVERTERS: Record<string, { version: number; convert: (src: SourceFiles) => Promise<Conversion> }> = {
  pandalm: { version: 1, convert: convertPandalm },
  llmbar: { version: 1, convert: convertLlmbar },
  kqa: { version: 1, convert: convertKqa },
  sottana: { version: 1, convert: convertSottana },
};

export const DatasetManifest = z.object({
  dataset: z.string(),
  synthetic: z.literal(false),
  title: z.string(),
  origin: z.object({ repository: z.string(), commit: z.string(), date: z.string(), raw_base: z.string() }),
  license: z.string(),
  terms: z.string(),
  citation: z.string(),
  /** `download` or `mirror:<folder>`. */
  source: z.string(),
  pins_sha256: z.string(),
  inputs: z.array(PinnedFile),
  converter: z.object({ name: z.string(), version: z.number().int(), judgekit: z.string() }),
  conversion: z.array(z.string()),
  outputs: z.array(z.object({ path: z.string(), sha256: z.string(), bytes: z.number().int(), holds: z.string() })),
  created_at: z.string(),
});
export type DatasetManifest = z.infer<typeof DatasetManifest>;

export interface GetOptions {
  /** The datasets folder; the dataset goes to `<dir>/<name>/`. */
  dir: string;
  /** A local folder laid out as the mirror (`<mirror>/<mirror_folder>/<path>`) instead of the network. */
  mirror?: string;
  /** Replaces the origin's raw-file base URL (tests serve the files from 127.0.0.1). */
  baseUrl?: string;
  /** Progress lines (to stderr in the CLI). */
  log?: (line: string) => void;
  /** Bytes received so far out of the total (downloads only). */
  progress?: (done: number, total: number) => void;
}

export interface GetResult {
  dataset: string;
  status: 'present' | 'converted';
  dir: string;
  files: string[];
}

/** Waits for every task (none keeps writing after we report), then throws the first failure. */
async function settleAll(tasks: Promise<void>[]): Promise<void> {
  const failed = (await Promise.allSettled(tasks)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

const pinsHash = (pins: readonly PinnedFile[]): string => hashValue(pins);

/** The manifest of a present, complete conversion with the current pins and converter, else undefined. */
export async function presentManifest(target: string, spec: DatasetSpec): Promise<DatasetManifest | undefined> {
  const path = join(target, 'manifest.json');
  if (!existsSync(path)) return undefined;
  const parsed = DatasetManifest.safeParse(JSON.parse(await readFile(path, 'utf8').catch(() => 'null')) as unknown);
  if (!parsed.success) return undefined;
  const m = parsed.data;
  if (m.pins_sha256 !== pinsHash(pinnedFiles(spec.name)) || m.converter.version !== CONVERTERS[spec.name]!.version) return undefined;
  for (const o of m.outputs) {
    const h = await hashFile(join(target, o.path)).catch(() => undefined);
    if (h?.sha256 !== o.sha256) return undefined;
  }
  return m;
}

export function knownDataset(name: string): DatasetSpec {
  const spec = findDataset(name);
  if (!spec) throw new InputError(`unknown dataset "${name}" (known: ${DATASETS.map((d) => d.name).join(', ')})`);
  return spec;
}

/** Verified sources: every pinned file checked (mirror) or downloaded and checked (network) before any conversion. */
async function verifiedSources(spec: DatasetSpec, opts: GetOptions): Promise<{ src: SourceFiles; source: string }> {
  const pins = pinnedFiles(spec.name);
  if (opts.mirror !== undefined) {
    const root = resolve(opts.mirror, spec.mirror_folder);
    if (!existsSync(root)) throw new InputError(`the mirror has no folder ${spec.mirror_folder}/ for dataset ${spec.name}`, { file: root });
    const limit = pLimit(4);
    await Promise.all(
      pins.map((f) =>
        limit(async () => {
          const path = join(root, f.path);
          if (!existsSync(path)) throw new InputError(`missing from the mirror (dataset ${spec.name})`, { file: path });
          if (!(await matchesPin(path, f))) throw new InputError(`SHA-256 does not match the pinned ${f.sha256} (${f.bytes} bytes) of ${spec.name}; nothing was converted`, { file: path });
        }),
      ),
    );
    return { src: { paths: pins.map((f) => f.path), read: (p) => readFile(join(root, p)) }, source: `mirror:${root}` };
  }
  const cache = join(opts.dir, '.downloads', spec.name);
  const total = pins.reduce((s, f) => s + f.bytes, 0);
  let done = 0;
  const base = opts.baseUrl ?? spec.origin.raw_base;
  opts.log?.(`${spec.name}: ${pins.length} files, ${(total / 1e6).toFixed(1)} MB from ${base}`);
  const limit = pLimit(6);
  await settleAll(
    pins.map((f) =>
      limit(() =>
        downloadPinned(fileUrl({ ...spec, origin: { ...spec.origin, raw_base: base } }, f), join(cache, f.path), f, (n) => {
          done += n;
          opts.progress?.(done, total);
        }),
      ),
    ),
  );
  return { src: { paths: pins.map((f) => f.path), read: (p) => readFile(join(cache, p)) }, source: 'download' };
}

function readme(spec: DatasetSpec, m: DatasetManifest): string {
  const lines = [
    `# ${spec.title}`,
    '',
    `Converted by judgekit ${m.converter.judgekit} (\`judgekit datasets get ${spec.name}\`) from ${spec.origin.repository} at commit \`${spec.origin.commit}\` (${spec.origin.date}).`,
    'Not part of judgekit and not redistributed by it: these files were made on this machine from the pinned upstream files listed in `manifest.json` (each checked against its SHA-256).',
    '',
    `- License: ${spec.license}. ${spec.terms}`,
    `- Cite: ${spec.citation}`,
    `- Upstream files: ${spec.contents}`,
    '',
    '## Files',
    ...Object.entries(spec.outputs).map(([p, d]) => `- \`${p}\`: ${d}`),
    '',
    '## Conversion',
    ...m.conversion.map((n) => `- ${n}`),
    '',
    '## Published numbers it reproduces',
    ...spec.published.map((p) => `- ${p.what}: ${p.value} (${p.source})`),
    '',
  ];
  return lines.join('\n');
}

/**
 * Fetches (or reads from a mirror), verifies and converts one dataset into `<dir>/<name>/`. A
 * present conversion with the same pins and converter is left alone. The conversion is written
 * to a temporary folder and renamed into place, so a failed or interrupted get leaves no
 * half-written dataset; a hash mismatch stops before anything is converted.
 */
export async function getDataset(name: string, opts: GetOptions): Promise<GetResult> {
  const spec = knownDataset(name);
  const dir = resolve(opts.dir);
  const target = join(dir, spec.name);
  const present = await presentManifest(target, spec);
  if (present) return { dataset: spec.name, status: 'present', dir: target, files: present.outputs.map((o) => o.path) };

  const { src, source } = await verifiedSources(spec, { ...opts, dir });
  const conv = CONVERTERS[spec.name]!;
  let result: Conversion;
  try {
    result = await conv.convert(src);
  } catch (err) {
    if (err instanceof ConversionError) throw new InputError(`conversion failed: ${err.message}`);
    throw err;
  }
  const pins = pinnedFiles(spec.name);
  const manifest: DatasetManifest = {
    dataset: spec.name,
    synthetic: false,
    title: spec.title,
    origin: spec.origin,
    license: spec.license,
    terms: spec.terms,
    citation: spec.citation,
    source,
    pins_sha256: pinsHash(pins),
    inputs: pins,
    converter: { name: `judgekit/datasets/${spec.name}`, version: conv.version, judgekit: VERSION },
    conversion: result.notes,
    outputs: [...result.files].map(([path, text]) => ({ path, sha256: sha256(text), bytes: Buffer.byteLength(text), holds: spec.outputs[path] ?? '' })),
    created_at: new Date().toISOString(),
  };
  const tmp = join(dir, `.${spec.name}.${process.pid}.${Date.now()}.tmp`);
  await mkdir(tmp, { recursive: true });
  try {
    for (const [path, text] of result.files) await writeFileAtomic(join(tmp, path), text);
    await writeFileAtomic(join(tmp, 'README.md'), readme(spec, manifest));
    await writeJsonAtomic(join(tmp, 'manifest.json'), manifest);
    await rm(target, { recursive: true, force: true });
    try {
      await rename(tmp, target);
    } catch (err) {
      // Another process finished the same conversion first (parallel test workers): keep theirs.
      if (!(await presentManifest(target, spec))) throw err;
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return { dataset: spec.name, status: 'converted', dir: target, files: [...result.files.keys()] };
}
