// `judgekit run` killed (SIGKILL) or interrupted (SIGINT) in the middle of a judge stage, then run
// again: no finished judgment is lost, none is paid for twice, and the run completes.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAIServer, autoVerdict, candidateOf } from '../helpers/openai-server.ts';
import { spawnJudgekit, traceableJudgeFixture } from '../helpers/cli.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
let server: OpenAIServer;
beforeAll(async () => {
  server = await OpenAIServer.start({ handler: autoVerdict, latency_ms: 40 });
});
afterAll(async () => {
  await server.close();
});

function workspace(n: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'jk-int-'));
  traceableJudgeFixture(dir, n);
  writeFileSync(
    join(dir, 'exp.yaml'),
    [
      'id: int',
      'bootstrap: 50',
      'stages:',
      '  - name: judged',
      '    kind: judge',
      '    items: items.jsonl',
      '    responses: responses.jsonl',
      `    rubric: ${join(ROOT, 'rubrics/medcmr-v1.yaml')}`,
      `    judge: { kind: llm, endpoint: { base_url: "${server.url}", model: judge-model, output_mode: json_mode, concurrency: 4 } }`,
      '',
    ].join('\n'),
  );
  return dir;
}

const unitsAsked = (): string[] => server.chatRequests().map((r) => candidateOf(r)!);
const args = ['run', 'exp.yaml', '--out', 'reports', '--cache-dir', 'cache'];

describe('interrupting judgekit run', () => {
  for (const signal of ['SIGKILL', 'SIGINT'] as const) {
    it(`${signal} in the middle of a judge stage, then a rerun: nothing lost, nothing paid twice`, async () => {
      const dir = workspace(40); // 80 judgments, one call each under the Med-CMR rubric
      server.reset();
      const first = spawnJudgekit(args, { cwd: dir });
      while (server.chatRequests().length < 25) await new Promise((r) => setTimeout(r, 10));
      first.child.kill(signal);
      const stopped = await first.done;
      if (signal === 'SIGKILL') expect(stopped.signal).toBe('SIGKILL');
      else {
        expect(stopped.code).toBe(130);
        expect(stopped.stderr).toMatch(/interrupted; finished stages and every finished judgment are saved/);
      }
      // Calls in flight when the process died may have been answered but not recorded: they may
      // be asked again. Everything recorded as finished must not be.
      const askedBefore = new Set(unitsAsked());
      server.reset();
      const second = await spawnJudgekit(args, { cwd: dir }).done;
      expect(second.code).toBe(0);
      const again = unitsAsked();
      expect(new Set(again).size).toBe(again.length); // none asked twice in the rerun
      expect(again.length).toBeLessThan(80); // the finished ones came from the cache
      expect(again.length + askedBefore.size).toBeGreaterThanOrEqual(80);
      expect(again.length + askedBefore.size).toBeLessThanOrEqual(80 + 4); // at most the in-flight calls repeat
      const ledger = readFileSync(join(dir, 'reports/int/judged.judgments.jsonl'), 'utf8').trim().split('\n');
      expect(ledger).toHaveLength(80);
      const manifest = JSON.parse(readFileSync(join(dir, 'reports/int/manifest.json'), 'utf8'));
      expect(manifest.stages.judged.counts).toEqual({ ok: 80 });
    }, 120_000);
  }
});
