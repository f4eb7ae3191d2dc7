import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDataset, DatasetManifest } from '../../src/datasets/get.ts';
import { DATASETS, findDataset, pinnedFiles } from '../../src/datasets/registry.ts';
import { hashFile } from '../../src/io/hash.ts';
import { dataset, sharedData } from '../helpers/datasets.ts';

const BIN = new URL('../../bin/judgekit.js', import.meta.url).pathname;
const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
const MIRROR = sharedData();

describe('the registry', () => {
  it('pins every file of the four datasets with its SHA-256, and the pins match the upstream copies', async () => {
    expect(DATASETS.map((d) => d.name)).toEqual(['pandalm', 'llmbar', 'kqa', 'sottana']);
    for (const d of DATASETS) {
      expect(d.origin.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(d.origin.raw_base).toBe(`${d.origin.repository.replace('https://github.com/', 'https://raw.githubusercontent.com/')}/${d.origin.commit}/`);
      const pins = pinnedFiles(d.name);
      for (const f of pins.slice(0, 5)) expect(await hashFile(join(MIRROR, d.mirror_folder, f.path))).toEqual({ sha256: f.sha256, bytes: f.bytes });
    }
    expect(pinnedFiles('pandalm').map((f) => f.upstream).sort()).toEqual(['data/gpt-3.5-turbo-testset-v1.json', 'data/pandalm-7b-testset-v1.json', 'data/testset-v1.json']);
    // 49 result.json + every statistics.json of LLMBar; the renamed LLMEval^2 folder maps back upstream
    expect(pinnedFiles('llmbar').filter((f) => f.path.endsWith('result.json'))).toHaveLength(49);
    expect(pinnedFiles('llmbar').find((f) => f.path.startsWith('Processed/LLMEval2/'))!.upstream).toMatch(/^Dataset\/Processed\/LLMEval\^2\//);
  });

  it('datasets list --json: name, origin, license, citation, outputs and the published numbers of each', () => {
    const p = run(['datasets', 'list', '--json', '--dir', join(tmpdir(), 'jk-nowhere')]);
    expect(p.status).toBe(0);
    const rows = JSON.parse(p.stdout) as { name: string; files: number; present: boolean; published: unknown[]; license: string; citation: string }[];
    expect(rows.map((r) => [r.name, r.files, r.present])).toEqual([['pandalm', 3, false], ['llmbar', 398, false], ['kqa', 1, false], ['sottana', 102, false]]);
    for (const r of rows) expect(r.published.length && r.license && r.citation).toBeTruthy();
  });
});

describe('datasets get --mirror', () => {
  it('converts, records the conversion, prints where the files went; a second get does nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jk-ds-'));
    const p = run(['datasets', 'get', 'kqa', '--dir', dir, '--mirror', MIRROR, '--json']);
    expect(p.status, p.stderr).toBe(0);
    const [r] = JSON.parse(p.stdout) as { status: string; dir: string; files: string[] }[];
    expect(r).toEqual({ dataset: 'kqa', status: 'converted', dir: join(dir, 'kqa'), files: ['labels.csv'] });
    const m = DatasetManifest.parse(JSON.parse(await readFile(join(dir, 'kqa/manifest.json'), 'utf8')));
    expect(m.origin.commit).toBe(findDataset('kqa')!.origin.commit);
    expect(m.source).toBe(`mirror:${join(MIRROR, 'kqa')}`);
    expect(m.inputs).toEqual(pinnedFiles('kqa'));
    expect(m.outputs[0]!.sha256).toBe((await hashFile(join(dir, 'kqa/labels.csv'))).sha256);
    expect(m.conversion.length).toBeGreaterThan(0);
    expect(await readFile(join(dir, 'kqa/README.md'), 'utf8')).toContain('Itaymanes/K-QA');
    const before = (await stat(join(dir, 'kqa/labels.csv'))).mtimeMs;
    const again = run(['datasets', 'get', 'kqa', '--dir', dir, '--mirror', MIRROR]);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/kqa: already present and verified/);
    expect((await stat(join(dir, 'kqa/labels.csv'))).mtimeMs).toBe(before);
    // a changed output is not "present": the next get converts again
    await writeFile(join(dir, 'kqa/labels.csv'), 'item_id,rater,value\n');
    expect((await getDataset('kqa', { dir, mirror: MIRROR })).status).toBe('converted');
    expect(readFileSync(join(dir, 'kqa/labels.csv'), 'utf8')).toBe(readFileSync(join(await dataset('kqa'), 'labels.csv'), 'utf8'));
  });

  it('a file whose SHA-256 differs is an error (exit 2) and nothing is written', async () => {
    const mirror = await mkdtemp(join(tmpdir(), 'jk-mirror-'));
    await cp(join(MIRROR, 'kqa'), join(mirror, 'kqa'), { recursive: true });
    await writeFile(join(mirror, 'kqa/NLI_medical_annotator.csv'), readFileSync(join(mirror, 'kqa/NLI_medical_annotator.csv'), 'utf8').replace('Entailment', 'Neutral'));
    const dir = await mkdtemp(join(tmpdir(), 'jk-ds-'));
    const p = run(['datasets', 'get', 'kqa', '--dir', dir, '--mirror', mirror]);
    expect(p.status).toBe(2);
    expect(p.stderr).toMatch(/NLI_medical_annotator\.csv: SHA-256 does not match the pinned/);
    expect(await readdir(dir)).toEqual([]);
    const missing = run(['datasets', 'get', 'pandalm', '--dir', dir, '--mirror', mirror]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/pandalm_testset/);
    expect(run(['datasets', 'get', 'nope', '--dir', dir]).stderr).toMatch(/unknown dataset "nope" \(known: pandalm, llmbar, kqa, sottana\)/);
  });
});

