import { existsSync } from 'node:fs';
import { setMaxListeners } from 'node:events';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { addFailureRateOption, enforceFailureRate, maxFailureRate } from '../pipeline/failure-rate.ts';
import { emit } from './output.ts';

/** The default experiment: `experiments/default.yaml` in the working folder, else the package's own. */
export function defaultExperimentPath(): string {
  const local = resolve('experiments/default.yaml');
  if (existsSync(local)) return local;
  return fileURLToPath(new URL('../../experiments/default.yaml', import.meta.url));
}

export function register(program: Command): void {
  const cmd = program
    .command('run')
    .description('Run an experiment (default: experiments/default.yaml): its stages, ledgers, manifest.json and report.md under reports/<run-id>/. Re-running resumes: finished stages with the same inputs are not run again.')
    .argument('[experiment]', 'experiment config (YAML or JSON)')
    .option('--out <dir>', 'folder for run folders', 'reports')
    .option('--run-id <id>', 'run id (default: the experiment id)')
    .option('--fresh', 'recompute every stage')
    .option('--stage <names>', 'only these stages (comma-separated)')
    .option('--cache-dir <dir>', 'judge cache folder', '.judgekit-cache')
    .option('--dry-run', 'list the stages, what each reads, and what judge, pairwise and answer stages would call and cost; send, compute and write nothing')
    .option('--json', 'print the manifest (with --dry-run: the plan) as JSON');
  addFailureRateOption(cmd)
    .action(async (experiment: string | undefined, o: { out: string; runId?: string; fresh?: boolean; stage?: string; cacheDir: string; dryRun?: boolean; json?: boolean; maxFailureRate?: string }) => {
      const { runExperiment } = await import('../pipeline/run.ts');
      const { planExperiment, renderPlan } = await import('../pipeline/plan.ts');
      const maxRate = maxFailureRate(o.maxFailureRate);
      const only = o.stage?.split(',').map((s) => s.trim()).filter(Boolean);
      if (o.dryRun) {
        const plan = await planExperiment(experiment ?? defaultExperimentPath(), { only, cacheDir: o.cacheDir, reportsDir: o.out, runId: o.runId });
        emit(plan, o.json, () => renderPlan(plan));
        return;
      }
      const ac = new AbortController();
      setMaxListeners(0, ac.signal);
      // The first Ctrl-C stops after the calls in flight; a second one stops at once.
      const onSigint = (): void => {
        if (ac.signal.aborted) process.exit(130);
        ac.abort();
      };
      process.on('SIGINT', onSigint);
      try {
        const res = await runExperiment(experiment ?? defaultExperimentPath(), {
          reportsDir: o.out,
          runId: o.runId,
          fresh: o.fresh,
          only,
          cacheDir: o.cacheDir,
          signal: ac.signal,
        });
        emit(res.manifest, o.json, () => {
          const lines = [`Run ${res.manifest.run_id}: ${res.ran.length} stage(s) run, ${res.skipped.length} reused from an earlier run${res.absent.length ? `, ${res.absent.length} optional stage(s) skipped` : ''}.`];
          for (const [name, st] of Object.entries(res.manifest.stages)) {
            lines.push(`  ${name.padEnd(28)} ${st.kind.padEnd(12)} ${st.status.padEnd(7)} ${st.status === 'skipped' ? (st.note ?? '') : Object.entries(st.counts).map(([k, v]) => `${k}=${v}`).join(' ')}`);
          }
          lines.push(`Report: ${resolve(res.runDir, 'report.html')} (and report.md); judge cards in ${resolve(res.runDir, 'cards')}`);
          return lines.join('\n');
        });
        const stages = (res.manifest.config as { stages: Array<{ name: string; judge?: unknown }> }).stages;
        const judgeOf = new Map(stages.map((s) => [s.name, s.judge]));
        enforceFailureRate(Object.entries(res.manifest.stages).map(([name, st]) => ({ name, kind: st.kind, judge: judgeOf.get(name), counts: st.counts })), maxRate);
      } catch (err) {
        if (!ac.signal.aborted) throw err;
        process.stderr.write('judgekit: interrupted; finished stages and every finished judgment are saved (manifest, judge cache): run the same command again to resume without paying twice\n');
        process.exitCode = 130;
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}
