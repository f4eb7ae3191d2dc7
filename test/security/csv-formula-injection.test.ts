// Defends: CSV cells starting with =, +, -, @ were written raw (a spreadsheet runs them as formulas).
import { expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { toCsv } from '../../src/io/csv.ts';
import { preferencesToCsv } from '../../src/io/preferences.ts';

it('neutralises formula-like text cells and leaves numbers alone', () => {
  const csv = toCsv(['item_id', 'model', 'value'], [
    ['=HYPERLINK("http://evil.example","x")', '+cmd|calc', -0.5],
    ['@SUM(A1)', '-2+3', '-0.25'],
    ['\tx', 'ok', '+3'],
  ]);
  const rows = parse(csv, { columns: true }) as Record<string, string>[];
  expect(rows[0]).toEqual({ item_id: `'=HYPERLINK("http://evil.example","x")`, model: "'+cmd|calc", value: '-0.5' });
  expect(rows[1]).toEqual({ item_id: "'@SUM(A1)", model: "'-2+3", value: '-0.25' });
  expect(rows[2]).toEqual({ item_id: "'\tx", model: 'ok', value: '+3' });
});

it('applies to the preference files judgekit writes (model names from the data)', () => {
  const csv = preferencesToCsv([{ item_id: 'q1', rater: '@judge', model_a: '=1+1', model_b: 'b', winner: 'A', status: 'ok' } as never]);
  const [row] = parse(csv, { columns: true }) as Record<string, string>[];
  expect(row).toMatchObject({ rater: "'@judge", model_a: "'=1+1", model_b: 'b' });
});
