/**
 * A run folder written directly (manifest, ledgers, items, answers, human labels), for the viewer's
 * tests and its benchmark: n items × the models, each judged on two criteria, with two human raters
 * labelling the first `labelled` items. Every value is a function of (item, model) so tests can
 * compute what the viewer must show.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A 1×1 PNG. */
export const PNG_1PX = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

export interface RunFolderOptions {
  items: number;
  models?: string[];
  labelled?: number;
  /** Added to one model's accuracy score in every judgment (the planted change of a comparison). */
  shift?: { model: string; criterion: 'accuracy' | 'clarity'; by: number };
  runId?: string;
}

export const RUN_MODELS = ['model-a', 'model-b'];

/** The judge's raw score of (item i, model m, criterion); 1–5. */
export function judgeScore(i: number, m: number, criterion: 'accuracy' | 'clarity'): number {
  return 1 + ((i * 3 + m * 2 + (criterion === 'accuracy' ? 0 : 1)) % 5);
}

/** Human rater h's label of (item i, model m) on accuracy: the judge's score, except item 2 model 0 where both humans say 5. */
export function humanScore(i: number, m: number, h: number): number {
  if (i === 2 && m === 0) return 5;
  return Math.min(5, judgeScore(i, m, 'accuracy') + (h === 1 && i % 2 === 1 ? 1 : 0));
}

export function writeRunFolder(root: string, o: RunFolderOptions): string {
  const models = o.models ?? RUN_MODELS;
  const labelled = o.labelled ?? Math.min(o.items, 10);
  const runId = o.runId ?? 'fixture';
  const data = join(root, 'data');
  const runDir = join(root, 'reports', runId);
  mkdirSync(data, { recursive: true });
  mkdirSync(runDir, { recursive: true });
  writeFileSync(join(data, 'x.png'), PNG_1PX);
  const items: string[] = [];
  const responses: string[] = [];
  const judgments: string[] = [];
  const mcq: string[] = [];
  const labels = ['item_id,rater,value,dimension,model'];
  for (let i = 0; i < o.items; i++) {
    const task = ['LTG', 'DD', 'VR'][i % 3]!;
    items.push(JSON.stringify({ id: `q${i}`, format: 'open', question: `What is seen <b>here</b> in case ${i}?`, reference: `Reference answer ${i}`, task, ...(i === 0 ? { image: 'x.png' } : {}) }));
    models.forEach((model, m) => {
      responses.push(JSON.stringify({ item_id: `q${i}`, model, output: `Answer of ${model} to q${i} <script>alert(1)</script>` }));
      const failed = i % 50 === 49 && m === 0;
      const shift = (c: 'accuracy' | 'clarity'): number => (o.shift && o.shift.model === model && o.shift.criterion === c ? o.shift.by : 0);
      const scores = { accuracy: judgeScore(i, m, 'accuracy') + shift('accuracy'), clarity: judgeScore(i, m, 'clarity') + shift('clarity') };
      const base = { item_id: `q${i}`, model, judge: { kind: 'llm', model: 'judge-x', endpoint: 'http://127.0.0.1:1/v1', parser_version: '1', hash: 'h', params: {} }, parse_method: 'json_mode', repairs: 0, tokens: { input: 100, output: 20 }, cost_usd: 0, latency_ms: 5, requests: 1, cached: false };
      const call = (raw: string, rule: string | null, status: string) => ({ part: 'all', messages: [{ role: 'system', content: 'You are a judge.' }, { role: 'user', content: `Judge q${i}` }], raw, rule, status, repairs: rule ? [] : [{ raw, error: 'no JSON object in the reply' }], cached: false });
      judgments.push(
        JSON.stringify(
          failed
            ? { ...base, status: 'parse_error', raw: 'I cannot say', error: 'no JSON object in the reply', calls: [call('I cannot say', null, 'parse_error')] }
            : { ...base, status: 'ok', raw: `{"accuracy": ${scores.accuracy}}`, scores, score: ((scores.accuracy - 1) / 4) * 80 + ((scores.clarity - 1) / 4) * 20, rationale: `Because of q${i}`, calls: [call(`{"accuracy": ${scores.accuracy}}`, 'json_object', 'ok')] },
        ),
      );
      mcq.push(JSON.stringify({ item_id: `q${i}`, model, status: 'ok', output: 'Answer: A', extracted: 'A', rule: 'answer_line', answer: i % 2 ? 'A' : 'B', correct: i % 2 === 1, task }));
      if (i < labelled) for (const h of [0, 1]) labels.push(`q${i},human${h + 1},${humanScore(i, m, h)},med/accuracy,${model}`);
    });
  }
  writeFileSync(join(data, 'items.jsonl'), items.join('\n') + '\n');
  writeFileSync(join(data, 'responses.jsonl'), responses.join('\n') + '\n');
  writeFileSync(join(data, 'labels.csv'), labels.join('\n') + '\n');
  writeFileSync(join(runDir, 'judge.judgments.jsonl'), judgments.join('\n') + '\n');
  writeFileSync(join(runDir, 'mcq.mcq_records.jsonl'), mcq.join('\n') + '\n');
  const stage = (kind: string, outputs: string[]) => ({ kind, status: 'done', started_at: '', finished_at: '', duration_ms: 1, key: 'k', inputs: [], outputs, counts: { ok: 1 }, cost_usd: 0 });
  const config = {
    id: 'viewer-fixture',
    seed: 1,
    bootstrap: 0,
    stages: [
      { name: 'mcq', kind: 'mcq', items: './data/items.jsonl', responses: './data/responses.jsonl' },
      { name: 'judge', kind: 'judge', items: './data/items.jsonl', responses: './data/responses.jsonl', rubric: 'r.yaml', judge: { kind: 'llm', endpoint: { model: 'judge-x' } } },
      { name: 'agree', kind: 'agreement', labels: './data/labels.csv', columns: { item: 'item_id', rater: 'rater', value: 'value', dimension: 'dimension' }, level: 'interval', judge_stage: { stage: 'judge' } },
    ],
  };
  writeFileSync(join(root, 'experiment.json'), JSON.stringify(config));
  const manifest = {
    run_id: runId,
    experiment: 'viewer-fixture',
    config_path: join(root, 'experiment.json'),
    config,
    config_hash: 'h',
    judgekit_version: '0',
    node_version: process.version,
    started_at: '',
    finished_at: '2026-01-01T00:00:00.000Z',
    stages: { mcq: stage('mcq', ['mcq.mcq_records.jsonl']), judge: stage('judge', ['judge.judgments.jsonl']), agree: stage('agreement', []) },
    counts_by_status: {},
    cost_usd: { judge: 0, candidates: 0 },
    timings_ms: {},
  };
  writeFileSync(join(runDir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return runDir;
}
