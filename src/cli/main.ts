import { Command, CommanderError } from 'commander';
import { InputError } from '../io/errors.ts';
import { VERSION } from '../version.ts';
import { registerCommands } from './commands.ts';

/**
 * The judgekit command line. Each subcommand lives in its own file under src/cli/ and only parses
 * arguments; the work is done in the modules it calls. Returns the process exit code:
 * 0 success, 1 an unexpected failure (a bug), 2 a user error (bad input or bad options).
 */
export async function main(argv: string[]): Promise<number> {
  const program = new Command();
  program
    .name('judgekit')
    .description('Scoring toolkit for medical multimodal benchmarks: MCQ scoring, rubric-driven LLM judges, win ratios and judge-versus-human agreement.')
    .version(VERSION)
    .showHelpAfterError(false)
    .exitOverride();
  registerCommands(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit with code 0; parse errors were already printed by commander
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof InputError) {
      process.stderr.write(`judgekit: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`judgekit: internal error: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}
