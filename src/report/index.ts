/**
 * report.html of a run, from the files in its folder (manifest.json, `<stage>.md`, `<stage>.json`):
 * nothing is recomputed, so a finished run can be re-rendered at any time (`judgekit report`).
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, normalize, resolve, basename } from 'node:path';
import { ExperimentConfig, RunManifest, type ResponsesRef, type Stage } from '../schema/index.ts';
import { InputError, zodToInputError } from '../io/errors.ts';
import { writeFileAtomic } from '../io/atomic.ts';
import { hashFile } from '../io/hash.ts';
import { readResponses } from '../io/records.ts';
import { chartsForStage, type ChartContext } from './charts.ts';
import { RESULT_SCHEMAS } from '../schema/results/index.ts';
import { parseResult } from './parse-result.ts';
import { renderPage, type PageStage } from './html.ts';
import { renderSvg } from './render-svg.ts';
import { ledgerSample, VIEW_DEFAULT_PORT } from '../view/sample.ts';
import { mainTable, mainTableHtml } from './medcmr-table.ts';

export { chartsForStage, type ChartSpec, type StageCharts } from './charts.ts';
export { renderSvg } from './render-svg.ts';
export { escapeHtml, markdownToHtml, renderPage } from './html.ts';

export interface HtmlReport {
  html: string;
  /** Charts on the page, per stage (in page order). */
  charts: { stage: string; id: string; title: string }[];
  /** Charts left out, with the reason, per stage. */
  notes: { stage: string; note: string }[];
}

/** Reads and validates `manifest.json` of a run folder; a missing or malformed one is an InputError. */
export async function readRunManifest(runDir: string): Promise<RunManifest> {
  const file = join(runDir, 'manifest.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new InputError('no manifest.json here: not a judgekit run folder (run `judgekit run` first)', { file });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new InputError(`not valid JSON (${(err as Error).message})`, { file });
  }
  const parsed = RunManifest.safeParse(raw);
  if (!parsed.success) throw zodToInputError(parsed.error, file, undefined);
  return parsed.data;
}

async function readText(p: string): Promise<string | null> {
  try {
    return await readFile(p, 'utf8');
  } catch {
    return null;
  }
}

async function readJson(p: string): Promise<unknown> {
  const t = await readText(p);
  if (t === null) return null;
  try {
    return JSON.parse(t);
  } catch {
    return null;
  }
}

/** A size in billions of parameters from `meta.size`: a number, or a string like "7B", "235B-A22B", "750M". */
export function parseModelSize(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) && v > 0 ? v : null;
  if (typeof v !== 'string') return null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([bBmMtT]?)/.exec(v);
  if (!m) return null;
  const x = Number(m[1]);
  const unit = m[2]!.toUpperCase();
  const b = unit === 'M' ? x / 1000 : unit === 'T' ? x * 1000 : x;
  return b > 0 ? b : null;
}

/** Adds the `meta.size` of each model's responses in `file` to `sizes` (the first one per model wins). */
async function addSizes(file: string, sizes: Map<string, number>): Promise<void> {
  for (const r of await readResponses(file)) {
    const s = parseModelSize(r.meta?.size);
    if (s !== null && !sizes.has(r.model)) sizes.set(r.model, s);
  }
}

/**
 * Model sizes for the size-against-score chart: from `models.<m>.meta.size` in the stage result
 * when a stage recorded it; otherwise from the responses the stage read. A `{stage: A}` ref reads
 * `<A>.responses.jsonl` of this run folder (an output the manifest lists, so it is the run's own);
 * a responses file is used only when it still has the SHA-256 the manifest recorded (so the sizes
 * belong to this run).
 */