describe('datasets get from the network (a local server standing in for the origin)', () => {
  const spec = findDataset('pandalm')!;
  const files = new Map(pinnedFiles('pandalm').map((f) => ['/' + f.upstream, join(MIRROR, spec.mirror_folder, f.path)]));
  const seen: { url: string; range: string | undefined }[] = [];
  let mode: 'cut' | 'ok' | 'corrupt' = 'ok';
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = decodeURIComponent(req.url!);
      seen.push({ url, range: req.headers.range });
      const path = files.get(url);
      if (!path) return void res.writeHead(404).end();
      let body = readFileSync(path);
      if (mode === 'corrupt' && url === '/data/testset-v1.json') body = Buffer.concat([body.subarray(0, body.length - 1), Buffer.from('!')]);
      const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      const start = m ? Number(m[1]) : 0;
      res.writeHead(m ? 206 : 200, { 'content-length': String(body.length - start) });
      if (mode === 'cut' && url === '/data/testset-v1.json') {
        // half the file, then the connection drops
        res.write(body.subarray(start, start + 300_000));
        setTimeout(() => res.destroy(), 50);
        return;
      }
      res.end(body.subarray(start));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('an interrupted download resumes with a Range request, is verified and converted like the mirror', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jk-dl-'));
    mode = 'cut';
    await expect(getDataset('pandalm', { dir, baseUrl: base })).rejects.toThrow();
    expect(existsSync(join(dir, 'pandalm'))).toBe(false);
    const part = join(dir, '.downloads/pandalm/testset-v1.json.part');
    const have = (await stat(part)).size;
    expect(have).toBeGreaterThan(0);
    mode = 'ok';
    seen.length = 0;
    let last = 0;
    const r = await getDataset('pandalm', { dir, baseUrl: base, progress: (done, total) => (last = done / total) });
    expect(r.status).toBe('converted');
    expect(last).toBe(1);
    // the two finished files are not fetched again; the cut one continues where it stopped
    expect(seen).toEqual([{ url: '/data/testset-v1.json', range: `bytes=${have}-` }]);
    const ref = await dataset('pandalm');
    for (const f of ['labels.csv', 'preferences.csv']) expect(readFileSync(join(dir, 'pandalm', f), 'utf8')).toBe(readFileSync(join(ref, f), 'utf8'));
    const m = DatasetManifest.parse(JSON.parse(await readFile(join(dir, 'pandalm/manifest.json'), 'utf8')));
    expect(m.source).toBe('download');
  });

  it('a downloaded file with the wrong SHA-256 is deleted and nothing is converted', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jk-dl-'));
    mode = 'corrupt';
    await expect(getDataset('pandalm', { dir, baseUrl: base })).rejects.toThrow(/does not match the pinned/);
    mode = 'ok';
    expect(existsSync(join(dir, 'pandalm'))).toBe(false);
    const left = await readdir(join(dir, '.downloads/pandalm'));
    expect(left.sort()).toEqual(['gpt-3.5-turbo-testset-v1.json', 'pandalm-7b-testset-v1.json']);
  });
});
