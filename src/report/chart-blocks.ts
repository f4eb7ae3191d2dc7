/**
 * The building blocks of the report's charts: reading an estimate from a result, number formats,
 * and the Vega-Lite shapes every stage's charts are made of (bars with intervals, heatmaps, forest
 * plots). No stage knowledge here; charts.ts and the per-kind builders compose them.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Estimate } from '../schema/results/common.ts';
import { nameAxis } from './fit-name.ts';

export type Spec = Record<string, unknown>;

/** An estimate to draw: a value, and its interval when both bounds are known. */
export interface Est {
  value: number;
  lo: number | null;
  hi: number | null;
}

/** The drawable part of a result's estimate: none without a value, no interval without both bounds. */
export function est(x: Estimate | null | undefined): Est | null {
  if (!x || x.value === null) return null;
  const { value, ci_low: lo, ci_high: hi } = x;
  return lo !== null && hi !== null ? { value, lo, hi } : { value, lo: null, hi: null };
}

/** The seven Med-CMR task dimensions in the paper's column order; other groups follow alphabetically. */
export const TASK_ORDER = ['SOD', 'FDD', 'SU', 'TP', 'CR', 'LTG', 'MSI'];

export function orderGroups(keys: Iterable<string>, preferred: string[] = TASK_ORDER): string[] {
  const all = [...new Set(keys)];
  const known = preferred.filter((k) => all.includes(k));
  return [...known, ...all.filter((k) => !preferred.includes(k)).sort()];
}

export const W = 520;
export const rowHeight = (n: number): number => Math.max(60, Math.min(28 * n, 520));
export const INK = '#1f2433';
export const MUTED = '#8a90a2';
export const ACCENT = '#3b6fd8';
export const PAIR_COLORS = ['#3b6fd8', '#e07b39'];

export function top(spec: Spec, data: unknown[] | null): TopLevelSpec {
  const s: Spec = { $schema: 'https://vega.github.io/schema/vega-lite/v5.json', ...spec };
  if (data) s.data = { values: data };
  return s as unknown as TopLevelSpec;
}

/** A short number for labels: percentages for shares, 2–3 significant places otherwise. */
export function fmt(x: number | null | undefined, kind: 'pct' | 'num' | 'p' = 'num'): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  if (kind === 'pct') return `${(x * 100).toFixed(1)}%`;
  if (kind === 'p') return x === 0 ? '0' : x < 0.001 ? x.toExponential(1) : String(Number(x.toPrecision(2)));
  return Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2);
}

// ---------------------------------------------------------------------------------------------
// Building blocks

export interface CiRow {
  label: string;
  value: number;
  lo: number | null;
  hi: number | null;
  text: string;
}

