import type { Command } from 'commander';
import { join } from 'node:path';
import { STUDIES } from '../init/studies.ts';
import { emit } from './output.ts';

export function register(program: Command): void {
  program
    .command('init')
    .description(`Write a commented experiment (DIR/<study>.yaml) and template inputs (items, responses, labels) for a study into DIR, ready to run: ${STUDIES.join(', ')}.`)
    .argument('<study>', STUDIES.join(' | '))
    .argument('<dir>', 'folder to write into (created if needed; nothing in it is overwritten)')
    .option('--json', 'print the files written as JSON')
    .action(async (study: string, dir: string, o: { json?: boolean }) => {
      const { initStudy } = await import('../init/index.ts');
      const files = await initStudy(study, dir);
      emit({ study, dir, files }, o.json, () =>
        [`Wrote ${files.length} file(s) into ${dir}:`, ...files.map((f) => `  ${f}`), '', `Next: judgekit run ${join(dir, `${study}.yaml`)} --dry-run   (then without --dry-run)`].join('\n'),
      );
    });
}
