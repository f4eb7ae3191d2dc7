/**
 * The label store under the failures a real server meets: a kill in the middle of a journal write
 * (a torn last line), and a label file that cannot be rewritten for a while. Nothing acknowledged
 * may be lost, and the server must keep working.
 */
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { Unit } from '../../src/annotate/assign.ts';
import { LabelStore, sideFiles } from '../../src/annotate/store.ts';

const units: Unit[] = ['u1', 'u2', 'u3'].map((id, i) => ({ id, item_id: `i${i}`, model_a: 'm' }));
const assignment = new Map([['r1', units.map((u) => ({ unit: u.id, flipped: false }))]]);
const open = (out: string) => new LabelStore(out, 'rubric', units, assignment);
const rows = (out: string) => readFileSync(out, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').slice(0, 5).join(','));

describe('the annotation label store', () => {
  it('a write torn by a kill is cut off on restart: the next labels are kept, and every later restart works', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'jk-store-')), 'labels.csv');
    let s = open(out);
    await s.label('r1', 'u1', { acc: 3 }, 10);
    s.close();
    appendFileSync(sideFiles(out).journal, '{"type":"label","rater":"r1","un'); // the kill, mid-write (never acknowledged)
    s = open(out);
    expect(s.next('r1')?.unit.id).toBe('u2');
    await s.label('r1', 'u2', { acc: 4 }, 10); // acknowledged
    s.close();
    for (let restart = 0; restart < 2; restart++) {
      s = open(out);
      expect(s.next('r1')?.unit.id).toBe('u3');
      await s.flush();
      expect(rows(out)).toEqual(['i0,m,r1,acc,3', 'i1,m,r1,acc,4']);
      s.close();
    }
    expect(readFileSync(sideFiles(out).journal, 'utf8').endsWith('\n')).toBe(true);
  });

  it('a damaged line that is not the torn tail is an error naming the journal and the line', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'jk-store-')), 'labels.csv');
    appendFileSync(sideFiles(out).journal, 'not json\n{"type":"skip","rater":"r1","unit":"u1","reason":"x","time":"t"}\n');
    expect(() => open(out)).toThrow(/labels\.csv\.journal\.jsonl:1: malformed journal line/);
  });

  it('a label file that cannot be rewritten for a while loses no label and does not block later ones', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'jk-store-')), 'labels.csv');
    const s = open(out);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      mkdirSync(out); // the label file's place is taken: the atomic rename fails
      await s.label('r1', 'u1', { acc: 2 }, 5); // saved in the journal, said on stderr, no throw
      expect(String(stderr.mock.calls.at(-1)?.[0])).toMatch(/could not be rewritten/);
      rmSync(out, { recursive: true });
      await s.label('r1', 'u2', { acc: 5 }, 5); // the cause is gone: this rewrite carries both
      expect(rows(out)).toEqual(['i0,m,r1,acc,2', 'i1,m,r1,acc,5']);
    } finally {
      stderr.mockRestore();
      s.close();
    }
  });
});
