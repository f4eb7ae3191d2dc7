import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Item } from '../../src/schema/index.ts';
import { Rng } from '../../src/stats/random.ts';
import { balancedPositions, mcqToOpen, normaliseAnswer, openToMcq, pairIdOf, refersToOptions } from '../../src/studies/reformulate.ts';
import { openToMcqLlm, parseDistractors } from '../../src/studies/reformulate-llm.ts';
import { OpenAIServer, promptText } from '../helpers/openai-server.ts';

const mcq = (id: string, answer: string, extra: Partial<Item> = {}): Item =>
  Item.parse({ id, format: 'mcq', question: `What is shown in ${id}?`, options: { A: `a-${id}`, B: `b-${id}`, C: `c-${id}` }, answer, task: 'SOD', image: `imgs/${id}.png`, ...extra });

const open = (id: string, reference: string, task: string): Item => Item.parse({ id, format: 'open', question: `Q ${id}?`, reference, task, modality: 'CT' });

describe('MCQ → open-ended', () => {
  it('drops the options, takes the correct option text as reference, links by pair_id and records provenance', () => {
    const src = [mcq('m1', 'B'), mcq('m2', 'C', { pair_id: 'P2', meta: { index: 2 } }), open('o1', 'x', 'SOD')];
    const { items, skipped, summary } = mcqToOpen(src);
    expect(items).toHaveLength(2);
    expect(skipped).toEqual([{ id: 'o1', reason: 'not an MCQ item' }]);
    const [a, b] = items as [Item, Item];
    expect(a).toMatchObject({ id: 'm1#open', format: 'open', reference: 'b-m1', pair_id: 'm1', task: 'SOD', image: 'imgs/m1.png', question: 'What is shown in m1?' });
    expect(a.options).toBeUndefined();
    expect(a.answer).toBeUndefined();
    expect(a.meta).toMatchObject({ source_item_id: 'm1', method: 'mcq_to_open', seed: null, source_answer: 'B', refers_to_options: false });
    expect(b).toMatchObject({ reference: 'c-m2', pair_id: 'P2' });
    expect(b.meta!.source_meta).toEqual({ index: 2 });
    expect(pairIdOf(src[0]!)).toBe(pairIdOf(a));
    for (const it of items) expect(Item.safeParse(it).success).toBe(true);
    expect(summary).toMatchObject({ generated: 2, skipped: 1, refers_to_options: 0 });
  });

  it('flags questions that point at their options instead of rewriting them', () => {
    expect(refersToOptions('Which of the following is the most likely diagnosis?')).toBe(true);
    expect(refersToOptions('Which option best describes the lesion?')).toBe(false);
    expect(refersToOptions('All of the above except which finding?')).toBe(true);
    expect(refersToOptions('What is the most likely diagnosis?')).toBe(false);
    const { items, summary } = mcqToOpen([mcq('m1', 'A', { question: 'Which of the following is seen?' })]);
    expect(items[0]!.question).toBe('Which of the following is seen?');
    expect(items[0]!.meta!.refers_to_options).toBe(true);
    expect(summary.refers_to_options).toBe(1);
  });
});

