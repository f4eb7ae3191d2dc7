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
  return String(v);
}
