import { mkdtemp, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, readItems, readLabels, readResponses, readAllRows, writeFileAtomic } from '../../src/io/index.ts';

async function tmp(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'jk-io-'));
  const p = join(dir, name);
  await writeFile(p, text);
  return p;
}

async function errorOf(p: Promise<unknown>): Promise<InputError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

const mcq = (id: string, answer = 'A') => JSON.stringify({ id, format: 'mcq', question: 'q?', options: { A: 'x', B: 'y' }, answer });

describe('item readers', () => {
  it('reads JSONL items and names file, line and field of a bad one', async () => {
    const p = await tmp('items.jsonl', [mcq('a'), '', mcq('b', 'C')].join('\n'));
    const e = await errorOf(readItems(p));
    expect(e.line).toBe(3);
    expect(e.field).toBe('answer');
    expect(e.message).toContain(p);
    expect(e.message).toMatch(/not among the options/);
  });

  it('rejects malformed JSON with its line', async () => {
    const p = await tmp('items.jsonl', mcq('a') + '\n{"id": "b",\n');
    const e = await errorOf(readItems(p));
    expect(e.line).toBe(2);
    expect(e.message).toMatch(/malformed JSON/);
  });

  it('reads CRLF line ends and a last line without a newline, counting lines exactly', async () => {
    const p = await tmp('items.jsonl', [mcq('a'), '', mcq('b')].join('\r\n'));
    const rows = await readAllRows(p);
    expect(rows.map((r) => r.line)).toEqual([1, 3]);
    expect((await readItems(p)).size).toBe(2);
  });

  it('skips a UTF-8 byte-order mark before the first JSONL line (and counts that line as line 1)', async () => {
    const p = await tmp('items.jsonl', '\uFEFF' + [mcq('a'), mcq('b')].join('\n') + '\n');
    const rows = await readAllRows(p);
    expect(rows.map((r) => r.line)).toEqual([1, 2]);
    expect([...(await readItems(p)).keys()]).toEqual(['a', 'b']);
  });

  it('reads lines that cross the 1 MiB read chunks: split characters, split CRLF, one line over three chunks', async () => {
    // records of varied length with multi-byte text (答案, é, an emoji), blank lines, CRLF ends and
    // one 2.5 MiB line, so that chunk boundaries fall inside characters, between \r and \n and
    // inside lines: every record must come back whole, in order, with its line number
    const lines: string[] = [];
    const expected: { line: number; output: string }[] = [];
    let n = 0;
    for (let i = 0; n < 3.5 * (1 << 20); i++) {
      const output = i === 700 ? 'x'.repeat(2.5 * (1 << 20)) + '答案：C' : `${'答案é😀'.repeat(i % 13)}${'a'.repeat((i * 37) % 500)} ${i}`;
      const text = i % 9 === 4 ? '' : JSON.stringify({ item_id: `i${i}`, model: 'm', output });
      if (text) expected.push({ line: i + 1, output });
      lines.push(text);
      n += Buffer.byteLength(text) + 2;
    }
    const p = await tmp('responses.jsonl', lines.join(lines.length % 2 ? '\r\n' : '\n') + '\r\n');
    const rows = await readAllRows(p);
    expect(rows.map((r) => r.line)).toEqual(expected.map((e) => e.line));
    expect(rows.every((r, k) => r.value.output === expected[k]!.output)).toBe(true);
    const mixed = await tmp('responses.jsonl', lines.map((l, i) => l + (i % 3 === 0 ? '\r\n' : '\n')).join('') + '{"item_id": "x", "model": "m", "output": "é"}');
    const rows2 = await readAllRows(mixed);
    expect(rows2.map((r) => r.line)).toEqual([...expected.map((e) => e.line), lines.length + 1]);
    expect(rows2.at(-1)!.value.output).toBe('é');
    expect(rows2.every((r, k) => k === rows2.length - 1 || r.value.output === expected[k]!.output)).toBe(true);
  });

  it('rejects duplicate ids and missing fields', async () => {
    const dup = await tmp('items.jsonl', [mcq('a'), mcq('a')].join('\n'));
    expect((await errorOf(readItems(dup))).field).toBe('id');
    const missing = await tmp('items.jsonl', JSON.stringify({ id: 'o1', format: 'open', question: 'q' }));
    const e = await errorOf(readItems(missing));
    expect(e.field).toBe('reference');
    const typed = await tmp('items.jsonl', JSON.stringify({ id: 7, format: 'open', question: 'q', reference: 'r' }));
    expect((await errorOf(readItems(typed))).field).toBe('id');
  });

  it('reads the Med-CMR release files as they are, streamed from a JSON array', async () => {
    const release = [
      { index: 3, question: 'Which?', image_path: 'imgs/3.png', A: 'a', B: 'b', C: 'c', D: 'd', E: 'e', answer: 'c', visual_description: 'vd', task: 'LTG', subtype: 's', 'question type': 'qt', modality: 'CT', 'organ system': 'Nervous' },
      { index: 4, question: 'What "is" {this}?\n', image_path: 'imgs/4.png', answer: 'a lesion', visual_description: 'vd', task: 'CR', subtype: 's', 'question type': 'qt', modality: 'MRI', 'organ system': 'Cardio' },
    ];
    const p = await tmp('cmed.copy.mcq_cate.cleaned.json', JSON.stringify(release, null, 2));
    const items = await readItems(p);
    const m = items.get('mcq-3')!;
    expect(m.format).toBe('mcq');
    expect(m.answer).toBe('C');
    expect(m.options).toEqual({ A: 'a', B: 'b', C: 'c', D: 'd', E: 'e' });
    expect(m.organ_system).toBe('Nervous');
    expect(m.meta).toMatchObject({ question_type: 'qt', subtype: 's', index: 3 });
    const o = items.get('open-4')!;
    expect(o.format).toBe('open');
    expect(o.reference).toBe('a lesion');
    expect(o.question).toBe('What "is" {this}?\n');
    const rows = await readAllRows(p);
    expect(rows.map((r) => r.line)).toEqual([2, 19]);
  });

  it('names the line of a Med-CMR record whose answer letter is not an option', async () => {
    const p = await tmp('cmed.json', JSON.stringify([{ index: 1, question: 'q', image_path: 'x', A: 'a', B: 'b', answer: 'F', 'organ system': 'o' }], null, 1));
    const e = await errorOf(readItems(p));
    expect(e.field).toBe('answer');
    expect(e.line).toBe(2);
  });

  it('reads CSV items with option columns', async () => {
    const p = await tmp('items.csv', 'id,format,question,A,B,C,answer,task\nq1,mcq,"Which, one?",x,y,z,B,SOD\n');
    const items = await readItems(p);
    expect(items.get('q1')!.options).toEqual({ A: 'x', B: 'y', C: 'z' });
  });

  it('rejects malformed CSV with a line number', async () => {
    const p = await tmp('items.csv', 'id,format,question\nq1,mcq,"unterminated\n');
    const e = await errorOf(readItems(p));
    expect(e.message).toMatch(/malformed CSV/);
  });
});

