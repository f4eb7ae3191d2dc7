/**
 * vitest globalSetup: the command-line tests spawn `bin/judgekit.js`, which runs the compiled
 * dist/. So that they test the sources as they are now (not the last `npm run build`), every
 * src/**\/*.ts newer than its dist/**\/*.js is transpiled again here, file by file with the build's
 * own compiler options (no type check: `npm test` type-checks first), and compiled files whose
 * source is gone are removed. On a fresh `npm ci` nothing is stale and this costs a directory walk;
 * after an edit it costs one transpile per edited file.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function staleSources(root = ROOT): string[] {
  const src = join(root, 'src');
  const out: string[] = [];
  for (const rel of readdirSync(src, { recursive: true }) as string[]) {
    if (!(rel.endsWith('.ts') && !rel.endsWith('.d.ts')) && !rel.endsWith('.json')) continue;
    const js = join(root, 'dist', rel.replace(/\.ts$/, '.js'));
    let fresh = false;
    try {
      fresh = statSync(js).mtimeMs >= statSync(join(src, rel)).mtimeMs;
    } catch {
      fresh = false;
    }
    if (!fresh) out.push(rel);
  }
  return out;
}

/** Compiled files whose source is gone (renamed or deleted since the last build). */
export function orphans(root = ROOT): string[] {
  const dist = join(root, 'dist');
  if (!existsSync(dist)) return [];
  return (readdirSync(dist, { recursive: true }) as string[]).filter((rel) => {
    if (rel.endsWith('.json')) return !existsSync(join(root, 'src', rel));
    const base = rel.endsWith('.d.ts') ? rel.slice(0, -5) : rel.endsWith('.js') ? rel.slice(0, -3) : null;
    return base !== null && !existsSync(join(root, 'src', base + '.ts'));
  });
}

export function freshenDist(root = ROOT): number {
  for (const rel of orphans(root)) rmSync(join(root, 'dist', rel));
  const stale = staleSources(root);
  if (stale.length === 0) return 0;
  const configPath = join(root, 'tsconfig.build.json');
  const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, root, undefined, configPath);
  // one file at a time the compiler cannot see package.json's "type": "module"; say it (ES modules)
  const options = { ...parsed.options, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler };
  for (const rel of stale) {
    const file = join(root, 'src', rel);
    if (rel.endsWith('.json')) {
      // data the sources read beside themselves (scripts/build.mjs copies them the same way)
      mkdirSync(dirname(join(root, 'dist', rel)), { recursive: true });
      copyFileSync(file, join(root, 'dist', rel));
      continue;
    }
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: options, fileName: file });
    const js = join(root, 'dist', rel.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(js), { recursive: true });
    writeFileSync(js + '.tmp', outputText);
    renameSync(js + '.tmp', js);
  }
  return stale.length;
}

export default function setup(): void {
  freshenDist();
}