async function modelSizes(runDir: string, manifest: RunManifest, stage: Stage | undefined, result: unknown): Promise<Pick<ChartContext, 'sizes' | 'sizesNote'>> {
  const sizes = new Map<string, number>();
  const models = (result as { models?: Record<string, { meta?: { size?: unknown } }> } | null)?.models;
  if (models && typeof models === 'object') {
    for (const [m, r] of Object.entries(models)) {
      const s = parseModelSize(r?.meta?.size);
      if (s !== null) sizes.set(m, s);
    }
  }
  if (sizes.size > 0) return { sizes };
  const ref = stage && 'responses' in stage ? (stage.responses as ResponsesRef) : undefined;
  const refs = ref === undefined ? [] : Array.isArray(ref) ? ref : [ref];
  if (refs.length === 0) return { sizes: null, sizesNote: 'the stage reads no responses file' };
  for (const r of refs) {
    if (typeof r !== 'string') {
      const out = `${r.stage}.responses.jsonl`;
      if (!manifest.stages[r.stage]?.outputs.includes(out)) return { sizes: null, sizesNote: `${out} is not among the outputs of stage "${r.stage}"` };
      try {
        await addSizes(join(runDir, out), sizes);
      } catch {
        return { sizes: null, sizesNote: `${out} could not be read` };
      }
      continue;
    }
    const note = await sizesFromInput(runDir, manifest, stage!.name, r, sizes);
    if (note !== null) return { sizes: null, sizesNote: note };
  }
  return sizes.size > 0 ? { sizes } : { sizes: null, sizesNote: 'no response carries meta.size' };
}

/** Sizes from a responses file among the stage's recorded inputs; a note when it cannot be trusted or read. */
async function sizesFromInput(runDir: string, manifest: RunManifest, stageName: string, respPath: string, sizes: Map<string, number>): Promise<string | null> {
  const inputs = manifest.stages[stageName]?.inputs ?? [];
  const expected = normalize(join(dirname(manifest.config_path), respPath));
  const input = inputs.find((i) => normalize(i.path) === expected) ?? inputs.find((i) => basename(i.path) === basename(respPath));
  if (!input) return 'the responses file is not among the recorded inputs';
  // Manifest paths are relative to the folder judgekit ran in: the current one, or the one above reports/.
  const candidates = [resolve(input.path), resolve(runDir, '..', '..', input.path)];
  for (const file of candidates) {
    let h: { sha256: string };
    try {
      h = await hashFile(file);
    } catch {
      continue;
    }
    if (h.sha256 !== input.sha256) return `${input.path} changed since the run (its SHA-256 differs from the manifest's)`;
    try {
      await addSizes(file, sizes);
    } catch {
      return `${input.path} could not be read`;
    }
    return null;
  }
  return `the responses file ${input.path} is not found from here`;
}

