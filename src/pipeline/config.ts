import { dirname, isAbsolute, resolve } from 'node:path';
import { ExperimentConfig, type EndpointConfig, type Stage } from '../schema/index.ts';
import { resolveEndpoint } from '../llm/presets.ts';
import { InputError } from '../io/errors.ts';
import { readConfigFile, validateConfig } from '../io/yaml.ts';
import { hashValue } from '../io/hash.ts';

export interface LoadedExperiment {
  path: string;
  dir: string;
  config: ExperimentConfig;
  /** Hash of the validated config (with defaults filled in). */
  hash: string;
}

/** The config fields, per stage, that name input files (relative to the config file). */
export const STAGE_INPUT_FIELDS = ['items', 'responses', 'rubric', 'labels', 'preferences', 'pairs', 'verdicts', 'human_preferences', 'ratings', 'mcq_records', 'judgments'] as const;

/**
 * Reads an experiment config (YAML or JSON), validates it against the schema and reports the
 * first problem with the file, the line and the field path.
 */
export async function loadExperiment(path: string): Promise<LoadedExperiment> {
  const file = await readConfigFile(path, 'experiment config');
  const lineOf = file.lineOf;
  const parsed = { data: validateConfig(ExperimentConfig, file, path) };
  // A stage that reads another names an earlier stage of the right kind, or the run would fail late.
  const kinds = new Map<string, { index: number; kind: string }>();
  parsed.data.stages.forEach((s, i) => {
    for (const ref of stageRefs(s)) {
      const at = ['stages', i, ...ref.path];
      const up = kinds.get(ref.stage);
      const problem = !up
        ? `stage "${s.name}" reads stage "${ref.stage}", which is not an earlier stage of the experiment`
        : !ref.kinds.includes(up.kind as Stage['kind'])
          ? `stage "${s.name}" reads stage "${ref.stage}" as ${ref.kinds.map((k) => `a ${k}`).join(' or ')} stage, but it is a ${up.kind} stage`
          : undefined;
      if (problem) throw new InputError(problem, { file: path, line: lineOf(at), field: at.join('.') });
    }
    kinds.set(s.name, { index: i, kind: s.kind });
  });
  checkEndpoints(parsed.data, path, lineOf);
  return { path, dir: dirname(path), config: parsed.data, hash: hashValue(parsed.data) };
}

/** Where a stage reads an earlier stage: the config path of the reference, the stage named, the kinds it may be. */
export interface StageReference {
  path: (string | number)[];
  stage: string;
  kinds: Stage['kind'][];
}

/** Every `{stage: NAME}` of a stage's config. */
export function stageRefs(stage: Stage): StageReference[] {
  const refs: StageReference[] = [];
  const s = stage as Record<string, unknown>;
  const ref = (field: string, kinds: Stage['kind'][]): void => {
    const one = (v: unknown, path: (string | number)[]): void => {
      if (v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as { stage?: unknown }).stage === 'string') refs.push({ path: [...path, 'stage'], stage: (v as { stage: string }).stage, kinds });
    };
    const v = s[field];
    if (Array.isArray(v)) v.forEach((x, k) => one(x, [field, k]));
    else one(v, [field]);
  };
  ref('items', ['reformulate']);
  ref('responses', ['answer']);
  ref('mcq_stage', ['mcq']);
  ref('judge_stage', ['judge']);
  if (stage.kind === 'tuning') {
    stage.candidates.forEach((c, k) => {
      if (typeof c === 'object' && 'stage' in c) refs.push({ path: ['candidates', k, 'stage'], stage: c.stage, kinds: ['judge'] });
    });
  }
  return refs;
}

/**
 * Resolves every stage's endpoint now, so that an output mode the endpoint is not known to support
 * is reported with the file, the line and the key (and how to declare the capability), before any
 * stage runs.
 */
function checkEndpoints(config: ExperimentConfig, path: string, lineOf: (p: (string | number)[]) => number | undefined): void {
  config.stages.forEach((stage, i) => {
    const s = stage as { endpoint?: EndpointConfig; judge?: { kind: string; endpoint?: EndpointConfig } };
    const [ep, at] = s.endpoint ? [s.endpoint, ['stages', i, 'endpoint']] : s.judge?.kind === 'llm' && s.judge.endpoint ? [s.judge.endpoint, ['stages', i, 'judge', 'endpoint']] : [undefined, []];
    if (!ep) return;
    try {
      resolveEndpoint(ep);
    } catch (err) {
      if (!(err instanceof InputError) || err.field === undefined) throw err;
      const p = [...at, err.field];
      throw new InputError(err.message.replace(/^field "[^"]*": /, ''), { file: path, line: lineOf(p), field: p.join('.') });
    }
  });
}

/** Resolves a path from a config relative to the config file's folder. */
export function resolveFrom(dir: string, p: string): string {
  return isAbsolute(p) ? p : resolve(dir, p);
}
