/**
 * Attack: an item file names a local secret as its image (`/etc/passwd`, `../.env`, a symlink to an
 * SSH key, `/dev/zero`, a 450 MB file), and answer collection or the judge sends it to the endpoint
 * as `data:image/png;base64,…`. Defence: images are read only inside the image root (real paths),
 * as regular files under a size cap, and only when their first bytes are an image; anything else
 * is an `invalid_input` unit and nothing of the file leaves the machine. A rubric's `template:`
 * resolves inside the rubric's folder.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, symlinkSync, writeFileSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readImage, sniffImage } from '../../src/io/image.ts';
import { loadRubric, runJudge, type JudgeConfig } from '../../src/judges/index.ts';
import { Item, Response } from '../../src/schema/index.ts';
import { collectAnswers } from '../../src/studies/answer.ts';

import { useOpenAIServer } from '../helpers/use-openai-server.ts';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const SECRET = 'OPENAI_API_KEY=sk-this-is-the-secret-that-must-never-leave-1234567890';

const base = mkdtempSync(join(tmpdir(), 'jk-sec-img-'));
const root = join(base, 'images');
const outside = join(base, 'outside');
mkdirSync(root);
mkdirSync(outside);
writeFileSync(join(root, 'ok.png'), PNG);
writeFileSync(join(root, 'named-like-a-jpeg.jpg'), PNG); // the MIME type comes from the bytes
writeFileSync(join(outside, '.env'), SECRET);
writeFileSync(join(outside, 'id_rsa'), `-----BEGIN OPENSSH PRIVATE KEY-----\n${SECRET}\n-----END OPENSSH PRIVATE KEY-----\n`);
writeFileSync(join(root, 'secret-inside.png'), SECRET); // inside the root, named .png, not an image
symlinkSync(join(outside, 'id_rsa'), join(root, 'innocent.png'));
symlinkSync(outside, join(root, 'linkdir'));
symlinkSync('/dev/zero', join(root, 'zero.png'));
// a 450 MB file that takes no disk: sparse
const big = join(root, 'huge.png');
const fd = openSync(big, 'w');
ftruncateSync(fd, 450 * 1024 * 1024);
closeSync(fd);
writeFileSync(big, PNG, { flag: 'r+' });
let fifo: string | undefined;
try {
  execFileSync('mkfifo', [join(root, 'pipe.png')]);
  fifo = 'pipe.png';
} catch {
  /* no mkfifo: the FIFO case is skipped below */
}

const ATTACKS: Array<[string, string]> = [
  ['an absolute path outside the root', join(outside, '.env')],
  ['/etc/passwd', '/etc/passwd'],
  ['a ../ escape', '../outside/.env'],
  ['a symlink to a private key', 'innocent.png'],
  ['a path through a symlinked folder', 'linkdir/.env'],
  ['a text file named .png inside the root', 'secret-inside.png'],
  ['/dev/zero behind a symlink', 'zero.png'],
  ['a 450 MB file', 'huge.png'],
  ['/dev/zero itself', '/dev/zero'],
];

describe('readImage: the confined image reader', () => {
  it.each(ATTACKS)('refuses %s, with a reason and no bytes', (_what, path) => {
    const r = readImage(root, path);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason.length).toBeGreaterThan(10);
    expect(r).not.toHaveProperty('bytes');
  });

  it.runIf(fifo !== undefined)('refuses a FIFO without blocking', () => {
    const r = readImage(root, fifo!);
    expect(r).toMatchObject({ ok: false });
  });

  it('reads a real image inside the root, typed by its bytes, not its name', () => {
    const a = readImage(root, 'ok.png');
    const b = readImage(root, 'named-like-a-jpeg.jpg');
    expect(a).toMatchObject({ ok: true, mime: 'image/png' });
    expect(b).toMatchObject({ ok: true, mime: 'image/png' });
  });

  it('the size cap is configurable and checked', () => {
    expect(readImage(root, 'ok.png', PNG.length - 1)).toMatchObject({ ok: false });
    expect(readImage(root, 'ok.png', PNG.length)).toMatchObject({ ok: true });
  });

  it('knows PNG, JPEG, GIF and WebP by their signatures and nothing else', () => {
    expect(sniffImage(PNG)).toBe('image/png');
    expect(sniffImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]))).toBe('image/jpeg');
    expect(sniffImage(Buffer.from('GIF89a......'))).toBe('image/gif');
    expect(sniffImage(Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1'))).toBe('image/webp');
    expect(sniffImage(Buffer.from('RIFF\x10\x00\x00\x00WAVEfmt ', 'latin1'))).toBeUndefined();
    expect(sniffImage(Buffer.from(SECRET))).toBeUndefined();
    expect(sniffImage(Buffer.alloc(0))).toBeUndefined();
  });
});

const server = useOpenAIServer();

const fast = { base_ms: 1, max_ms: 5, max_retry_after_ms: 50 };
const b64 = (s: string) => Buffer.from(s).toString('base64');

