import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { emit } from './output.ts';

export function register(program: Command): void {
  program
    .command('report')
    .description('Re-render report.md and report.html of a finished run from the files in its folder (manifest.json, <stage>.md, <stage>.json); nothing is recomputed.')
    .argument('<run-dir>', 'the run folder (reports/<run-id>)')
    .option('--out <dir>', 'write report.md and report.html here instead of the run folder')
    .option('--json', 'print what was written as JSON')
    .action(async (runDir: string, o: { out?: string; json?: boolean }) => {
      const { writeFileAtomic } = await import('../io/atomic.ts');
      const { renderRunReport } = await import('../pipeline/report.ts');
      const { readRunManifest, writeHtmlReport } = await import('../report/index.ts');
      const manifest = await readRunManifest(runDir);
      const outDir = resolve(o.out ?? runDir);
      const mdPath = join(outDir, 'report.md');
      await writeFileAtomic(mdPath, await renderRunReport(runDir, manifest));
      const html = await writeHtmlReport(runDir, join(outDir, 'report.html'));
      const result = { run_id: manifest.run_id, report_md: mdPath, report_html: html.path, charts: html.charts, notes: html.notes };
      emit(result, o.json, () => {
        const lines = [`Run ${manifest.run_id}: ${html.charts.length} chart(s) on the page.`, `Report: ${mdPath}`, `HTML:   ${html.path}`];
        for (const n of html.notes) lines.push(`  note (${n.stage}): ${n.note}`);
        return lines.join('\n');
      });
    });
}
