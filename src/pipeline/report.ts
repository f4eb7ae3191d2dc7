import { readFile } from 'node:fs/promises';
import { STAGE_NAME, type ExperimentConfig, type RunManifest } from '../schema/index.ts';
import { resolveInside } from '../io/paths.ts';
import { mdText, noHtml } from '../report/escape-md.ts';

function fmtMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function fmtCounts(c: Record<string, number>): string {
  const e = Object.entries(c);
  return e.length ? e.map(([k, v]) => `${k} ${v}`).join(', ') : '—';
}

/** A section that opens with a heading repeating the stage's title loses that heading. */
function dropRepeatedTitle(md: string, title: string): string {
  const m = /^#{1,6} (.*)\n+/.exec(md);
  return m && m[1]!.trim() === title.trim() ? md.slice(m[0].length) : md;
}

/** Shifts a section's headings one level down (outside code fences), under the stage's own h2. */
export function demoteHeadings(md: string): string {
  let fenced = false;
  return md
    .split('\n')
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
      return !fenced && /^#{1,5} /.test(line) ? '#' + line : line;
    })
    .join('\n');
}

/**
 * Assembles report.md from the manifest and the stages' own Markdown sections (`<stage>.md`),
 * so a finished run can be re-rendered without recomputing anything.
 */
export async function renderRunReport(runDir: string, m: RunManifest): Promise<string> {
  const cfg = m.config as ExperimentConfig;
  const out: string[] = [];
  out.push(`# ${mdText(cfg.title ?? cfg.id)}`, '');
  if (cfg.description) out.push(noHtml(cfg.description.trim()), '');
  out.push(
    `Run \`${m.run_id}\` of experiment \`${m.experiment}\` (config \`${m.config_path}\`, hash \`${m.config_hash.slice(0, 12)}\`), ` +
      `judgekit ${m.judgekit_version} on Node ${m.node_version}; seed ${cfg.seed}, ${cfg.bootstrap} bootstrap resamples; ` +
      `finished ${m.finished_at ?? '(unfinished)'}.`,
    '',
  );
  out.push('| stage | kind | status | counts | time | judge cost (USD) |', '|---|---|---|---|---|---|');
  for (const s of cfg.stages) {
    const st = m.stages[s.name];
    if (!st) continue;
    out.push(`| [${s.name}](#${s.name}) | ${st.kind} | ${st.status} | ${st.status === 'skipped' ? (st.note ?? '') : fmtCounts(st.counts)} | ${fmtMs(st.duration_ms)} | ${st.cost_usd.toFixed(4)} |`);
  }
  out.push('');
  for (const s of cfg.stages) {
    const st = m.stages[s.name];
    if (!st || st.status !== 'done') continue;
    let md: string;
    try {
      // A stage name from an edited manifest must not name a file outside the run folder.
      const file = STAGE_NAME.test(s.name) ? resolveInside(runDir, `${s.name}.md`) : null;
      md = file === null ? '_(section refused: its file lies outside the run folder)_\n' : await readFile(file, 'utf8');
    } catch {
      md = '_(section missing)_\n';
    }
    out.push(`<a id="${s.name}"></a>`, '', `## ${mdText(s.title ?? s.name)}`, '');
    if (s.description) out.push(noHtml(s.description.trim()), '');
    out.push(demoteHeadings(dropRepeatedTitle(md.trim(), s.title ?? s.name)), '');
  }
  out.push('## Provenance', '', '| stage | input | sha256 | bytes |', '|---|---|---|---|');
  for (const s of cfg.stages) {
    for (const i of m.stages[s.name]?.inputs ?? []) out.push(`| ${s.name} | \`${i.path}\` | \`${i.sha256.slice(0, 16)}…\` | ${i.bytes} |`);
  }
  out.push('');
  return out.join('\n');
}