/** Horizontal bars with 95% CI whiskers and the value printed, rows in the given order. */
export function barsWithCi(rows: CiRow[], o: { xTitle: string; format: string; domain?: [number, number] }): TopLevelSpec {
  const order = rows.map((r) => r.label);
  const y = { field: 'label', type: 'nominal', sort: order, title: null, axis: nameAxis(240) };
  const x = { field: 'value', type: 'quantitative', title: o.xTitle, axis: { format: o.format, tickCount: 5 }, scale: o.domain ? { domain: o.domain, nice: false } : { zero: true } };
  return top(
    {
      width: W,
      height: rowHeight(rows.length),
      layer: [
        { mark: { type: 'bar', color: '#c9d7f5', cornerRadiusEnd: 2, height: { band: 0.72 } }, encoding: { y, x } },
        {
          transform: [{ filter: 'isValid(datum.lo) && isValid(datum.hi)' }],
          mark: { type: 'rule', color: INK, strokeWidth: 1.4 },
          encoding: { y, x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' } },
        },
        {
          transform: [{ filter: 'isValid(datum.lo) && isValid(datum.hi)' }],
          mark: { type: 'tick', color: INK, thickness: 1.4, size: 10, orient: 'vertical' },
          encoding: { y, x: { field: 'lo', type: 'quantitative' } },
        },
        {
          transform: [{ filter: 'isValid(datum.lo) && isValid(datum.hi)' }],
          mark: { type: 'tick', color: INK, thickness: 1.4, size: 10, orient: 'vertical' },
          encoding: { y, x: { field: 'hi', type: 'quantitative' } },
        },
        { mark: { type: 'point', filled: true, color: ACCENT, size: 46, opacity: 1 }, encoding: { y, x } },
        {
          mark: { type: 'text', align: 'left', dx: 6, fontSize: 10.5, color: INK },
          encoding: { y, x: { field: 'end', type: 'quantitative' }, text: { field: 'text' } },
        },
      ],
    },
    rows.map((r) => ({ ...r, end: r.hi ?? r.value })),
  );
}

export interface HeatCell {
  x: string;
  y: string;
  value: number;
  text: string;
  /** How many units the value rests on: printed under it, and a cell under `lowN` is marked. */
  n?: number | null;
}

/** Below this many units a heatmap cell is marked as resting on few units. */
export const LOW_N = 30;

/** A labelled heatmap: rows and columns in the given orders, colour by value, the value printed. */
export function heatmap(cells0: HeatCell[], o: { xOrder: string[]; yOrder: string[]; colorTitle: string; format: string; domain?: [number, number]; scheme?: string; xTitle?: string | null; yTitle?: string | null; lowN?: number }): TopLevelSpec {
  const lowN = o.lowN ?? LOW_N;
  const withN = cells0.some((c) => typeof c.n === 'number');
  // With counts, each cell prints its value over its n; a cell on fewer than lowN units is faded and its n marked.
  const cells = cells0.map((c) => (typeof c.n === 'number' ? { ...c, low: c.n < lowN, text: [c.text, `n=${c.n}${c.n < lowN ? ' (few)' : ''}`] } : { ...c, low: false }));
  const vals = cells.map((c) => c.value);
  const lo = o.domain?.[0] ?? Math.min(...vals);
  const hi = o.domain?.[1] ?? Math.max(...vals);
  const mid = lo + (hi - lo) * 0.55;
  const cellW = Math.max(44, Math.min(86, Math.floor(W / Math.max(1, o.xOrder.length))));
  return top(
    {
      width: cellW * o.xOrder.length,
      height: Math.max(30, (withN ? 40 : 30) * o.yOrder.length),
      encoding: {
        x: { field: 'x', type: 'nominal', sort: o.xOrder, title: o.xTitle ?? null, axis: nameAxis(200, { orient: 'top', labelAngle: o.xOrder.some((x) => x.length > 9) ? -35 : 0, labelAlign: o.xOrder.some((x) => x.length > 9) ? 'left' : 'center', domain: false, ticks: false }) },
        y: { field: 'y', type: 'nominal', sort: o.yOrder, title: o.yTitle ?? null, axis: nameAxis(240, { domain: false, ticks: false }) },
      },
      layer: [
        {
          mark: { type: 'rect', stroke: '#ffffff', strokeWidth: 2, cornerRadius: 3 },
          encoding: {
            opacity: { condition: { test: 'datum.low', value: 0.35 }, value: 1 },
            color: {
              field: 'value',
              type: 'quantitative',
              title: o.colorTitle,
              scale: { scheme: o.scheme ?? 'blues', domain: [lo, hi === lo ? lo + 1 : hi] },
              legend: { format: o.format, gradientLength: 160 },
            },
          },
        },
        {
          mark: { type: 'text', fontSize: 10.5, lineHeight: 12 },
          encoding: {
            text: { field: 'text' },
            color: { condition: { test: `datum.value > ${mid} && !datum.low`, value: '#ffffff' }, value: INK },
          },
        },
      ],
    },
    cells,
  );
}

export interface ForestRow {
  /** Facet row (scope) and column (statistic). */
  scope: string;
  stat: string;
  label: string;
  group: string;
  value: number;
  lo: number | null;
  hi: number | null;
  text: string;
}

/**
 * A forest plot: one column per statistic (κ, α, AC1, raw agreement…), one line per label, the
 * point estimate with its CI whiskers, a dashed line at 0 (chance) and the value printed.
 */
export function forest(rows: ForestRow[], o: { statOrder: string[]; labelOrder: string[]; scopeOrder?: string[]; colorTitle?: string; groups?: string[]; domain?: [number, number] }): TopLevelSpec {
  const lo = Math.min(0, ...rows.map((r) => r.lo ?? r.value));
  const domain = o.domain ?? [Math.floor(lo * 10) / 10, 1];
  const y = { field: 'label', type: 'nominal', sort: o.labelOrder, title: null, axis: nameAxis(260) };
  const x = { field: 'value', type: 'quantitative', title: null, scale: { domain, nice: false }, axis: { tickCount: 4, format: '.1f' } };
  const colour = o.groups && o.groups.length > 1
    ? { field: 'group', type: 'nominal', title: o.colorTitle ?? null, scale: { domain: o.groups, range: ['#3b6fd8', '#e07b39', '#2a9d8f', '#8e6bbf'] } }
    : { value: ACCENT };
  const facet: Spec = { column: { field: 'stat', type: 'nominal', sort: o.statOrder, title: null, header: { labelOrient: 'top', labelFontSize: 12 } } };
  if (o.scopeOrder && o.scopeOrder.length > 1) facet.row = { field: 'scope', type: 'nominal', sort: o.scopeOrder, title: null, header: { labelOrient: 'top', labelAngle: 0, labelAnchor: 'start', labelAlign: 'left', labelFontWeight: 600, labelFontSize: 12, labelPadding: 4 } };
  return top(
    {
      facet,
      spacing: { column: 14, row: 10 },
      spec: {
        width: 150,
        height: Math.max(24, 22 * o.labelOrder.length),
        layer: [
          { data: { values: [{ zero: 0 }] }, mark: { type: 'rule', color: '#b9bfcc', strokeDash: [3, 3] }, encoding: { x: { field: 'zero', type: 'quantitative' } } },
          { transform: [{ filter: 'isValid(datum.lo) && isValid(datum.hi)' }], mark: { type: 'rule', strokeWidth: 1.8 }, encoding: { y, x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' }, color: colour } },
          { mark: { type: 'point', filled: true, size: 52, opacity: 1 }, encoding: { y, x, color: colour } },
        ],
      },
      resolve: { scale: { y: 'shared' } },
    },
    rows,
  );
}

export function forestCaption(extra = ''): string {
  return `Points are the estimates, whiskers their 95% bootstrap intervals (resampled by item); the dashed line is 0 (chance for κ, α and AC1). ${extra}`.trim();
}

