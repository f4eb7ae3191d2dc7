import { access, mkdir, readFile, rm } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { RunManifest, type Stage, type StageManifest } from '../schema/index.ts';
import { lockFolder, type Lock } from '../io/lock.ts';
import { resolveInside } from '../io/paths.ts';
import { writeFileAtomic, writeJsonAtomic } from '../io/atomic.ts';
import { truthMarkdown } from '../simulate/truth-report.ts';
import { hashFile, hashValue } from '../io/hash.ts';
import { InputError } from '../io/errors.ts';
import { VERSION } from '../version.ts';
import { loadExperiment, resolveFrom, type LoadedExperiment } from './config.ts';
import { writeStageOutcome, type StageContext, type StageOutcome } from './stage.ts';
import { stageDependencies, stageInputs } from './reads.ts';
import { checkOnly } from './plan.ts';
import { absentInput } from './optional.ts';
import { runStage } from './stages/index.ts';
import { renderRunReport } from './report.ts';
import { codeHash } from './code-hash.ts';
import { hasFailedUnits } from './failure-rate.ts';
import { writeHtmlReport } from '../report/index.ts';
import { writeJudgeCards } from '../report/card.ts';
import { writeJudgeAudit } from './audit.ts';

export interface RunOptions {
  /** Folder that holds run folders (default `reports`). */
  reportsDir?: string;
  /** Run id (default: the experiment id). Re-running the same id resumes it. */
  runId?: string;
  /** Recompute every stage even if a finished one matches. */
  fresh?: boolean;
  /** Only these stages (by name). */
  only?: string[];
  cacheDir?: string;
  signal?: AbortSignal;
  log?: (message: string) => void;
}

export interface RunResult {
  runDir: string;
  manifest: RunManifest;
  /** Stages skipped because a finished run of them matched. */
  skipped: string[];
  ran: string[];
  /** Optional stages not run because an input was absent, with the reason. */
  absent: { stage: string; note: string }[];
}

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

export { stageDependencies, stageInputs };

/**
 * The previous run's manifest, validated: it decides what is skipped and which files are removed,
 * so one that does not match the schema (an output path leading out of the run folder) is refused.
 */
async function readManifest(path: string): Promise<RunManifest | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return null;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null; // unreadable: treated as no earlier run (manifests are written atomically, so this is not ours)
  }
  const parsed = RunManifest.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(`${issue.message}; this manifest.json is not judgekit's: remove it or rerun with --fresh`, { file: path, field: issue.path.join('.') || undefined });
  }
  return parsed.data;
}

/** A file of the run folder named by a manifest; refused when it would lead out of the folder. */
function runFile(runDir: string, rel: string): string {
  const p = resolveInside(runDir, rel);
  if (p === null) throw new InputError(`output "${rel}" lies outside the run folder ${runDir}: refused`, { file: join(runDir, 'manifest.json') });
  return p;
}

/**
 * Runs an experiment: each stage in order, its outputs and the manifest written atomically after
 * it finishes, then report.md. A stage whose config, inputs, seed, judgekit version and source
 * match a finished stage of the same run is not run again (resume); its recorded outcome is reused.
 */
export async function runExperiment(configPath: string, opts: RunOptions = {}): Promise<RunResult> {
  const held: Lock[] = [];
  try {
    return await runExperimentLocked(configPath, opts, held);
  } finally {
    for (const l of held) l.release();
  }
}