describe('open-ended → MCQ', () => {
  const pool = (): Item[] => {
    const out: Item[] = [];
    for (let i = 0; i < 23; i++) out.push(open(`s${i}`, `answer ${i}`, 'SOD'));
    for (let i = 0; i < 12; i++) out.push(open(`c${i}`, `cause ${i}`, 'CR'));
    return out;
  };

  it('draws distractors from other answers of the same task, distinct from the answer and each other', () => {
    const src = pool();
    src.push(open('dup', 'Answer 0.', 'SOD')); // same answer as s0 after normalisation
    const { items, skipped } = openToMcq(src, { seed: 11 });
    expect(skipped).toEqual([]);
    expect(items).toHaveLength(src.length);
    const byId = new Map(src.map((s) => [s.id, s]));
    for (const it of items) {
      expect(Item.safeParse(it).success).toBe(true);
      const s = byId.get(it.meta!.source_item_id as string)!;
      expect(it.id).toBe(`${s.id}#mcq`);
      expect(it.pair_id).toBe(s.id);
      expect(it.options![it.answer!]).toBe(s.reference);
      expect(it.meta).toMatchObject({ method: 'open_to_mcq_pool', seed: 11 });
      const texts = Object.values(it.options!).map(normaliseAnswer);
      expect(new Set(texts).size).toBe(5);
      const distractors = Object.entries(it.options!).filter(([L]) => L !== it.answer).map(([, t]) => t);
      for (const d of distractors) {
        expect(normaliseAnswer(d)).not.toBe(normaliseAnswer(s.reference!));
        expect(src.some((o) => o.id !== s.id && o.task === s.task && o.reference === d)).toBe(true);
      }
    }
    // s0 and dup share an answer: neither is offered as the other's distractor
    const dup = items.find((i) => i.id === 'dup#mcq')!;
    expect(Object.values(dup.options!).filter((t) => normaliseAnswer(t) === 'answer 0')).toHaveLength(1);
  });

  it('balances the correct position across items and is reproducible for a seed', () => {
    const a = openToMcq(pool(), { seed: 5 });
    const b = openToMcq(pool(), { seed: 5 });
    const c = openToMcq(pool(), { seed: 6 });
    expect(a.items).toEqual(b.items);
    expect(a.items).not.toEqual(c.items);
    const counts: Record<string, number> = {};
    for (const it of a.items) counts[it.answer!] = (counts[it.answer!] ?? 0) + 1;
    // 35 items over 5 letters: exactly 7 each
    expect(counts).toEqual({ A: 7, B: 7, C: 7, D: 7, E: 7 });
  });

  it('a small task borrows from other tasks (recorded), or is skipped or shortened on request', () => {
    const src = [open('t1', 'one', 'TP'), open('t2', 'two', 'TP'), ...pool()];
    const fill = openToMcq(src, { seed: 1 });
    const t1 = fill.items.find((i) => i.id === 't1#mcq')!;
    expect(Object.keys(t1.options!)).toHaveLength(5);
    expect(t1.meta!.distractors_from_other_tasks).toBe(3);
    expect(fill.summary.items_with_other_task_distractors).toBe(2);
    const skip = openToMcq(src, { seed: 1, shortfall: 'skip' });
    expect(skip.skipped.map((s) => s.id)).toEqual(['t1', 't2']);
    const fewer = openToMcq(src, { seed: 1, shortfall: 'fewer_options' });
    const f1 = fewer.items.find((i) => i.id === 't1#mcq')!;
    expect(f1.options).toEqual(f1.answer === 'A' ? { A: 'one', B: 'two' } : { A: 'two', B: 'one' });
    // the two 2-option items are balanced between themselves: one answer A, one answer B
    const twoOpt = fewer.items.filter((i) => Object.keys(i.options!).length === 2).map((i) => i.answer).sort();
    expect(twoOpt).toEqual(['A', 'B']);
  });

  it('balancedPositions uses every position ⌊n/k⌋ or ⌈n/k⌉ times', () => {
    const rng = new Rng(3);
    for (const [n, k] of [[0, 5], [3, 5], [12, 5], [101, 4]] as const) {
      const pos = balancedPositions(n, k, rng);
      expect(pos).toHaveLength(n);
      const counts = new Array(k).fill(0);
      for (const p of pos) counts[p]++;
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    }
  });
});

describe('open-ended → MCQ with LLM distractors (local OpenAI-compatible server)', () => {
  let server: OpenAIServer;
  beforeAll(async () => {
    server = await OpenAIServer.start();
  });
  afterAll(async () => {
    await server.close();
  });
  const src = Array.from({ length: 10 }, (_, i) => open(`o${i}`, `diagnosis ${i}`, 'LTG'));

  it('checks replies: enough distinct distractors, none equal to the answer', () => {
    expect(parseDistractors('{"distractors": ["x", "y"]}', 'z', 2)).toEqual({ ok: true, value: ['x', 'y'], method: 'json' });
    expect(parseDistractors('```json\n{"distractors": ["x", "Z.", "y", "X"]}\n```', 'z', 2)).toEqual({ ok: true, value: ['x', 'y'], method: 'json' });
    expect(parseDistractors('{"distractors": ["x", "z"]}', 'z', 2).ok).toBe(false);
    expect(parseDistractors('no json', 'z', 2).ok).toBe(false);
  });

  it('builds balanced MCQs from the replies; unusable replies are skipped with their status, not filled at random', async () => {
    server.handler = (req) => {
      const t = promptText(req);
      const m = /Correct answer: (.*)/.exec(t)!;
      if (m[1] === 'diagnosis 3') return { kind: 'content', content: '{"distractors": ["diagnosis 3", "a", "b", "c"]}' };
      return { kind: 'content', content: JSON.stringify({ distractors: [1, 2, 3, 4].map((j) => `${m[1]} mimic ${j}`) }) };
    };
    const ep = { base_url: server.url, model: 'distractor-model', max_retries: 0, timeout_ms: 2000 };
    const r = await openToMcqLlm(src, { endpoint: ep, seed: 3, cacheDir: null });
    expect(r.items).toHaveLength(9);
    expect(r.skipped).toHaveLength(1);
    expect(r.skipped[0]!.id).toBe('o3');
    expect(r.skipped[0]!.reason).toMatch(/parse_error/);
    expect(server.chatRequests().length).toBe(11); // 10 items + 1 repair of o3
    for (const it of r.items) {
      expect(Item.safeParse(it).success).toBe(true);
      expect(it.options![it.answer!]).toBe(it.meta!.source_reference);
      expect(it.meta).toMatchObject({ method: 'open_to_mcq_llm', seed: 3, distractor_model: 'distractor-model' });
    }
    const counts: Record<string, number> = {};
    for (const it of r.items) counts[it.answer!] = (counts[it.answer!] ?? 0) + 1;
    expect(Math.max(...Object.values(counts)) - Math.min(...Object.values(counts))).toBeLessThanOrEqual(1);
    expect(Object.keys(counts)).toHaveLength(5);
    expect(r.summary).toMatchObject({ generated: 9, llm_ok: 9, llm_parse_error: 1 });
  });
});
