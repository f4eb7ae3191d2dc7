import type { Command } from 'commander';
import { VIEW_DEFAULT_PORT } from '../view/port.ts';
import { numberOption } from './output.ts';

interface ViewCliOptions {
  port: string;
  host: string;
  compare?: string;
}

export function register(program: Command): void {
  program
    .command('view')
    .description(
      'Serve a read-only page over a run folder: every judgment, MCQ record, pairwise verdict and human label, filtered and paged on the server; ' +
        'per-item drill-down (question, image, reference, answer, what the judge saw and replied, the humans\' labels beside the judge\'s); ' +
        'the units where judge and humans disagree most; with --compare, what changed against another run of the same experiment.',
    )
    .argument('<run-dir>', 'run folder (reports/<run-id>, with its manifest.json)')
    .option('--port <p>', 'port (0: any free port; report.html links to the default)', String(VIEW_DEFAULT_PORT))
    .option('--host <addr>', 'address to listen on (anything but 127.0.0.1 exposes the run to the network)', '127.0.0.1')
    .option('--compare <other-run-dir>', 'another run of the same experiment: what changed, per model and per criterion')
    .action(async (runDir: string, o: ViewCliOptions) => {
      const port = numberOption('port', o.port, { int: true, min: 0, max: 65535 })!;
      const { serveView } = await import('../view/index.ts');
      const v = await serveView(runDir, { host: o.host, port, ...(o.compare !== undefined ? { compare: o.compare } : {}) });
      if (o.host !== '127.0.0.1' && o.host !== 'localhost' && o.host !== '::1') process.stderr.write(`judgekit view: listening on ${o.host}: anyone who can reach this address can read the run.\n`);
      process.stdout.write(`judgekit view: ${v.rows} row(s) of ${runDir}\n${v.url}\nCtrl-C stops the server.\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => void v.server.close().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