async function runExperimentLocked(configPath: string, opts: RunOptions, held: Lock[]): Promise<RunResult> {
  const log = opts.log ?? ((m: string) => process.stderr.write(m + '\n'));
  const exp: LoadedExperiment = await loadExperiment(configPath);
  const { config } = exp;
  checkOnly(opts.only, config.stages, exp.path);
  const runId = opts.runId ?? config.id;
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(runId)) throw new InputError(`run id "${runId}" may hold only letters, digits, ".", "_" and "-"`);
  const runDir = resolve(opts.reportsDir ?? 'reports', runId);
  const manifestPath = join(runDir, 'manifest.json');
  // One run at a time per run folder: two would overwrite each other's manifest.
  await mkdir(runDir, { recursive: true });
  held.push(lockFolder(runDir, 'the run folder'));
  const previous = opts.fresh ? null : await readManifest(manifestPath);
  const startedAt = new Date().toISOString();

  const manifest: RunManifest = {
    run_id: runId,
    experiment: config.id,
    config_path: relative(process.cwd(), resolve(configPath)) || configPath,
    config,
    config_hash: exp.hash,
    judgekit_version: VERSION,
    node_version: process.version,
    started_at: startedAt,
    finished_at: null,
    stages: {},
    counts_by_status: {},
    cost_usd: { judge: 0, candidates: 0 },
    timings_ms: {},
  };

  const ctx: StageContext = {
    runDir,
    configDir: exp.dir,
    seed: config.seed,
    resamples: config.bootstrap,
    cacheDir: resolve(opts.cacheDir ?? '.judgekit-cache'),
    signal: opts.signal ?? new AbortController().signal,
    log,
    stages: new Map(config.stages.map((s) => [s.name, s])),
  };

  // Several stages often read the same file (the default experiment reads the PandaLM labels three times): hash it once.
  const hashes = new Map<string, Promise<{ sha256: string; bytes: number }>>();
  const hashOnce = (f: string): Promise<{ sha256: string; bytes: number }> => {
    let h = hashes.get(f);
    if (!h) hashes.set(f, (h = hashFile(f)));
    return h;
  };
  const skipped: string[] = [];
  const absentStages: { stage: string; note: string }[] = [];
  const ran: string[] = [];
  const sections: { stage: Stage; markdown: string }[] = [];
  const t0 = Date.now();

  for (const stage of config.stages) {
    if (opts.only && !opts.only.includes(stage.name)) continue;
    const absent = await absentInput(stage, exp.dir, (dep) => (manifest.stages[dep] ?? (opts.only ? previous?.stages[dep] : undefined))?.status);
    if (absent !== null) {
      const note = `optional stage skipped: ${absent}`;
      log(`[${stage.name}] ${note}`);
      const now = new Date().toISOString();
      manifest.stages[stage.name] = { kind: stage.kind, status: 'skipped', started_at: now, finished_at: now, duration_ms: 0, key: '', inputs: [], outputs: [], counts: {}, cost_usd: 0, note };
      absentStages.push({ stage: stage.name, note });
      continue;
    }
    const inputs = [];
    for (const f of stageInputs(stage, exp.dir)) {
      if (!(await exists(f))) throw new InputError(`stage "${stage.name}": input file not found: ${f}`, { file: exp.path });
      inputs.push({ path: relative(process.cwd(), f) || f, ...(await hashOnce(f)) });
    }
    // A stage that reads another stage's outputs depends on that stage's key too; a failed or empty
    // upstream is named here, so the reader is not blamed for it.
    const upstream: Record<string, string | null> = {};
    for (const dep of stageDependencies(stage)) {
      const st = manifest.stages[dep] ?? (opts.only ? previous?.stages[dep] : undefined);
      if (!st) throw new InputError(`stage "${stage.name}" reads stage "${dep}", which has not run${opts.only ? ' (add it to --stage)' : ''}`, { file: exp.path });
      const counts = Object.entries(st.counts).map(([k, v]) => `${k}=${v}`).join(' ') || 'no records';
      if (st.status === 'skipped') throw new InputError(`stage "${stage.name}" reads stage "${dep}", which was skipped (${st.note ?? 'optional'}); make this stage optional too, or give "${dep}" its inputs`, { file: exp.path });
      if (st.status !== 'done') throw new InputError(`stage "${stage.name}" reads stage "${dep}", which failed (${counts}): ${st.error ?? 'no error recorded'}`, { file: exp.path });
      if (!st.counts.ok) throw new InputError(`stage "${stage.name}" reads stage "${dep}", which produced no ok rating (${counts})`, { file: exp.path });
      upstream[dep] = st.key;
    }
    const key = hashValue({ stage, inputs: inputs.map((i) => i.sha256), upstream, seed: config.seed, bootstrap: config.bootstrap, version: VERSION, code: await codeHash() });
    const prev = previous?.stages[stage.name];
    // A stage with failed calls runs again: the cache serves its verdicts, only the failures are asked again.
    if (prev && prev.status === 'done' && prev.key === key && !hasFailedUnits(stage, prev.counts)) {
      const all = await Promise.all(prev.outputs.map((o) => exists(runFile(runDir, o))));
      const mdPath = join(runDir, `${stage.name}.md`);
      if (all.every(Boolean) && (await exists(mdPath))) {
        log(`[${stage.name}] done in an earlier run with the same inputs: not run again`);
        manifest.stages[stage.name] = prev;
        sections.push({ stage, markdown: await readFile(mdPath, 'utf8') });
        skipped.push(stage.name);
        continue;
      }
    }
    log(`[${stage.name}] ${stage.kind} …`);
    const started = new Date();
    let outcome: StageOutcome;
    try {
      outcome = await runStage(stage, stage.bootstrap === undefined ? ctx : { ...ctx, resamples: stage.bootstrap });
    } catch (err) {
      const failed: StageManifest = {
        kind: stage.kind,
        status: 'failed',
        started_at: started.toISOString(),
        finished_at: new Date().toISOString(),
        duration_ms: Date.now() - started.getTime(),
        key,
        inputs,
        outputs: [],
        counts: {},
        cost_usd: 0,
        error: (err as Error).message,
      };
      manifest.stages[stage.name] = failed;
      await writeJsonAtomic(manifestPath, manifest);
      throw err;
    }
    // On simulated data: the planted values beside the estimates (the stage's `truth`).
    if (stage.truth) outcome = { ...outcome, markdown: outcome.markdown.replace(/\n*$/, '\n\n') + (await truthMarkdown(resolveFrom(exp.dir, stage.truth.file), stage.truth.section, outcome.result)) };
    const outputs = await writeStageOutcome(runDir, stage.name, outcome);
    const finished = new Date();
    manifest.stages[stage.name] = {
      kind: stage.kind,
      status: 'done',
      started_at: started.toISOString(),
      finished_at: finished.toISOString(),
      duration_ms: finished.getTime() - started.getTime(),
      key,
      inputs,
      outputs,
      counts: outcome.counts,
      cost_usd: outcome.cost_usd,
    };
    sections.push({ stage, markdown: outcome.markdown });
    ran.push(stage.name);
    // The manifest is rewritten after every stage so an interrupted run resumes after the last finished one.
    await writeJsonAtomic(manifestPath, finalise(manifest, null, t0));
  }

  // Outputs of stages that left the config are stale: remove them so the folder matches the manifest.
  if (previous) {
    for (const [name, st] of Object.entries(previous.stages)) {
      if (!manifest.stages[name] && !(opts.only && !opts.only.includes(name))) {
        for (const o of st.outputs) await rm(runFile(runDir, o), { force: true });
      }
    }
  }
  if (opts.only && previous) {
    for (const [name, st] of Object.entries(previous.stages)) if (!manifest.stages[name]) manifest.stages[name] = st;
  }
  const done = finalise(manifest, new Date().toISOString(), t0);
  await writeJsonAtomic(manifestPath, done);
  await writeFileAtomic(join(runDir, 'report.md'), await renderRunReport(runDir, done));
  await writeHtmlReport(runDir);
  // the judge audit is a step of the run (studies/audit.ts over the run's ratings); the cards render it
  await writeJudgeAudit(runDir);
  await writeJudgeCards(runDir);
  return { runDir, manifest: done, skipped, ran, absent: absentStages };
}

function finalise(m: RunManifest, finishedAt: string | null, t0: number): RunManifest {
  const counts: Record<string, number> = {};
  let judge = 0;
  const timings: Record<string, number> = {};
  for (const [name, st] of Object.entries(m.stages)) {
    for (const [k, v] of Object.entries(st.counts)) counts[k] = (counts[k] ?? 0) + v;
    judge += st.cost_usd;
    timings[name] = st.duration_ms;
  }
  timings.total = Date.now() - t0;
  return { ...m, finished_at: finishedAt, counts_by_status: counts, cost_usd: { judge, candidates: m.cost_usd.candidates }, timings_ms: timings };
}
