/**
 * The published package: what `npm pack` puts in the tarball, and that another folder can import
 * the typed API and run the binary from it with no TypeScript at run time.
 *
 * The tarball is installed by hand (extracted into node_modules/judgekit, each runtime dependency
 * linked from this checkout's node_modules): `npm install --offline judgekit-x.tgz` would need
 * the registry's metadata of every dependency in the npm cache, which a clean CI machine has not.
 * What is checked is the same: the tarball's files, its `exports` map and its `bin`.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { krippendorffAlpha } from '../../src/stats/index.ts';
import { VERSION } from '../../src/version.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

let dir: string;
let app: string;
let files: string[];
let pkg: { dependencies: Record<string, string>; devDependencies: Record<string, string>; exports: unknown };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'jk-pack-'));
  // dist/ is current (npm ci built it; the globalSetup refreshed what changed since): no rebuild here
  const packed = JSON.parse(execFileSync(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' })) as { filename: string; files: { path: string }[] }[];
  files = packed[0]!.files.map((f) => f.path);
  app = join(dir, 'app');
  const installed = join(app, 'node_modules', 'judgekit');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', join(dir, packed[0]!.filename), '-C', installed, '--strip-components=1']);
  pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
  for (const dep of Object.keys(pkg.dependencies)) {
    const target = join(app, 'node_modules', dep);
    mkdirSync(join(target, '..'), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', dep), target, 'dir');
  }
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const KRIPP2011 = [
  [1, 1, null, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4],
  [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [null, 5, 5, 5], [null, null, 1, 1], [null, null, 3, null],
];

describe('npm pack', () => {
  it('ships compiled JavaScript with declarations, the data files the code reads, the binary; no sources, no TypeScript loader', () => {
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'dist/stats/krippendorff.d.ts', 'dist/datasets/pins.json', 'bin/judgekit.js', 'rubrics/templates/rubric-judge-v1.md', 'experiments/default.yaml']) {
      expect(files).toContain(f);
    }
    expect(files.filter((f) => f.startsWith('src/') || f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(files).not.toContain('bin/run-ts.js');
    expect(Object.keys(pkg.dependencies)).not.toContain('tsx');
    expect(Object.keys(pkg.dependencies)).not.toContain('typescript');
  });

  it("another folder imports the API by the package's name (exports map) and gets the same numbers", () => {
    const script = `import { krippendorffAlpha, runExperiment, runAgreement, cohenKappa, readLabels, bradleyTerry, VERSION } from 'judgekit';
      console.log(JSON.stringify({ alpha: krippendorffAlpha(${JSON.stringify(KRIPP2011)}, 'nominal'), types: [typeof runExperiment, typeof runAgreement, typeof cohenKappa, typeof readLabels, typeof bradleyTerry], version: VERSION }));`;
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: app, encoding: 'utf8' }));
    expect(out.alpha).toBe(krippendorffAlpha(KRIPP2011, 'nominal'));
    expect(out.alpha).toBeCloseTo(0.74342, 5); // Krippendorff (2011), irrCAC
    expect(out.types).toEqual(['function', 'function', 'function', 'function', 'function']);
    expect(out.version).toBe(VERSION);
  });

  it('the installed binary answers from dist/', () => {
    const bin = join(app, 'node_modules', 'judgekit', 'bin', 'judgekit.js');
    expect(execFileSync(process.execPath, [bin, '--version'], { cwd: app, encoding: 'utf8' }).trim()).toBe(VERSION);
    const help = execFileSync(process.execPath, [bin, '--help'], { cwd: app, encoding: 'utf8' });
    for (const c of ['run', 'mcq', 'judge', 'agree', 'winrate', 'tune']) expect(help).toMatch(new RegExp(`^\\s+${c}\\b`, 'm'));
  });

  it('a TypeScript user gets the types: a right call compiles, a wrong one does not', () => {
    // one compiler run for both files (the compiler is the slow part): errors only in wrong.ts
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: ['right.ts', 'wrong.ts'] }));
    writeFileSync(join(app, 'right.ts'), `import { krippendorffAlpha, runExperiment, type RunResult } from 'judgekit';
      const a: number | null = krippendorffAlpha([[1, 2], [2, 2]], 'ordinal');
      const r: (path: string) => Promise<RunResult> = (p) => runExperiment(p);
      export { a, r };\n`);
    writeFileSync(join(app, 'wrong.ts'), `import { krippendorffAlpha } from 'judgekit';\nexport const a: string = krippendorffAlpha([[1, 2]], 'no-such-level');\n`);
    let errors = '';
    try {
      execFileSync(process.execPath, [TSC, '-p', app], { cwd: app, encoding: 'utf8' });
    } catch (e) {
      errors = String((e as { stdout: string }).stdout);
    }
    const lines = errors.split('\n').filter((l) => /error TS/.test(l));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.startsWith('wrong.ts'))).toBe(true);
    expect(errors).toContain('no-such-level');
  });
});

describe('the code hash of a compiled run', () => {
  it('hashes the JavaScript under dist/ (not the declarations) the way it hashes the sources under src/', async () => {
    const { codeHash } = (await import(pathToFileURL(join(ROOT, 'dist', 'pipeline', 'code-hash.js')).href)) as { codeHash: () => Promise<string> };
    const distRoot = join(ROOT, 'dist');
    const h = createHash('sha256');
    for (const f of (readdirSync(distRoot, { recursive: true }) as string[]).filter((x) => x.endsWith('.js')).sort()) {
      h.update(f + '\0');
      h.update(readFileSync(join(distRoot, f)));
    }
    expect(await codeHash()).toBe(h.digest('hex'));
    const { codeHash: fromSources } = await import('../../src/pipeline/code-hash.ts');
    expect(await fromSources()).toMatch(/^[0-9a-f]{64}$/);
    expect(await fromSources()).not.toBe(await codeHash());
  });
});