/** Nothing the server received holds the secret, in clear or as base64 (at any of the 3 alignments). */
function expectNoLeak(): void {
  const seen = JSON.stringify(server.requests);
  expect(seen).not.toContain('sk-this-is-the-secret');
  for (let i = 0; i < 3; i++) expect(seen).not.toContain(b64(SECRET.slice(i)).slice(4, 40));
  expect(seen).not.toContain('root:x:0:0');
  expect(seen).not.toContain(b64('root:x:0:0').slice(0, 12));
}

describe('answer collection never sends a file that is not a confined image', () => {
  const items = [
    ...ATTACKS.map(([, path], i) => Item.parse({ id: `mcq-${i}`, format: 'mcq', question: `Q${i}?`, options: { A: 'a', B: 'b' }, answer: 'A', image: path })),
    Item.parse({ id: 'mcq-good', format: 'mcq', question: 'Good?', options: { A: 'a', B: 'b' }, answer: 'A', image: 'ok.png' }),
  ];

  it('attacks are invalid_input with a reason; the real image goes out; no secret reaches the server', async () => {
    server.handler = () => ({ kind: 'content', content: 'A' });
    const started = Date.now();
    const res = await collectAnswers(items, {
      endpoint: { base_url: server.url, model: 'cand', max_retries: 0, timeout_ms: 2000, supports_images: true },
      imageRoot: root,
      cacheDir: null,
      backoff: fast,
    });
    expect(Date.now() - started).toBeLessThan(10_000); // /dev/zero and the 450 MB file never hang the run
    const byId = new Map(res.records.map((r) => [r.item_id, r]));
    for (let i = 0; i < ATTACKS.length; i++) {
      const rec = byId.get(`mcq-${i}`)!;
      expect(rec.status, ATTACKS[i]![0]).toBe('invalid_input');
      expect(rec.error).toBeTruthy();
      expect(rec.requests).toBe(0);
    }
    expect(byId.get('mcq-good')!.status).toBe('ok');
    expect(server.chatRequests()).toHaveLength(1);
    expect(JSON.stringify(server.chatRequests()[0]!.body)).toContain(`data:image/png;base64,${PNG.toString('base64')}`);
    expectNoLeak();
  });
});

describe('the judge never sends a file that is not a confined image', () => {
  it('attacks are invalid_input judgments; no secret reaches the server', async () => {
    const rubric = await loadRubric('rubrics/medcmr-v1.yaml');
    const items = ATTACKS.map(([, path], i) =>
      Item.parse({ id: `open-${i}`, format: 'open', question: `Q${i}?`, reference: 'ref', image: path, visual_description: 'desc' }),
    );
    const responses = items.map((it) => Response.parse({ item_id: it.id, model: 'm', output: 'Reasoning: r\nAnswer: a' }));
    const judge = { kind: 'llm', endpoint: { base_url: server.url, model: 'judge', output_mode: 'json_mode', max_retries: 0, timeout_ms: 2000, supports_images: true } } as JudgeConfig;
    const r = await runJudge({ items, responses, rubric, judge, cacheDir: null, resamples: 10, seed: 1, imageRoot: root, backoff: fast });
    expect(r.judgments).toHaveLength(ATTACKS.length);
    for (const j of r.judgments) {
      expect(j.status).toBe('invalid_input');
    }
    expect(server.chatRequests()).toHaveLength(0);
    expectNoLeak();
  });
});

describe("a rubric's template stays inside the rubric's folder", () => {
  const dir = mkdtempSync(join(tmpdir(), 'jk-sec-tpl-'));
  mkdirSync(join(dir, 'rubrics'));
  writeFileSync(join(dir, 'secret.txt'), SECRET);
  symlinkSync(join(dir, 'secret.txt'), join(dir, 'rubrics', 'link.md'));
  writeFileSync(join(dir, 'rubrics', 'ok.md'), '{{criteria}}\n{{case}}\n{{format}}\n');
  const rubric = (template: string) =>
    [
      'id: t',
      'version: "1"',
      'scale: {min: 1, max: 2}',
      'criteria:',
      "  - {key: c, name: C, description: d, weight: 1, anchors: {'1': low, '2': high}, inputs: [question, answer]}",
      'aggregation: {method: weighted_mean}',
      `template: ${JSON.stringify(template)}`,
    ].join('\n');

  it.each([
    ['a ../ path', '../secret.txt'],
    ['an absolute path', join(dir, 'secret.txt')],
    ['/etc/passwd', '/etc/passwd'],
    ['a symlink out of the folder', 'link.md'],
  ])('refuses %s as a template, naming the rubric and the field', async (_what, template) => {
    const file = join(dir, 'rubrics', `r-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, rubric(template));
    await expect(loadRubric(file)).rejects.toThrow(/field "template"/);
    await expect(loadRubric(file)).rejects.toThrow(file);
  });

  it('accepts a template beside the rubric', async () => {
    const file = join(dir, 'rubrics', 'good.yaml');
    writeFileSync(file, rubric('ok.md'));
    const lr = await loadRubric(file);
    expect(lr.template).toContain('{{criteria}}');
  });
});
