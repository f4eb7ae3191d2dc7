import { appendFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DiskCache } from '../../src/llm/cache.ts';

describe('DiskCache', () => {
  it('keeps entries across reopen, one segment per writer', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jk-cache-'));
    const a = DiskCache.open<{ x: number }>(dir);
    a.put('k1', { x: 1 });
    a.put('k2', { x: 2 });
    a.close();
    const b = DiskCache.open<{ x: number }>(dir);
    expect(b.get('k1')).toEqual({ x: 1 });
    b.put('k3', { x: 3 });
    b.close();
    expect(readdirSync(dir).filter((f) => f.endsWith('.jsonl'))).toHaveLength(2);
    const c = DiskCache.open<{ x: number }>(dir);
    expect(c.size).toBe(3);
    expect(c.get('k3')).toEqual({ x: 3 });
  });

  it('skips a torn last line and a corrupt line, and keeps the rest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jk-cache-'));
    const seg = join(dir, 'seg-1-1-aaaa.jsonl');
    writeFileSync(seg, JSON.stringify({ k: 'a', v: 1 }) + '\n' + 'garbage\n' + JSON.stringify({ k: 'b', v: 2 }) + '\n');
    appendFileSync(seg, '{"k":"c","v":'); // killed mid-write
    const c = DiskCache.open<number>(dir);
    expect(c.get('a')).toBe(1);
    expect(c.get('b')).toBe(2);
    expect(c.has('c')).toBe(false);
    expect(c.skipped).toBe(2);
  });

  it('does not create a segment when nothing is written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jk-cache-'));
    DiskCache.open(dir).close();
    expect(readdirSync(dir)).toHaveLength(0);
  });
});
