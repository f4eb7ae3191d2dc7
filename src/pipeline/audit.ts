/**
 * The judge-audit step of a run: reads the finished stages' results and ledgers, turns the judges'
 * judgments and preferences into ratings (ratings/), groups them by judge fingerprint
 * (studies/audit.ts `judgeKey`), runs the audit study for each judge and writes `audit.json`
 * (schema/results/audit.ts). The judge cards (report/card.ts) render that file.
 */
import { readRunManifest } from '../report/index.ts';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InputError } from '../io/errors.ts';
import { pathExists } from '../io/exists.ts';
import { writeJsonAtomic } from '../io/atomic.ts';
import { hashFile } from '../io/hash.ts';
import { readRows } from '../io/rows.ts';
import { readPreferences } from '../io/preferences.ts';
import { Judgment, Preference, type JudgeFingerprint, type Rating, type RunManifest } from '../schema/index.ts';
import { judgmentRatings } from '../ratings/judgments.ts';
import { preferenceRatings } from '../ratings/preferences.ts';
import { auditJudge, judgeKey, nameKey, type AuditResult, type CardConfiguration, type JudgeEvidence } from '../studies/audit.ts';

export const AUDIT_FILE = 'audit.json';

type Json = Record<string, any>; // a stage's config entry as recorded in the manifest

async function readJson(p: string): Promise<Json | null> {
  try {
    return JSON.parse(await readFile(p, 'utf8')) as Json;
  } catch {
    return null;
  }
}

async function readJsonl(p: string): Promise<unknown[] | null> {
  if (!(await pathExists(p))) return null;
  const out: unknown[] = [];
  for await (const { value } of readRows(p)) out.push(value);
  return out;
}