/** Builds report.html of a run folder, with the list of charts it holds and of those left out. */
export async function buildHtmlReport(runDir: string): Promise<HtmlReport> {
  const manifest = await readRunManifest(runDir);
  const cfgParsed = ExperimentConfig.safeParse(manifest.config);
  const cfg = cfgParsed.success ? cfgParsed.data : null;
  const rawCfg = (manifest.config ?? {}) as { id?: string; title?: string; description?: string; seed?: number; bootstrap?: number; stages?: Stage[] };
  const stageList: { name: string; def: Stage | undefined }[] = [];
  const seen = new Set<string>();
  for (const s of cfg?.stages ?? rawCfg.stages ?? []) {
    if (manifest.stages[s.name] && !seen.has(s.name)) {
      stageList.push({ name: s.name, def: s });
      seen.add(s.name);
    }
  }
  for (const name of Object.keys(manifest.stages)) if (!seen.has(name)) stageList.push({ name, def: undefined });

  const stages: PageStage[] = [];
  const charts: HtmlReport['charts'] = [];
  const notes: HtmlReport['notes'] = [];
  for (const { name, def } of stageList) {
    const st = manifest.stages[name]!;
    const page: PageStage = {
      name,
      kind: st.kind,
      title: def?.title ?? name,
      description: def?.description,
      status: st.status,
      counts: st.counts,
      duration_ms: st.duration_ms,
      cost_usd: st.cost_usd,
      error: st.error,
      markdown: st.status === 'done' ? await readText(join(runDir, `${name}.md`)) : null,
      charts: [],
      notes: st.status === 'skipped' ? [st.note ?? 'optional stage skipped'] : [],
    };
    if (st.status === 'done') {
      const jsonName = st.outputs.includes(`${name}.json`) ? `${name}.json` : st.outputs.find((o) => o.endsWith('.json') && !o.endsWith('.jsonl'));
      const result = jsonName ? await readJson(join(runDir, jsonName)) : null;
      const ctx: ChartContext = st.kind === 'mcq' || st.kind === 'judge' ? await modelSizes(runDir, manifest, def, result) : {};
      // parsed with its kind's schema (schema/results/): a result that does not match gets a note, no chart
      const built = chartsForStage(st.kind, name, result, ctx);
      for (const c of built.charts) {
        try {
          page.charts.push({ id: c.id, title: c.title, caption: c.caption, svg: await renderSvg(c.spec) });
          charts.push({ stage: name, id: c.id, title: c.title });
        } catch (err) {
          page.notes.push(`${c.title}: the chart could not be drawn (${(err as Error).message}).`);
        }
      }
      page.notes.push(...built.notes);
      const sample = await ledgerSample(runDir, name, st.outputs);
      if (sample) page.sample = { ...sample, viewCommand: `judgekit view reports/${manifest.run_id}`, viewUrl: `http://127.0.0.1:${VIEW_DEFAULT_PORT}/?stage=${encodeURIComponent(name)}` };
    }
    for (const n of page.notes) notes.push({ stage: name, note: n });
    stages.push(page);
  }
  const html = renderPage({
    mainTable: await mainTableOf(runDir, manifest, stageList),
    manifest,
    title: rawCfg.title ?? rawCfg.id ?? manifest.experiment,
    description: rawCfg.description?.trim(),
    seed: rawCfg.seed,
    bootstrap: rawCfg.bootstrap,
    stages,
  });
  return { html, charts, notes };
}

/**
 * The Med-CMR main table of a run: its first finished `mcq` stage and its first finished `judge`
 * stage under the medcmr rubric, when the run has either.
 */
async function mainTableOf(runDir: string, manifest: RunManifest, stageList: { name: string }[]): Promise<string | undefined> {
  const done = stageList.filter(({ name }) => manifest.stages[name]?.status === 'done');
  const mcq = done.find(({ name }) => manifest.stages[name]!.kind === 'mcq')?.name;
  let judge: string | undefined;
  let judgeResult: unknown = null;
  for (const { name } of done) {
    if (manifest.stages[name]!.kind !== 'judge') continue;
    const r = (await readJson(join(runDir, `${name}.json`))) as { fingerprint?: { rubric_id?: string } } | null;
    if (r?.fingerprint?.rubric_id === 'medcmr') {
      judge = name;
      judgeResult = r;
      break;
    }
  }
  if (!mcq && !judge) return undefined;
  // From typed results only: a result that does not match its schema gives no column.
  const typed = (kind: 'mcq' | 'judge', x: unknown): unknown => {
    const r = parseResult(RESULT_SCHEMAS[kind], x);
    return r.success ? r.data : null;
  };
  const t = mainTable(mcq ? typed('mcq', await readJson(join(runDir, `${mcq}.json`))) : null, typed('judge', judgeResult));
  return t ? mainTableHtml(t, { ...(mcq ? { mcq } : {}), ...(judge ? { judge } : {}) }) : undefined;
}

/** The HTML page of a run folder (see buildHtmlReport). */
export async function renderHtmlReport(runDir: string): Promise<string> {
  return (await buildHtmlReport(runDir)).html;
}

/** Writes `report.html` (atomically) into the run folder, or to `outFile`. */
export async function writeHtmlReport(runDir: string, outFile = join(runDir, 'report.html')): Promise<HtmlReport & { path: string }> {
  const r = await buildHtmlReport(runDir);
  await writeFileAtomic(outFile, r.html);
  return { ...r, path: outFile };
}
