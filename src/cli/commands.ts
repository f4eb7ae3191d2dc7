import type { Command } from 'commander';
import { register as registerRun } from './run.ts';
import { register as registerConsistency } from './consistency.ts';
import { register as registerReformulate } from './reformulate.ts';
import { register as registerAnswer } from './answer.ts';
import { register as registerMcq } from './mcq.ts';
import { register as registerJudge } from './judge.ts';
import { register as registerPairwise } from './pairwise.ts';
import { register as registerWinrate } from './winrate.ts';
import { register as registerAgree } from './agree.ts';
import { register as registerReport } from './report.ts';
import { register as registerTune } from './tune.ts';
import { register as registerCard } from './card.ts';
import { register as registerCorrect } from './correct.ts';
import { register as registerAnnotate } from './annotate.ts';
import { register as registerView } from './view.ts';
import { register as registerInit } from './init.ts';
import { register as registerProbe } from './probe.ts';
import { register as registerDatasets } from './datasets.ts';
import { register as registerSimulate } from './simulate.ts';

/** Every subcommand registers itself here, one line each. */
export function registerCommands(program: Command): void {
  registerRun(program);
  registerMcq(program);
  registerJudge(program);
  registerPairwise(program);
  registerConsistency(program);
  registerReformulate(program);
  registerAnswer(program);
  registerWinrate(program);
  registerAgree(program);
  registerReport(program);
  registerTune(program);
  registerCard(program);
  registerProbe(program);
  registerCorrect(program);
  registerAnnotate(program);
  registerView(program);
  registerInit(program);
  registerDatasets(program);
  registerSimulate(program);
}
