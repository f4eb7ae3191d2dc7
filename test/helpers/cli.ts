import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const BIN = new URL('../../bin/judgekit.js', import.meta.url).pathname;

export interface CliRun {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Starts `judgekit ARGS` as a child process (so tests can signal it) and collects its output. */
export function spawnJudgekit(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): CliRun {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? process.cwd(), env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<Awaited<CliRun['done']>>((res) => child.on('close', (code, signal) => res({ code, signal, stdout, stderr })));
  return { child, done };
}

/**
 * n open-ended items × 2 models (`ma`, `mb`) written to `dir`, each response naming its unit
 * (`Answer: unit ma/q3`) so a request seen by the test server can be traced back to it.
 */
export function traceableJudgeFixture(dir: string, n: number): { items: string; responses: string } {
  const items: string[] = [];
  const resp: string[] = [];
  for (let i = 0; i < n; i++) {
    items.push(JSON.stringify({ id: `q${i}`, format: 'open', question: `Question ${i}?`, reference: `Ref ${i}`, visual_description: `Description ${i}` }));
    for (const m of ['ma', 'mb']) resp.push(JSON.stringify({ item_id: `q${i}`, model: m, output: `Reasoning: step.\nAnswer: unit ${m}/q${i}` }));
  }
  writeFileSync(join(dir, 'items.jsonl'), items.join('\n') + '\n');
  writeFileSync(join(dir, 'responses.jsonl'), resp.join('\n') + '\n');
  return { items: join(dir, 'items.jsonl'), responses: join(dir, 'responses.jsonl') };
}