describe('response and label readers', () => {
  it('rejects a response whose item does not exist, naming the line and field', async () => {
    const items = await readItems(await tmp('items.jsonl', mcq('a')));
    const p = await tmp('r.jsonl', [JSON.stringify({ item_id: 'a', model: 'm', output: 'A' }), JSON.stringify({ item_id: 'zz', model: 'm', output: 'B' })].join('\n'));
    const e = await errorOf(readResponses(p, items));
    expect(e.line).toBe(2);
    expect(e.field).toBe('item_id');
  });

  it('reads long-form labels, numbers as numbers, skipping empty values', async () => {
    const p = await tmp('l.csv', 'item_id,rater,value,dimension\n1,h1,3,rel\n1,h2,,rel\n2,h1,good,rel\n');
    const labels = await readLabels(p);
    expect(labels).toEqual([
      { item_id: '1', rater: 'h1', value: 3, dimension: 'rel' },
      { item_id: '2', rater: 'h1', value: 'good', dimension: 'rel' },
    ]);
    const bad = await tmp('l.csv', 'item,rater,value\n1,h1,3\n');
    expect((await errorOf(readLabels(bad))).field).toBe('item_id');
  });
});

describe('atomic writes', () => {
  it('leaves only the final file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jk-at-'));
    await writeFileAtomic(join(dir, 'out.json'), '{}');
    expect(await readdir(dir)).toEqual(['out.json']);
  });
});
