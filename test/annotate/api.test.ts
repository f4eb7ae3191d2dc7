/**
 * The annotation API as scripts and checks use it: blind (no model name in any response), tokens,
 * 403/409, undo and skip, a label file that the win-ratio and agreement studies read, and a server
 * killed with SIGKILL mid-study that loses no label on restart.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serveAnnotation } from '../../src/annotate/index.ts';
import { spawnJudgekit } from '../helpers/cli.ts';
import { MODELS, modelOf, pairwisePlan } from './fixture.ts';

async function get(url: string): Promise<{ status: number; text: string; json: any }> {
  const r = await fetch(url);
  const text = await r.text();
  return { status: r.status, text, json: text.startsWith('{') ? JSON.parse(text) : undefined };
}
async function post(base: string, path: string, body: unknown): Promise<{ status: number; text: string; json: any }> {
  const r = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, text, json: JSON.parse(text) };
}
const leaks = (s: string) => MODELS.some((m) => s.includes(m));

describe('judgekit annotate: the JSON API', () => {
  it('is blind, checks tokens and assignments, and writes labels the studies read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jk-annot-'));
    const plan = pairwisePlan(dir, 6);
    const s = await serveAnnotation(plan, { host: '127.0.0.1', port: 0 });
    try {
      const base = `http://127.0.0.1:${s.port}`;
      const cred = new Map(s.urls.map((u) => [u.rater, new URL(u.url).searchParams.get('token')!]));
      expect(s.urls.map((u) => u.url)).toEqual(s.urls.map((u) => expect.stringMatching(new RegExp(`^http://127\\.0\\.0\\.1:${s.port}/\\?rater=${u.rater}&token=[0-9a-f]{32}$`))));
      const page = await get(base + '/');
      expect(page.status).toBe(200);
      expect(leaks(page.text + (await get(base + '/app.js')).text)).toBe(false);

      // a request addressed to another host name (DNS rebinding) is refused
      const rebind = await new Promise<number>((resolve) => {
        const req = request({ host: '127.0.0.1', port: s.port, path: '/', headers: { host: `evil.example:${s.port}` } }, (res) => resolve(res.statusCode!));
        req.end();
      });
      expect(rebind).toBe(421);
      // wrong token, unknown rater
      expect((await get(`${base}/api/next?rater=r1&token=${'0'.repeat(32)}`)).status).toBe(403);
      expect((await get(`${base}/api/next?rater=nobody&token=${cred.get('r1')}`)).status).toBe(403);
      expect((await get(`${base}/api/next?rater=r2&token=${cred.get('r1')}`)).status).toBe(403);

      // both raters label everything; r1 prefers the first model, r2 agrees except on ties
      const shownFirst = new Map<string, number>();
      let bodies = '';
      for (const rater of ['r1', 'r2']) {
        const token = cred.get(rater)!;
        let aFirst = 0;
        let n = 0;
        for (;;) {
          const nx = await get(`${base}/api/next?rater=${rater}&token=${token}`);
          bodies += nx.text;
          expect(nx.status).toBe(200);
          if (nx.json.done) break;
          const u = nx.json;
          expect(Object.keys(u)).toEqual(expect.arrayContaining(['unit', 'question', 'reference', 'answers', 'dimensions']));
          expect(u.answers.map((a: any) => a.slot)).toEqual(['A', 'B']);
          const firstSlot = modelOf(u.answers[0].text) === MODELS[0] ? 'A' : 'B';
          if (firstSlot === 'A') aFirst++;
          n++;
          shownFirst.set(`${rater}/${u.unit}`, firstSlot === 'A' ? 0 : 1);
          const pick = rater === 'r2' && n % 3 === 0 ? 'tie' : firstSlot;
          const ok = await post(base, '/api/label', { rater, token, unit: u.unit, labels: { visual_accuracy: pick, ground_truth_correctness: firstSlot } });
          bodies += ok.text;
          expect(ok.status).toBe(200);
          expect(ok.json).toEqual({ ok: true });
          // labelled twice: 409
          expect((await post(base, '/api/label', { rater, token, unit: u.unit, labels: { visual_accuracy: 'A', ground_truth_correctness: 'A' } })).status).toBe(409);
        }
        expect(n).toBe(6);
        expect(Math.abs(aFirst - (n - aFirst))).toBeLessThanOrEqual(1); // balanced order per rater
      }
      expect(leaks(bodies)).toBe(false);

      // a unit not assigned to the rater: 409; a wrong token on POST: 403; bad values: 400
      expect((await post(base, '/api/label', { rater: 'r1', token: cred.get('r1'), unit: 'u0000000000000000', labels: {} })).status).toBe(409);
      expect((await post(base, '/api/label', { rater: 'r1', token: 'x', unit: 'u0000000000000000', labels: {} })).status).toBe(403);

      // undo takes back the last label; the unit comes back; a bad value is 400
      const undo = await post(base, '/api/undo', { rater: 'r1', token: cred.get('r1') });
      expect(undo.status).toBe(200);
      const again = await get(`${base}/api/next?rater=r1&token=${cred.get('r1')}`);
      expect(again.json.unit).toBe(undo.json.unit);
      expect((await post(base, '/api/label', { rater: 'r1', token: cred.get('r1'), unit: undo.json.unit, labels: { visual_accuracy: 'C', ground_truth_correctness: 'A' } })).status).toBe(400);
      const firstSlot = modelOf(again.json.answers[0].text) === MODELS[0] ? 'A' : 'B';
      expect((await post(base, '/api/label', { rater: 'r1', token: cred.get('r1'), unit: undo.json.unit, labels: { visual_accuracy: firstSlot, ground_truth_correctness: firstSlot } })).status).toBe(200);

      // the label file: canonical orientation, so every r1 label says the first model (model_a) won
      const csv = readFileSync(join(dir, 'labels.csv'), 'utf8');
      const lines = csv.trim().split('\n');
      expect(lines[0]).toBe('item_id,rater,model_a,model_b,dimension,value,shown_first,time,ms_spent,unit');
      expect(lines).toHaveLength(1 + 2 * 6 * 2);
      for (const l of lines.slice(1).filter((x) => x.includes(',r1,'))) {
        const [, , modelA, modelB, , value] = l.split(',');
        expect([modelA, modelB]).toEqual([...MODELS].sort()); // the pair in canonical order
        expect(value === 'A' ? modelA : modelB).toBe(MODELS[0]); // what r1 chose, whatever the order shown
      }
      const shown = lines.slice(1).map((l) => l.split(',')[6]);
      expect(shown.filter((m) => m === MODELS[0]).length).toBe(shown.filter((m) => m === MODELS[1]).length);
    } finally {
      await s.server.close();
      s.opened.store.close();
      s.release();
    }
    // the label file runs through the win-ratio comparison and the agreement study
    const wr = spawnJudgekit(['winrate', join(dir, 'labels.csv'), '--compare', 'r1', 'r2', '--bootstrap', '0', '--json']);
    const w = await wr.done;
    expect(w.stderr).toBe('');
    expect(w.code).toBe(0);
    const wj = JSON.parse(w.stdout);
    expect(JSON.stringify(wj)).toContain(MODELS[0]);
    const ag = spawnJudgekit(['agree', join(dir, 'labels.csv'), '--bootstrap', '0', '--json']);
    const a = await ag.done;
    expect(a.code).toBe(0);
    const aj = JSON.parse(a.stdout);
    expect(JSON.stringify(aj)).toContain('ground_truth_correctness');

    // --status counts what was given
    const st = await spawnJudgekit(['annotate', plan, '--status', '--json']).done;
    expect(st.code).toBe(0);
    expect(JSON.parse(st.stdout).raters).toEqual([
      { rater: 'r1', assigned: 6, labelled: 6, skipped: 0, remaining: 0 },
      { rater: 'r2', assigned: 6, labelled: 6, skipped: 0, remaining: 0 },
    ]);
  }, 60_000);

  it('a server killed with SIGKILL and restarted loses no label; tokens stay valid; a second server on the same file is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jk-annot-kill-'));
    const plan = pairwisePlan(dir, 5);
    const start = async () => {
      const run = spawnJudgekit(['annotate', plan, '--port', '0']);
      let out = '';
      await new Promise<void>((resolve, reject) => {
        run.child.stdout!.on('data', (d) => {
          out += d;
          if (/^r2\t/m.test(out)) resolve();
        });
        run.done.then((r) => reject(new Error(`server exited: ${r.stderr}`)));
      });
      const urls = Object.fromEntries(out.split('\n').filter((l) => /^r\d\t/.test(l)).map((l) => l.split('\t') as [string, string]));
      return { run, urls };
    };
    const a = await start();
    const u1 = new URL(a.urls.r1!);
    const base1 = u1.origin;
    const token = u1.searchParams.get('token')!;
    const labelled: string[] = [];
    for (let i = 0; i < 3; i++) {
      const nx = await get(`${base1}/api/next?rater=r1&token=${token}`);
      await post(base1, '/api/label', { rater: 'r1', token, unit: nx.json.unit, labels: { visual_accuracy: 'A', ground_truth_correctness: 'tie' } });
      labelled.push(nx.json.unit);
    }
    // a second server on the same label file is refused, naming the other process
    const second = await spawnJudgekit(['annotate', plan, '--port', '0']).done;
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(new RegExp(`process ${a.run.child.pid}`));
    a.run.child.kill('SIGKILL');
    await a.run.done;
    const before = readFileSync(join(dir, 'labels.csv'), 'utf8');
    expect(before.trim().split('\n')).toHaveLength(1 + 3 * 2);

    const b = await start();
    try {
      const u2 = new URL(b.urls.r1!);
      expect(u2.searchParams.get('token')).toBe(token); // the same link still works
      const nx = await get(`${u2.origin}/api/next?rater=r1&token=${token}`);
      expect(labelled).not.toContain(nx.json.unit); // resumes where r1 stopped
      expect(nx.json.position).toBe(3);
      const st = await spawnJudgekit(['annotate', plan, '--status', '--json']).done;
      expect(JSON.parse(st.stdout).raters[0]).toEqual({ rater: 'r1', assigned: 5, labelled: 3, skipped: 0, remaining: 2 });
      expect(readFileSync(join(dir, 'labels.csv'), 'utf8')).toBe(before);
      // skip needs a reason, and counts
      expect((await post(u2.origin, '/api/skip', { rater: 'r1', token, unit: nx.json.unit })).status).toBe(400);
      expect((await post(u2.origin, '/api/skip', { rater: 'r1', token, unit: nx.json.unit, reason: 'image unreadable' })).status).toBe(200);
    } finally {
      b.run.child.kill('SIGTERM');
      await b.run.done;
    }
  }, 60_000);

  it('a plan with an unknown key is one error naming the file, line and key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jk-annot-bad-'));
    pairwisePlan(dir, 2);
    writeFileSync(join(dir, 'plan.yaml'), 'task: pairwise\nitems: items.jsonl\nresponses: responses.jsonl\nraters: [r1]\nper_unti: 2\nout: l.csv\n');
    const r = await spawnJudgekit(['annotate', join(dir, 'plan.yaml'), '--status']).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, 'plan.yaml')}:5: field "per_unti": unknown key "per_unti"`);
  });
});

describe('judgekit annotate: rubric scoring', () => {
  it("shows one answer with the rubric's criteria, scales and anchors, and writes item_id, model, rater, dimension, value", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jk-annot-rubric-'));
    pairwisePlan(dir, 3);
    writeFileSync(
      join(dir, 'rubric-plan.json'),
      JSON.stringify({ task: 'rubric', items: 'items.jsonl', responses: 'responses.jsonl', rubric: join(process.cwd(), 'rubrics/medcmr-v1.yaml'), raters: ['r1'], seed: 2, out: 'scores.csv' }),
    );
    const s = await serveAnnotation(join(dir, 'rubric-plan.json'), { host: '127.0.0.1', port: 0 });
    try {
      const base = `http://127.0.0.1:${s.port}`;
      const token = new URL(s.urls[0]!.url).searchParams.get('token')!;
      const nx = await get(`${base}/api/next?rater=r1&token=${token}`);
      expect(nx.json.answers).toHaveLength(1);
      expect(nx.json.dimensions.map((d: any) => d.key)).toEqual(['consistency', 'coherence', 'visual_accuracy', 'ground_truth_correctness']);
      expect(nx.json.dimensions[0]).toMatchObject({ min: 1, max: 5 });
      expect(Object.keys(nx.json.dimensions[0].anchors)).toEqual(['1', '2', '3', '4', '5']);
      expect(leaks(nx.text)).toBe(false);
      const scores = { consistency: 5, coherence: 4, visual_accuracy: 3, ground_truth_correctness: 2 };
      expect((await post(base, '/api/label', { rater: 'r1', token, unit: nx.json.unit, labels: { ...scores, coherence: 6 } })).status).toBe(400);
      expect((await post(base, '/api/label', { rater: 'r1', token, unit: nx.json.unit, labels: { consistency: 5 } })).status).toBe(400);
      expect((await post(base, '/api/label', { rater: 'r1', token, unit: nx.json.unit, labels: scores })).status).toBe(200);
      const lines = readFileSync(join(dir, 'scores.csv'), 'utf8').trim().split('\n');
      expect(lines[0]).toBe('item_id,model,rater,dimension,value,time,ms_spent,unit');
      expect(lines.slice(1).map((l) => l.split(',').slice(3, 5).join('='))).toEqual(['consistency=5', 'coherence=4', 'visual_accuracy=3', 'ground_truth_correctness=2']);
      expect(MODELS).toContain(lines[1]!.split(',')[1]);
    } finally {
      await s.server.close();
      s.opened.store.close();
      s.release();
    }
  });
});