/** Matches a recorded input path that ends with the file name of a config path. */
const endsWith = (configPath: string): RegExp => new RegExp(`(^|/)${configPath.split('/').pop()!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

/** Resolves a stage input recorded in the manifest, only if it is still the file the run read. */
async function recordedInput(manifest: RunManifest, stage: string, suffix: RegExp, runDir: string): Promise<{ path: string | null; why: string }> {
  const inputs = manifest.stages[stage]?.inputs ?? [];
  const inp = inputs.find((i) => suffix.test(i.path));
  if (!inp) return { path: null, why: 'the run recorded no such input' };
  for (const p of [resolve(inp.path), resolve(runDir, '..', '..', inp.path)]) {
    if (!(await pathExists(p))) continue;
    const h = await hashFile(p);
    if (h.sha256 === inp.sha256) return { path: p, why: '' };
    return { path: null, why: `${inp.path} changed since the run (sha256 differs)` };
  }
  return { path: null, why: `${inp.path} is not found from here` };
}

function configuration(stage: string, kind: string, fp: JudgeFingerprint): CardConfiguration {
  const replay = fp.kind === 'replay';
  const note = replay
    ? fp.params?.verdicts_sha256 !== undefined
      ? `a replay of recorded verdicts (${fp.endpoint}, verdicts sha256 ${String(fp.params.verdicts_sha256).slice(0, 16)}…): the original model version, endpoint, prompt template and decoding parameters are unknown`
      : `a replay of recorded verdicts (${fp.endpoint}${fp.params?.strategy !== undefined ? `, prompt setup ${fp.params.strategy}` : ''}): the original model version, endpoint and decoding parameters are unknown`
    : `live judge ${fp.model} at ${fp.endpoint}, output mode ${fp.output_mode ?? 'unknown'}`;
  return { stage, kind, fingerprint: fp, replay, note };
}

async function judgeLedgers(runDir: string, manifest: RunManifest, stage: Json): Promise<{ ratings: Rating[]; lengths: Map<string, number> | null; why: string }> {
  const judgments = ((await readJsonl(join(runDir, `${stage.name}.judgments.jsonl`))) ?? []).map((v) => Judgment.parse(v));
  const ratings = judgmentRatings(judgments, { overall: true, samples: true });
  const rows = (await readJsonl(join(runDir, `${stage.name}.answer-lengths.jsonl`))) as { item_id: string; model: string; chars: number }[] | null;
  if (rows) return { ratings, lengths: new Map(rows.map((r) => [`${r.model}\u0000${r.item_id}`, r.chars])), why: '' };
  const inp = await recordedInput(manifest, stage.name, endsWith(String(stage.responses ?? '')), runDir);
  if (!inp.path) return { ratings, lengths: null, why: `the run recorded no answer lengths and the responses file ${inp.why}` };
  const lengths = new Map<string, number>();
  for await (const { value } of readRows(inp.path)) {
    const v = value as Json;
    if (typeof v.output === 'string') lengths.set(`${v.model}\u0000${v.item_id}`, [...v.output].length);
  }
  return { ratings, lengths, why: '' };
}

/** Reads a finished run and gathers, per judge (fingerprint identity, or exact name), its evidence. */
async function gather(runDir: string, manifest: RunManifest): Promise<JudgeEvidence[]> {
  const cfg = manifest.config as { stages?: Json[] };
  const stages = (cfg.stages ?? []).filter((s) => manifest.stages[s.name]?.status === 'done');
  const judges = new Map<string, JudgeEvidence>();
  const judge = (key: string, name: string): JudgeEvidence => {
    let j = judges.get(key);
    if (!j) {
      j = { judge: name, key, configurations: [], judgeStages: [], pairwiseStages: [], agreement: [], winrate: [], swap: [], tuning: [], corrected: [] };
      judges.set(key, j);
    }
    return j;
  };
  // A rater known only by name (a label or preference file's column) is the fingerprinted judge of
  // exactly that name when the run has exactly one (e.g. the replayed recording of the same ratings);
  // otherwise it is a judge of its own. Never a case-insensitive match.
  const named = (name: string, create: boolean): JudgeEvidence | undefined => {
    const same = [...judges.values()].filter((j) => j.key.startsWith('fingerprint:') && j.judge === name);
    if (same.length === 1) return same[0];
    const key = nameKey(name);
    if (!judges.has(key) && !create) return undefined;
    return judge(key, name);
  };
  const results = new Map<string, Json>();
  for (const s of stages) {
    const r = await readJson(join(runDir, `${s.name}.json`));
    if (r) results.set(s.name, r);
  }
  for (const s of stages) {
    const r = results.get(s.name);
    if (!r) continue;
    if (s.kind === 'judge' && r.fingerprint) {
      const fp = r.fingerprint as JudgeFingerprint;
      const j = judge(judgeKey(fp), fp.model);
      const { ratings, lengths, why } = await judgeLedgers(runDir, manifest, s);
      j.judgeStages.push({ stage: s.name, result: r as never, ratings, lengths, why_no_lengths: why });
      j.configurations.push(configuration(s.name, 'judge', fp));
    } else if (s.kind === 'pairwise' && r.fingerprint) {
      const fp = r.fingerprint as JudgeFingerprint;
      const rater = (s.rater as string | undefined) ?? fp.model;
      const j = judge(judgeKey(fp), rater);
      const ledger = ((await readJsonl(join(runDir, `${s.name}.preferences.jsonl`))) ?? []).map((v) => Preference.parse(v));
      const reference = (s.human_rater as string | undefined) ?? (s.majority_of ? 'majority' : undefined);
      j.pairwiseStages.push({ stage: s.name, result: r as never, rater, ratings: preferenceRatings(ledger), reference });
      j.configurations.push(configuration(s.name, 'pairwise', fp));
    } else if (s.kind === 'swap' && Array.isArray(r.rows)) {
      // one judge per fingerprint identity; rows without a fingerprint go by their exact name
      const groups = new Map<string, Json[]>();
      for (const row of r.rows as Json[]) {
        const key = row.fingerprint ? judgeKey(row.fingerprint as JudgeFingerprint) : nameKey(String(row.judge));
        groups.set(key, [...(groups.get(key) ?? []), row]);
      }
      for (const [key, rows] of groups) {
        const j = judge(key, String(rows[0]!.judge));
        j.swap.push({ stage: s.name, rows: rows as never });
        const seen = new Set<string>();
        for (const row of rows) {
          const fp = row.fingerprint as JudgeFingerprint | undefined;
          if (!fp || seen.has(fp.hash)) continue;
          seen.add(fp.hash);
          j.configurations.push(configuration(s.name, 'swap', fp));
        }
      }
    }
  }
  for (const s of stages) {
    const r = results.get(s.name);
    if (!r || s.kind !== 'agreement' || typeof r.judge_validation?.judge !== 'string') continue;
    const jv = r.judge_validation as Json;
    // a judge stage's ratings carry their fingerprint into the result: the same judge as that stage's
    const j = jv.fingerprint ? judge(judgeKey(jv.fingerprint as JudgeFingerprint), (jv.fingerprint as JudgeFingerprint).model) : named(jv.judge, true)!;
    j.agreement.push({ stage: s.name, title: (s.title as string | undefined) ?? s.name, result: r as never });
  }
  for (const s of stages) {
    const r = results.get(s.name);
    if (!r) continue;
    if (s.kind === 'winrate' && r.raters) {
      const meanOf = s.mean_of as { name: string; raters: string[] } | undefined;
      const humans = new Set<string>([...((s.majority as string[] | undefined) ?? []), 'majority', ...(meanOf ? [meanOf.name, ...meanOf.raters] : [])]);
      const compared = Array.isArray(s.compare) ? (s.compare[1] as string) : undefined;
      for (const rater of Object.keys(r.raters)) {
        if (humans.has(rater)) continue;
        const j = named(rater, rater === compared);
        if (!j) continue;
        const reference = Array.isArray(s.compare) && s.compare[0] !== rater ? (s.compare[0] as string) : r.raters?.majority ? 'majority' : undefined;
        let preferences: Rating[] | null = null;
        let why: string | null = null;
        // pairs made from single-answer ratings have no presentation order
        if (typeof s.preferences === 'string') {
          const inp = await recordedInput(manifest, s.name, endsWith(s.preferences), runDir);
          if (inp.path) preferences = preferenceRatings(await readPreferences(inp.path));
          else why = inp.why;
        }
        const majority = ((s.majority as string[] | undefined) ?? []).filter((h) => h !== rater);
        j.winrate.push({ stage: s.name, result: r as never, rater, reference, preferences, why_no_preferences: why, humans: majority });
      }
    }
    if (s.kind === 'corrected' && typeof r.judge === 'string') named(r.judge, true)!.corrected.push({ stage: s.name, result: r as never });
    if (s.kind === 'tuning' && Array.isArray(r.candidates)) {
      for (const cand of r.candidates as string[]) named(cand, false)?.tuning.push({ stage: s.name, result: r as never, candidate: cand });
    }
  }
  return [...judges.values()];
}

/** The audit of every judge of a finished run (see studies/audit.ts). */
export async function auditRun(runDir: string): Promise<AuditResult> {
  // Validated: its stage names become file names read below.
  const manifest = await readRunManifest(runDir);
  const config = manifest.config as Json;
  const run = { run_id: manifest.run_id, finished_at: manifest.finished_at, seed: config.seed ?? 1, resamples: config.bootstrap ?? 1000 };
  const judges = (await gather(runDir, manifest)).map((ev) => auditJudge(ev, run));
  judges.sort((a, b) => (a.judge < b.judge ? -1 : a.judge > b.judge ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { run_id: manifest.run_id, judges };
}

/** Writes `RUN_DIR/audit.json` (atomically) and returns it: the pipeline's audit step. */
export async function writeJudgeAudit(runDir: string): Promise<AuditResult> {
  const audit = await auditRun(runDir);
  await writeJsonAtomic(join(runDir, AUDIT_FILE), audit);
  return audit;
}
