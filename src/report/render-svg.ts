/**
 * Vega-Lite spec → SVG string, in Node, without a browser or a canvas.
 *
 * Why Vega-Lite + Vega: a declarative grammar (a chart is data, so chart builders are plain
 * functions that return JSON and are easy to test), error bars, heatmaps, facets and layered
 * reference lines out of the box, and a headless `View.toSVG()` that needs no DOM and no native
 * canvas module. It is maintained by the UW Interactive Data Lab and used by Altair, Observable
 * and Jupyter. vega-lite 6 requires Node 22, so we pin vega-lite 5.23 with its peer vega 5.33.
 * Alternatives considered: Chart.js and ECharts' SVG path need a (virtual) DOM or a canvas;
 * Observable Plot needs jsdom to render server-side.
 */
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { charsFor, FIT_FN, fitName } from './fit-name.ts';

/** The font stack the page and the charts share (system fonts only: the report loads nothing). */
export const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

/** The report's chart theme: quiet axes, light grid, one palette shared by all charts. */
export const CHART_CONFIG = {
  background: '#ffffff',
  padding: 8,
  font: FONT,
  view: { stroke: null },
  axis: {
    labelFont: FONT,
    titleFont: FONT,
    labelColor: '#3c4257',
    titleColor: '#3c4257',
    labelFontSize: 11,
    titleFontSize: 11,
    titleFontWeight: 600,
    gridColor: '#eceff4',
    domainColor: '#c4c9d4',
    tickColor: '#c4c9d4',
    labelLimit: 220,
    // Long names keep both ends on every axis that does not set its own (see fit-name.ts).
    labelExpr: `${FIT_FN}(datum.label, ${charsFor(220)})`,
  },
  header: { labelFont: FONT, titleFont: FONT, labelFontSize: 12, labelFontWeight: 600, labelColor: '#1f2433', titleFontSize: 12 },
  legend: { labelFont: FONT, titleFont: FONT, labelFontSize: 11, titleFontSize: 11, titleFontWeight: 600, labelColor: '#3c4257', titleColor: '#3c4257', orient: 'bottom' as const, direction: 'horizontal' as const, labelLimit: 240, labelExpr: `${FIT_FN}(datum.label, ${charsFor(240)})` },
  title: { font: FONT, fontSize: 13, fontWeight: 600, color: '#1f2433', anchor: 'start' as const, subtitleFont: FONT, subtitleColor: '#6b7285' },
  range: {
    category: ['#3b6fd8', '#e07b39', '#2a9d8f', '#c9485b', '#8e6bbf', '#b8962e', '#4aa3c9', '#7a8699', '#d16ba5', '#5c9e4a'],
    heatmap: { scheme: 'blues' },
  },
  bar: { color: '#3b6fd8' },
  point: { color: '#3b6fd8', filled: true, size: 60 },
  rule: { color: '#3b6fd8' },
  text: { font: FONT, fontSize: 11, color: '#1f2433' },
};

/** A loader that refuses every request: chart data is always inline, and the report must not reach the network. */
function offlineLoader(): vega.Loader {
  const refuse = async (uri: string): Promise<never> => {
    throw new Error(`report charts load nothing (asked for ${uri})`);
  };
  const base = vega.loader();
  return Object.assign(base, { load: refuse, sanitize: refuse, http: refuse, file: refuse });
}

/** Every label `fitName` shortened → its full name, to give it back as a tooltip (<title>) in the SVG. */
const fullNames = new Map<string, string>();
vega.expressionFunction(FIT_FN, (label: unknown, max: number): unknown => {
  if (typeof label !== 'string') return label;
  const short = fitName(label, max);
  if (short !== label) fullNames.set(short, label);
  return short;
});

const unescapeXml = (s: string): string => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;|&apos;/g, "'").replace(/&amp;/g, '&');
const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Wraps each shortened label's <text> in a group whose <title> holds the full name (shown on hover, read by screen readers). */
export function titleShortenedLabels(svg: string): string {
  if (fullNames.size === 0) return svg;
  return svg.replace(/<text\b[^>]*>([^<]*)<\/text>/g, (all, body: string) => {
    const full = fullNames.get(unescapeXml(body));
    return full === undefined ? all : `<g><title>${escapeXml(full)}</title>${all}</g>`;
  });
}

let counter = 0;

/**
 * Gives every id inside one SVG a unique prefix: Vega numbers its clip paths `clip1`, `clip2`, …
 * per view, so two inline SVGs on one page would otherwise point at each other's clip paths.
 */
export function prefixSvgIds(svg: string, prefix: string): string {
  const ids = new Set<string>();
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) ids.add(m[1]!);
  if (ids.size === 0) return svg;
  return svg.replace(/(\sid="|url\(#|href="#)([^")]+)/g, (all, head: string, id: string) => (ids.has(id) ? `${head}${prefix}${id}` : all));
}

/** Compiles a Vega-Lite spec (with the report theme) and renders it to a standalone SVG string. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const withConfig = { ...spec, config: { ...CHART_CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec;
  // Vega-Lite's compile warnings (e.g. on facets with independent scales) are about layout sizing, not data: kept off the user's terminal.
  const compiled = vl.compile(withConfig, { logger: vega.logger(vega.Error) }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', loader: offlineLoader(), logLevel: vega.Warn });
  try {
    const svg = await view.toSVG();
    counter += 1;
    return prefixSvgIds(titleShortenedLabels(svg), `c${counter}-`);
  } finally {
    view.finalize();
  }
}
