import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { DEFAULT_DATASETS_DIR, getDataset, knownDataset, presentManifest, type GetResult } from '../datasets/get.ts';
import { DATASETS, pinnedFiles } from '../datasets/registry.ts';
import { emit } from './output.ts';

/** `judgekit datasets list|get`: the public datasets, fetched from their origin, checked and converted here. */
export function register(program: Command): void {
  const ds = program
    .command('datasets')
    .description(`Public human-versus-LLM datasets: fetched from their origin at a pinned commit, every file checked against its SHA-256, converted into judgekit's formats under ./${DEFAULT_DATASETS_DIR}/ (nothing of them ships with judgekit).`);

  ds.command('list')
    .description('The datasets judgekit can fetch: origin, license, files, what each holds and the published numbers it reproduces')
    .option('--dir <dir>', 'datasets folder, to say which are present', DEFAULT_DATASETS_DIR)
    .option('--json', 'print the registry as JSON')
    .action(async (o: { dir: string; json?: boolean }) => {
      const rows = await Promise.all(
        DATASETS.map(async (d) => {
          const files = pinnedFiles(d.name);
          const { select: _s, upstreamPath: _u, ...spec } = d;
          const present = (await presentManifest(join(resolve(o.dir), d.name), d)) !== undefined;
          return { ...spec, files: files.length, bytes: files.reduce((s, f) => s + f.bytes, 0), present, path: join(resolve(o.dir), d.name) };
        }),
      );
      emit(rows, o.json, () =>
        rows
          .map((r) =>
            [
              `${r.name}${r.present ? '  (present)' : ''}: ${r.title}`,
              `  origin   ${r.origin.repository} @ ${r.origin.commit.slice(0, 12)} (${r.origin.date}); ${r.files} files, ${(r.bytes / 1e6).toFixed(1)} MB`,
              `  license  ${r.license}. ${r.terms}`,
              `  cite     ${r.citation}`,
              `  writes   ${Object.keys(r.outputs).join(', ')}`,
              ...r.published.map((p) => `  number   ${p.what}: ${p.value}`),
            ].join('\n'),
          )
          .join('\n\n') + `\n\njudgekit datasets get NAME [--dir DIR] [--mirror DIR]`,
      );
    });

  ds.command('get')
    .description('Download a dataset\'s pinned files (resuming partial downloads), verify every SHA-256 (a mismatch is an error and nothing is written), convert them, and print where they went. A present, verified dataset is left alone.')
    .argument('<name>', `dataset name (${DATASETS.map((d) => d.name).join(', ')}), or "all"`)
    .option('--dir <dir>', 'datasets folder; the dataset goes to DIR/NAME/', DEFAULT_DATASETS_DIR)
    .option('--mirror <dir>', 'read the same files from a local folder laid out as the upstream copies (DIR/pandalm_testset/…) instead of the network')
    .option('--json', 'print the result as JSON')
    .action(async (name: string, o: { dir: string; mirror?: string; json?: boolean }) => {
      const names = name === 'all' ? DATASETS.map((d) => d.name) : [knownDataset(name).name];
      const tty = process.stderr.isTTY;
      let lastPct = -1;
      const results: GetResult[] = [];
      for (const n of names) {
        results.push(
          await getDataset(n, {
            dir: o.dir,
            ...(o.mirror !== undefined ? { mirror: o.mirror } : {}),
            log: (line) => process.stderr.write(line + '\n'),
            progress: (done, total) => {
              const pct = Math.floor((100 * done) / total);
              if (pct === lastPct) return;
              lastPct = pct;
              if (tty) process.stderr.write(`\r${n}: ${pct}% (${(done / 1e6).toFixed(1)} / ${(total / 1e6).toFixed(1)} MB)${pct === 100 ? '\n' : ''}`);
              else if (pct % 25 === 0) process.stderr.write(`${n}: ${pct}%\n`);
            },
          }),
        );
        lastPct = -1;
      }
      emit(results, o.json, () =>
        results
          .map((r) => `${r.dataset}: ${r.status === 'present' ? 'already present and verified' : 'converted'} in ${r.dir}\n${r.files.map((f) => `  ${join(r.dir, f)}`).join('\n')}`)
          .join('\n'),
      );
    });
}
