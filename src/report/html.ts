/**
 * The run report as one self-contained HTML page: inline CSS, inline SVG charts, each stage's
 * Markdown section rendered by `marked`. It loads nothing: no script, font, stylesheet or image
 * from anywhere, so it opens offline and can be mailed as one file.
 *
 * Everything that comes from data (model, rater and stage names, Markdown written by stages) is
 * escaped: raw HTML in a stage's Markdown is shown as text, links may only be http(s), mailto or
 * in-page, and images become their alt text (an image URL would be a network request).
 */
import { Marked, type Tokens } from 'marked';
import type { RunManifest } from '../schema/index.ts';
import { FONT } from './render-svg.ts';

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ESC[c]!);
}

const SAFE_HREF = /^(https?:|mailto:|#)/i;
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

export function safeHref(href: string): string | null {
  const h = href.trim();
  // Browsers read a backslash as a slash and drop tabs and line breaks in URLs, so `/\host` and
  // `//host` (another host) and `java\tscript:` (a scheme) are judged on the normalised form.
  const n = h.replace(/[\u0000-\u0020\u007f]/g, '').replace(/\\/g, '/');
  if (SAFE_HREF.test(n)) return h;
  if (HAS_SCHEME.test(n) || n.startsWith('//')) return null;
  return h;
}

/** A Marked instance whose output is safe to inline: see the module comment. Headings move one level down (the stage title is the h2). */
function markdown(): Marked {
  const m = new Marked({ gfm: true, async: false });
  m.use({
    walkTokens(token) {
      if (token.type === 'heading') (token as Tokens.Heading).depth = Math.min(6, (token as Tokens.Heading).depth + 1);
    },
    renderer: {
      html(token: Tokens.HTML | Tokens.Tag): string {
        return escapeHtml(token.text);
      },
      link(token: Tokens.Link): string {
        const inner = this.parser.parseInline(token.tokens);
        const href = safeHref(token.href);
        if (href === null) return inner;
        const title = token.title ? ` title="${escapeHtml(token.title)}"` : '';
        return `<a href="${escapeHtml(href)}"${title}>${inner}</a>`;
      },
      image(token: Tokens.Image): string {
        return `<span class="img-alt">[image: ${escapeHtml(token.text)}]</span>`;
      },
      table(token: Tokens.Table): string | false {
        // Wide tables scroll inside their own box instead of widening the page.
        const align = (a: string | null): string => (a ? ` style="text-align:${a}"` : '');
        const head = token.header.map((c) => `<th${align(c.align)}>${this.parser.parseInline(c.tokens)}</th>`).join('');
        const body = token.rows.map((row) => `<tr>${row.map((c) => `<td${align(c.align)}>${this.parser.parseInline(c.tokens)}</td>`).join('')}</tr>`).join('\n');
        return `<div class="table-wrap"><table>\n<thead><tr>${head}</tr></thead>\n<tbody>${body}</tbody></table></div>\n`;
      },
    },
  });
  return m;
}

/** Stage Markdown → safe HTML. */
export function markdownToHtml(md: string): string {
  return markdown().parse(md, { async: false }) as string;
}

export interface PageChart {
  id: string;
  title: string;
  caption: string;
  svg: string;
}

export interface PageStage {
  name: string;
  kind: string;
  title: string;
  description?: string | undefined;
  status: string;
  counts: Record<string, number>;
  duration_ms: number;
  cost_usd: number;
  error?: string | undefined;
  /** The stage's own Markdown section (`<stage>.md`), null when missing. */
  markdown: string | null;
  charts: PageChart[];
  notes: string[];
  /** The first records of the stage's ledger, and how to see them all in `judgekit view`. */
  sample?: { file: string; total: number; columns: string[]; rows: string[][]; viewUrl: string; viewCommand: string } | undefined;
}

export interface PageInput {
  manifest: RunManifest;
  title: string;
  description?: string | undefined;
  seed?: number | undefined;
  bootstrap?: number | undefined;
  stages: PageStage[];
  /** The Med-CMR main table (HTML, escaped by its maker), shown before the stages. */
  mainTable?: string | undefined;
}

const slug = (s: string): string => `stage-${s.replace(/[^A-Za-z0-9_-]/g, '-')}`;

function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

const fmtInt = (n: number): string => (Number.isInteger(n) ? n.toLocaleString('en-US') : n.toFixed(1));

function countsHtml(c: Record<string, number>): string {
  const e = Object.entries(c);
  if (e.length === 0) return '<span class="muted">–</span>';
  return e.map(([k, v]) => `<span class="pill ${k === 'ok' ? 'pill-ok' : 'pill-other'}">${escapeHtml(k)} <b>${escapeHtml(fmtInt(v))}</b></span>`).join(' ');
}

const CSS = `
:root{--ink:#1f2433;--ink2:#3c4257;--muted:#6b7285;--line:#e3e6ee;--bg:#f5f6f9;--card:#fff;--accent:#3b6fd8;--accent-soft:#e8eefb;--ok:#2a9d8f;--warn:#c9485b}
*{box-sizing:border-box}
html{scroll-behavior:smooth}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.55 ${FONT};-webkit-font-smoothing:antialiased}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
.layout{display:grid;grid-template-columns:240px minmax(0,1fr);gap:32px;max-width:1320px;margin:0 auto;padding:28px 28px 64px}
nav.toc{position:sticky;top:24px;align-self:start;max-height:calc(100vh - 48px);overflow:auto;font-size:13.5px}
nav.toc .brand{font-weight:700;letter-spacing:.02em;color:var(--accent);font-size:12px;text-transform:uppercase;margin-bottom:10px}
nav.toc ol{list-style:none;margin:0;padding:0}
nav.toc li{margin:2px 0}
nav.toc a{display:block;padding:5px 10px;border-radius:6px;color:var(--ink2)}
nav.toc a:hover{background:var(--accent-soft);text-decoration:none}
nav.toc .kind{display:block;font-size:11px;color:var(--muted)}
nav.toc ol ol{margin:2px 0 6px 10px;border-left:2px solid var(--line)}
nav.toc ol ol a{padding:3px 10px;font-size:12.5px}
header.hero{background:linear-gradient(135deg,#24324f 0%,#3b6fd8 100%);color:#fff;border-radius:14px;padding:28px 32px;margin-bottom:26px}
header.hero h1{margin:0 0 6px;font-size:28px;line-height:1.2;letter-spacing:-.01em}
header.hero p{margin:6px 0;color:#dfe7fb;max-width:80ch}
header.hero .meta{font-size:12.5px;color:#c7d4f5}
header.hero code{background:rgba(255,255,255,.14);color:#fff}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin-top:20px}
.tile{background:rgba(255,255,255,.12);border-radius:10px;padding:10px 14px}
.tile .v{font-size:22px;font-weight:700;line-height:1.2}
.tile .l{font-size:12px;color:#c7d4f5}
section.stage{background:var(--card);border:1px solid var(--line);border-radius:14px;padding:24px 28px;margin:0 0 26px;box-shadow:0 1px 2px rgba(20,30,60,.04)}
section.stage>h2{margin:0;font-size:22px;letter-spacing:-.01em}
.stage-head{display:flex;flex-wrap:wrap;align-items:baseline;gap:10px 14px;margin-bottom:6px}
.badge{display:inline-block;font-size:11.5px;font-weight:600;padding:2px 9px;border-radius:99px;background:var(--accent-soft);color:var(--accent);text-transform:uppercase;letter-spacing:.04em}
.badge.failed{background:#fbe9ec;color:var(--warn)}
.stage-meta{font-size:12.5px;color:var(--muted);margin:4px 0 14px}
.pill{display:inline-block;font-size:11.5px;padding:1px 8px;border-radius:99px;background:#eef0f5;color:var(--ink2);margin:1px 0}
.pill-ok{background:#e3f4f1;color:#1d6f65}
.pill-other{background:#fdf0e6;color:#8a4a17}
.charts{display:grid;grid-template-columns:minmax(0,1fr);gap:18px;margin:18px 0 8px}
figure.chart{margin:0;border:1px solid var(--line);border-radius:12px;padding:16px 18px 12px;background:#fff}
figure.chart h3{margin:0 0 10px;font-size:15.5px}
figure.chart .chart-svg{overflow-x:auto}
figure.chart svg{display:block;max-width:100%;height:auto}
figure.chart figcaption{font-size:12.5px;color:var(--muted);margin-top:8px;max-width:95ch}
.notes{margin:10px 0;padding:10px 14px;border-left:3px solid #d9dde7;background:#fafbfc;border-radius:0 8px 8px 0;font-size:12.5px;color:var(--muted)}
.notes ul{margin:0;padding-left:18px}
details.tables{margin-top:16px;border-top:1px solid var(--line);padding-top:12px}
details.tables>summary{cursor:pointer;font-weight:600;color:var(--ink2);font-size:14px;list-style:none}
details.tables>summary::before{content:"\\25B8";display:inline-block;margin-right:8px;transition:transform .15s;color:var(--accent)}
details.tables[open]>summary::before{transform:rotate(90deg)}
.md h3{font-size:17px;margin:22px 0 8px}.md h4{font-size:15px;margin:18px 0 6px}.md h5,.md h6{font-size:14px;margin:14px 0 6px}
.md p,.md li{color:var(--ink2);max-width:100ch}
.table-wrap{overflow-x:auto;margin:10px 0 16px;border:1px solid var(--line);border-radius:10px}
table{border-collapse:collapse;width:100%;font-size:13px;font-variant-numeric:tabular-nums}
th,td{padding:7px 12px;border-bottom:1px solid var(--line);text-align:left;white-space:nowrap}
thead th{background:#f3f5f9;color:var(--ink2);font-weight:600;position:sticky;top:0}
tbody tr:nth-child(even){background:#fafbfd}
tbody tr:hover{background:var(--accent-soft)}
tbody tr:last-child td{border-bottom:0}
code{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f0f2f6;padding:1px 5px;border-radius:4px}
pre{background:#f0f2f6;padding:12px;border-radius:8px;overflow-x:auto}pre code{background:none;padding:0}
.muted{color:var(--muted)}
.error{color:var(--warn);font-weight:600}
footer{color:var(--muted);font-size:12px;text-align:center;margin-top:30px}
@media (max-width:900px){.layout{grid-template-columns:minmax(0,1fr);padding:16px}nav.toc{position:static;max-height:none}}
@media (max-width:600px){.layout{padding:8px}section.stage{padding:16px 14px}header.hero{padding:18px 16px}header.hero h1{font-size:22px}figure.chart{padding:10px}}
.md table{display:block;max-width:100%;overflow-x:auto}
.main-table .ci{color:var(--muted);font-size:11.5px}
main{min-width:0}
code{overflow-wrap:anywhere}
.md p,.md li,.stage-meta,header.hero p,figcaption,.notes{overflow-wrap:anywhere}
@media print{body{background:#fff}.layout{display:block}nav.toc{display:none}section.stage,figure.chart{break-inside:avoid;box-shadow:none}details.tables>summary{display:none}}
`;

/** The whole page. Pure: every input is already read, every chart already rendered. */
export function renderPage(p: PageInput): string {
  const m = p.manifest;
  const status: Record<string, number> = m.counts_by_status ?? {};
  const nCharts = p.stages.reduce((a, s) => a + s.charts.length, 0);
  const done = p.stages.filter((s) => s.status === 'done').length;
  const toc = p.stages
    .map((s) => {
      const sub = s.charts.length ? `<ol>${s.charts.map((c) => `<li><a href="#${escapeHtml(c.id)}">${escapeHtml(c.title)}</a></li>`).join('')}</ol>` : '';
      return `<li><a href="#${escapeHtml(slug(s.name))}">${escapeHtml(s.title)}<span class="kind">${escapeHtml(s.kind)} · ${escapeHtml(s.status)}</span></a>${sub}</li>`;
    })
    .join('\n');
  const tiles = [
    [`${done}/${p.stages.length}`, 'stages done'],
    [fmtInt(nCharts), 'charts'],
    [fmtInt(status.ok ?? 0), 'records ok'],
    [fmtInt(Object.entries(status).filter(([k]) => k !== 'ok').reduce((a, [, v]) => a + v, 0)), 'records not ok'],
    [`$${(m.cost_usd?.judge ?? 0).toFixed(2)}`, 'judge cost'],
    [fmtMs(m.timings_ms?.total ?? NaN), 'run time'],
  ]
    .map(([v, l]) => `<div class="tile"><div class="v">${escapeHtml(v)}</div><div class="l">${escapeHtml(l)}</div></div>`)
    .join('');
  const sections = p.stages.map((s) => renderStage(s)).join('\n');
  const provenance = p.stages
    .flatMap((s) => (m.stages[s.name]?.inputs ?? []).map((i) => `<tr><td>${escapeHtml(s.name)}</td><td><code>${escapeHtml(i.path)}</code></td><td><code>${escapeHtml(i.sha256.slice(0, 16))}…</code></td><td style="text-align:right">${escapeHtml(fmtInt(i.bytes))}</td></tr>`))
    .join('\n');
  const settings = [p.seed !== undefined ? `seed ${p.seed}` : null, p.bootstrap !== undefined ? `${p.bootstrap} bootstrap resamples` : null].filter(Boolean).join(', ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="judgekit ${escapeHtml(m.judgekit_version)}">
<meta name="judgekit-charts" content="${nCharts}">
<title>${escapeHtml(p.title)} · judgekit report</title>
<style>${CSS}</style>
</head>
<body>
<div class="layout">
<nav class="toc" aria-label="Contents">
<div class="brand">judgekit report</div>
<ol>
<li><a href="#overview">Overview</a></li>
${p.mainTable ? '<li><a href="#main-table">Main table</a></li>' : ''}
${toc}
<li><a href="#provenance">Provenance</a></li>
</ol>
</nav>
<main>
<header class="hero" id="overview">
<h1>${escapeHtml(p.title)}</h1>
${p.description ? `<p>${escapeHtml(p.description)}</p>` : ''}
<p class="meta">Run <code>${escapeHtml(m.run_id)}</code> of experiment <code>${escapeHtml(m.experiment)}</code> · config <code>${escapeHtml(m.config_path)}</code> (hash <code>${escapeHtml(m.config_hash.slice(0, 12))}</code>) · judgekit ${escapeHtml(m.judgekit_version)} on Node ${escapeHtml(m.node_version)}${settings ? ` · ${escapeHtml(settings)}` : ''} · finished ${escapeHtml(m.finished_at ?? '(unfinished)')}</p>
<div class="tiles">${tiles}</div>
</header>
${p.mainTable ? `<section class="stage" id="main-table">
<div class="stage-head"><h2>Main table</h2></div>
<p class="stage-meta">Per model: MCQ accuracy and the open-ended score, overall and per task, each with its 95% item-bootstrap interval (as the Med-CMR main table).</p>
${p.mainTable}
</section>` : ''}
${sections}
<section class="stage" id="provenance">
<div class="stage-head"><h2>Provenance</h2></div>
<p class="stage-meta">Every input file of the run with its SHA-256, as recorded in <code>manifest.json</code>.</p>
<div class="table-wrap"><table><thead><tr><th>stage</th><th>input</th><th>sha256</th><th style="text-align:right">bytes</th></tr></thead><tbody>
${provenance || '<tr><td colspan="4" class="muted">no inputs recorded</td></tr>'}
</tbody></table></div>
</section>
<footer>Rendered by judgekit ${escapeHtml(m.judgekit_version)} from the files of run <code>${escapeHtml(m.run_id)}</code>; nothing was recomputed. Charts: Vega-Lite, rendered to SVG.</footer>
</main>
</div>
</body>
</html>
`;
}

function renderStage(s: PageStage): string {
  const charts = s.charts
    .map(
      (c) => `<figure class="chart" id="${escapeHtml(c.id)}" data-chart="${escapeHtml(c.id)}">
<h3>${escapeHtml(c.title)}</h3>
<div class="chart-svg">${c.svg}</div>
<figcaption>${escapeHtml(c.caption)}</figcaption>
</figure>`,
    )
    .join('\n');
  const notes = s.notes.length ? `<div class="notes"><ul>${s.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul></div>` : '';
  const md = s.markdown === null ? '<p class="muted">(section missing: no Markdown file for this stage)</p>' : markdownToHtml(s.markdown);
  // With charts the tables fold away under them (one click away); without charts they are the section.
  const nTables = (md.match(/<table>/g) ?? []).length;
  const summary = `Tables and details${nTables ? ` (${nTables} table${nTables === 1 ? '' : 's'})` : ''}`;
  const body = s.charts.length ? `<details class="tables"><summary>${summary}</summary><div class="md">${md}</div></details>` : `<div class="md">${md}</div>`;
  const sample = s.sample
    ? `<div class="sample"><p class="stage-meta">Every record: <code>${escapeHtml(s.sample.viewCommand)}</code>, then <a href="${escapeHtml(s.sample.viewUrl)}">${escapeHtml(s.sample.viewUrl)}</a>. The first ${s.sample.rows.length} of ${escapeHtml(fmtInt(s.sample.total))} in <code>${escapeHtml(s.sample.file)}</code>:</p>
<div class="table-wrap"><table><thead><tr>${s.sample.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead><tbody>
${s.sample.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n')}
</tbody></table></div></div>`
    : '';
  return `<section class="stage" id="${escapeHtml(slug(s.name))}">
<div class="stage-head"><h2>${escapeHtml(s.title)}</h2><span class="badge${s.status === 'done' || s.status === 'skipped' ? '' : ' failed'}">${escapeHtml(s.kind)}</span></div>
<div class="stage-meta">stage <code>${escapeHtml(s.name)}</code> · ${escapeHtml(s.status)} in ${escapeHtml(fmtMs(s.duration_ms))}${s.cost_usd > 0 ? ` · judge cost $${escapeHtml(s.cost_usd.toFixed(4))}` : ''} · ${countsHtml(s.counts)}</div>
${s.description ? `<div class="md description">${markdownToHtml(s.description)}</div>` : ''}
${s.error ? `<p class="error">Failed: ${escapeHtml(s.error)}</p>` : ''}
${charts ? `<div class="charts">${charts}</div>` : ''}
${notes}
${s.status === 'done' ? body : ''}
${sample}
</section>`;
}
