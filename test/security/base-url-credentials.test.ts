// Defends: a base URL with user:pass@ is refused with the reason (exit 2), not "Connection error".
import { expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveEndpoint } from '../../src/llm/index.ts';
import { InputError } from '../../src/io/errors.ts';
import { EndpointConfig } from '../../src/schema/endpoint.ts';
import { spawnJudgekit } from '../helpers/cli.ts';

const RUBRIC = new URL('../../rubrics/medcmr-v1.yaml', import.meta.url).pathname;

it('resolveEndpoint refuses credentials in the URL and does not echo them', () => {
  const cfg = EndpointConfig.parse({ base_url: 'http://user:s3cr3t@127.0.0.1:9/v1', model: 'm' });
  expect(() => resolveEndpoint(cfg)).toThrow(InputError);
  try {
    resolveEndpoint(cfg);
  } catch (e) {
    expect((e as Error).message).toMatch(/must not hold credentials.*api_key_env/);
    expect((e as Error).message).not.toContain('s3cr3t');
  }
});

it('judgekit judge exits 2 with the reason', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jk-sec-url-'));
  writeFileSync(join(dir, 'items.jsonl'), JSON.stringify({ id: 'q1', format: 'open', question: 'Q?', reference: 'R' }) + '\n');
  writeFileSync(join(dir, 'responses.jsonl'), JSON.stringify({ item_id: 'q1', model: 'm', output: 'Answer: R' }) + '\n');
  const r = await spawnJudgekit(['judge', '--rubric', RUBRIC, '--items', join(dir, 'items.jsonl'), '--responses', join(dir, 'responses.jsonl'), '--model', 'j', '--base-url', 'http://user:s3cr3t@127.0.0.1:9/v1', '--out', join(dir, 'out'), '--no-cache'], { cwd: dir }).done;
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/must not hold credentials/);
  expect(r.stderr + r.stdout).not.toContain('s3cr3t');
});
