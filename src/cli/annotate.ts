import type { Command } from 'commander';
import { openPlan, progressTable, serveAnnotation } from '../annotate/index.ts';
import { emit, numberOption } from './output.ts';

interface AnnotateCliOptions {
  port: string;
  host: string;
  status?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('annotate')
    .description(
      'Serve a blind, order-balanced labelling app for an annotation plan (pairwise per dimension, or rubric scoring): one link per rater, ' +
        'labels written at once to the plan\'s label file (long form), resumable. With --status, print each rater\'s progress and exit.',
    )
    .argument('<plan>', 'annotation plan (YAML or JSON)')
    .option('--port <p>', 'port (0: any free port)', '0')
    .option('--host <addr>', 'address to listen on (anything but 127.0.0.1 exposes the app to the network)', '127.0.0.1')
    .option('--status', "print each rater's progress and exit")
    .option('--json', 'with --status: print the progress as JSON')
    .action(async (plan: string, o: AnnotateCliOptions) => {
      if (o.status) {
        const opened = await openPlan(plan);
        const rows = opened.store.progress();
        emit({ units: opened.units, raters: rows }, o.json, () => progressTable(rows, opened.units));
        return;
      }
      const port = numberOption('port', o.port, { int: true, min: 0, max: 65535 })!;
      const s = await serveAnnotation(plan, { host: o.host, port });
      if (o.host !== '127.0.0.1' && o.host !== 'localhost' && o.host !== '::1') {
        process.stderr.write(`judgekit annotate: listening on ${o.host}: anyone who can reach this address and holds a rater link can label.\n`);
      }
      process.stdout.write(`judgekit annotate: ${s.opened.units} unit(s), labels go to ${s.opened.plan.files.out}\n`);
      for (const u of s.urls) process.stdout.write(`${u.rater}\t${u.url}\n`);
      process.stdout.write('Ctrl-C stops the server; every label given so far is already written.\n');
      await new Promise<void>((resolve) => {
        const stop = () => {
          void s.server.close().then(() => {
            s.opened.store.close();
            s.release();
            resolve();
          });
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
