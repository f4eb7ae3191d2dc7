import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/io/errors.ts';
import { readPreferences } from '../../src/io/preferences.ts';

const dir = mkdtempSync(join(tmpdir(), 'judgekit-prefs-'));
const write = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('readPreferences', () => {
  it('reads winners in any case, keeps failures (status not ok, or empty winner) apart', async () => {
    const f = write('ok.csv', 'item_id,rater,model_a,model_b,winner,status,dimension\n1,h,x,y,a,ok,acc\n1,h,x,y,TIE,ok,coh\n2,h,x,y,,ok,acc\n3,h,x,y,B,parse_error,acc\n');
    const rows = await readPreferences(f);
    expect(rows.map((r) => [r.winner, r.status, r.dimension])).toEqual([
      ['A', 'ok', 'acc'],
      ['tie', 'ok', 'coh'],
      [null, 'missing', 'acc'],
      [null, 'parse_error', 'acc'],
    ]);
  });

  it('names the file, line and field of a bad row', async () => {
    const bad = write('bad.csv', 'item_id,rater,model_a,model_b,winner\n1,h,x,y,A\n2,h,x,y,C\n');
    await expect(readPreferences(bad)).rejects.toThrow(InputError);
    await expect(readPreferences(bad)).rejects.toThrow(`${bad}:3: field "winner": winner must be A, B or tie, not "C"`);
    const dup = write('dup.csv', 'item_id,rater,model_a,model_b,winner\n1,h,x,y,A\n1,h,y,x,B\n');
    await expect(readPreferences(dup)).rejects.toThrow(/dup\.csv:3: field "item_id": .*twice \(first at line 2\)/);
    const same = write('same.csv', 'item_id,rater,model_a,model_b,winner\n1,h,x,x,A\n');
    await expect(readPreferences(same)).rejects.toThrow(/same\.csv:2: field "model_b"/);
    const missing = write('missing.csv', 'item_id,rater,model_a,winner\n1,h,x,A\n');
    await expect(readPreferences(missing)).rejects.toThrow(/missing\.csv:2: field "model_b": missing column "model_b"/);
  });

  it('reads JSONL Preference records (null winner = failure)', async () => {
    const f = write('p.jsonl', '{"item_id":"1","rater":"j","model_a":"x","model_b":"y","winner":"A","status":"ok"}\n{"item_id":"2","rater":"j","model_a":"x","model_b":"y","winner":null,"status":"refusal"}\n');
    const rows = await readPreferences(f);
    expect(rows.map((r) => r.status)).toEqual(['ok', 'refusal']);
  });
});
