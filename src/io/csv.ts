import { stringify } from 'csv-stringify/sync';

/**
 * CSV text from a header and rows (RFC 4180 quoting by csv-stringify). Missing values are empty
 * cells, booleans 1/0: the form every judgekit CSV reader takes back.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return stringify([header as string[], ...rows.map((r) => r.map(cellValue))], { eof: true, record_delimiter: '\n' });
}

function cellValue(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? '1' : '0';
  return typeof v === 'string' ? neutraliseFormula(v) : String(v);
}

const FORMULA_START = /^[=+\-@\t\r]/;
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;

/**
 * A text cell that a spreadsheet would run as a formula (it starts with =, +, -, @, tab or CR;
 * OWASP "CSV injection") gets a leading apostrophe, which spreadsheets show as text. Numbers
 * written as text (-0.5, +3) are left alone.
 */
export function neutraliseFormula(s: string): string {
  return FORMULA_START.test(s) && !NUMBER.test(s) ? `'${s}` : s;
}
