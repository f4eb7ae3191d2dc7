/**
 * `judgekit init STUDY DIR`: a commented experiment (`DIR/<study>.yaml`) and its template inputs
 * (`DIR/<study>/`), copied from the experiments judgekit ships (experiments/<study>.yaml and
 * experiments/<study>/), with the rubric the experiment uses copied beside the inputs so the folder
 * stands on its own. Nothing is overwritten: an existing file is an error naming it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../io/errors.ts';
import { writeFileAtomic } from '../io/atomic.ts';

import { STUDIES, type Study } from './studies.ts';

export { STUDIES, type Study } from './studies.ts';

const SHIPPED = fileURLToPath(new URL('../../experiments/', import.meta.url));
const RUBRICS = fileURLToPath(new URL('../../rubrics/', import.meta.url));

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/** What `init` writes: target path (relative to DIR) → bytes. */
export function studyTemplate(study: Study): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let yaml = readFileSync(join(SHIPPED, `${study}.yaml`), 'utf8');
  // The schema hint points into judgekit's folder, which the new one is not beside.
  yaml = yaml.replace(/^# yaml-language-server: .*\n#?\n?/, '');
  for (const m of [...yaml.matchAll(/\.\.\/rubrics\/([A-Za-z0-9._-]+\.ya?ml)/g)]) {
    files.set(join(study, m[1]!), readFileSync(join(RUBRICS, m[1]!)));
    yaml = yaml.replaceAll(m[0], `${study}/${m[1]}`);
  }
  files.set(`${study}.yaml`, Buffer.from(yaml));
  for (const f of filesUnder(join(SHIPPED, study))) files.set(join(study, relative(join(SHIPPED, study), f)), readFileSync(f));
  return files;
}

/** Writes the template of `study` into `dir`; returns the files written (relative to dir). */
export async function initStudy(study: string, dir: string): Promise<string[]> {
  if (!(STUDIES as readonly string[]).includes(study)) throw new InputError(`unknown study "${study}" (studies: ${STUDIES.join(', ')})`);
  const files = studyTemplate(study as Study);
  // Check every target before writing any, so a refused init leaves nothing half-written.
  for (const rel of files.keys()) if (existsSync(join(dir, rel))) throw new InputError(`${rel} already exists in ${dir}: init never overwrites (choose an empty folder)`, { file: join(dir, rel) });
  for (const [rel, bytes] of files) await writeFileAtomic(join(dir, rel), bytes);
  return [...files.keys()].sort((a, b) => (basename(a) === `${study}.yaml` ? -1 : basename(b) === `${study}.yaml` ? 1 : a < b ? -1 : 1));
}
