import { setMaxListeners } from 'node:events';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { toFile } from 'openai';
import type OpenAI from 'openai';
import { writeJsonAtomic } from '../io/atomic.ts';
import { sha256 } from '../io/hash.ts';
import { readCompletion } from './client.ts';
import type { EngineUnit, JudgeEngine, RunOptions, UnitOutcome } from './engine.ts';
import { sleep } from './retry.ts';

/** A submitted batch, written next to the cache so that a killed run resumes polling it. */
interface BatchJournal {
  batch_id: string;
  input_file_id: string;
  custom_ids: string[];
  created_at: string;
}

const TERMINAL = new Set(['completed', 'failed', 'expired', 'cancelled']);

/**
 * Runs units through the OpenAI Batch API: the uncached units are written as one JSONL file per
 * chunk (`custom_id` = the unit's key, so results map back exactly), uploaded with purpose
 * `batch`, submitted to `/v1/chat/completions` with a 24 h window, polled with a growing interval,
 * and the output and error files are downloaded. Results go through the same reading as online
 * replies (refusal, truncation, parsing) and into the same cache; an unreadable verdict is
 * repaired online (at full price). A unit with no result (failed or expired batch, per-line error)
 * is `api_error` and is not cached, so a rerun submits it again.
 *
 * Each submitted batch is journaled under `<cache>/batches/` before polling starts; a rerun after a
 * kill resumes polling the journaled batch instead of paying for a second one.
 */
export async function runBatch<V>(engine: JudgeEngine<V>, units: readonly EngineUnit<V>[], ro: RunOptions<V> = {}): Promise<UnitOutcome<V>[]> {
  const opts = engine.options;
  const results: UnitOutcome<V>[] = new Array(units.length);
  const waiting = new Map<string, number[]>();
  for (let i = 0; i < units.length; i++) {
    const hit = engine.cached(units[i]!);
    if (hit) {
      results[i] = hit;
      ro.onUnit?.(hit, i);
      continue;
    }
    const list = waiting.get(units[i]!.key);
    if (list) list.push(i);
    else waiting.set(units[i]!.key, [i]);
  }
  if (waiting.size === 0) return results;
  if (ro.signal) setMaxListeners(0, ro.signal);

  const sdk = engine.client.sdk;
  const journalDir = opts.cache ? join(opts.cache.dir, 'batches') : undefined;
  const finish = async (key: string, outcome: UnitOutcome<V>): Promise<void> => {
    const idx = waiting.get(key);
    if (!idx) return;
    waiting.delete(key);
    engine.record(units[idx[0]!]!, outcome);
    for (const i of idx) {
      results[i] = outcome;
      ro.onUnit?.(outcome, i);
    }
  };

  // 1. Batches a killed run submitted and that still hold units we need.
  if (journalDir) {
    mkdirSync(journalDir, { recursive: true });
    for (const name of readdirSync(journalDir).filter((n) => n.endsWith('.json')).sort()) {
      const path = join(journalDir, name);
      const j = JSON.parse(readFileSync(path, 'utf8')) as BatchJournal;
      if (!j.custom_ids.some((k) => waiting.has(k))) {
        rmSync(path, { force: true });
        continue;
      }
      await collect(j, path);
    }
  }

  // 2. The rest, in chunks no larger than the API accepts.
  const chunkSize = opts.batch_max_requests ?? 50_000;
  const keys = [...waiting.keys()];
  for (let s = 0; s < keys.length; s += chunkSize) {
    const chunk = keys.slice(s, s + chunkSize);
    const lines = chunk.map((k) => {
      const unit = units[waiting.get(k)![0]!]!;
      return JSON.stringify({ custom_id: k, method: 'POST', url: '/v1/chat/completions', body: engine.body(unit) });
    });
    ro.signal?.throwIfAborted();
    let j: BatchJournal;
    try {
      const file = await sdk.files.create({ file: await toFile(Buffer.from(lines.join('\n') + '\n'), 'judgekit-batch.jsonl'), purpose: 'batch' });
      const batch = await sdk.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
      j = { batch_id: batch.id, input_file_id: file.id, custom_ids: chunk, created_at: new Date().toISOString() };
    } catch (err) {
      const e = engine.client.toApiError(err);
      if (e.aborted) throw ro.signal?.reason ?? err;
      for (const k of chunk) await finish(k, failure(`batch submission failed: ${e.message}`));
      continue;
    }
    const path = journalDir ? join(journalDir, `${sha256(j.batch_id).slice(0, 16)}.json`) : undefined;
    if (path) await writeJsonAtomic(path, j);
    await collect(j, path);
  }
  return results;

  async function collect(j: BatchJournal, path: string | undefined): Promise<void> {
    let batch: OpenAI.Batches.Batch;
    let wait = opts.batch_poll_ms ?? 5_000;
    const maxWait = opts.batch_poll_max_ms ?? 60_000;
    // Consecutive failed polls allowed before giving up for this run; the journal stays, so a rerun resumes polling.
    const maxFailures = Math.max(1, engine.endpoint.config.max_retries);
    let failures = 0;
    for (;;) {
      try {
        batch = await sdk.batches.retrieve(j.batch_id, { signal: ro.signal });
        failures = 0;
        if (TERMINAL.has(batch.status)) break;
      } catch (err) {
        const e = engine.client.toApiError(err);
        if (e.aborted || ro.signal?.aborted) throw ro.signal?.reason ?? err;
        failures += 1;
        if (e.retryable && failures > maxFailures) {
          for (const k of j.custom_ids) await finish(k, failure(`batch ${j.batch_id} could not be polled after ${failures} attempts (${e.message}); a rerun resumes polling it`));
          return;
        }
        if (!e.retryable) {
          for (const k of j.custom_ids) await finish(k, failure(`batch ${j.batch_id} could not be polled: ${e.message}`));
          if (path) rmSync(path, { force: true });
          return;
        }
      }
      await sleep(wait, ro.signal);
      wait = Math.min(maxWait, wait * 1.5);
    }
    const seen = new Set<string>();
    for (const fileId of [batch.output_file_id, batch.error_file_id]) {
      if (!fileId) continue;
      const text = await (await sdk.files.content(fileId, { signal: ro.signal })).text();
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        let row: { custom_id?: string; response?: { status_code?: number; body?: unknown } | null; error?: { code?: string; message?: string } | null };
        try {
          row = JSON.parse(line);
        } catch {
          continue;
        }
        const key = row.custom_id;
        if (typeof key !== 'string' || !waiting.has(key) || seen.has(key)) continue;
        seen.add(key);
        const unit = units[waiting.get(key)![0]!]!;
        const status = row.response?.status_code;
        if (status === 200 && row.response?.body) {
          try {
            const reply = readCompletion(row.response.body as OpenAI.Chat.Completions.ChatCompletion, engine.client);
            engine.spend.requests += 1;
            const outcome = await engine.runUnit(unit, ro.signal, { reply, latency_ms: 0, factor: engine.batchFactor });
            await finish(key, outcome);
          } catch (err) {
            if (ro.signal?.aborted) throw err;
            await finish(key, failure(engine.client.redact(`unreadable batch result: ${(err as Error).message}`)));
          }
        } else {
          const msg = row.error?.message ?? (row.response?.body as { error?: { message?: string } } | undefined)?.error?.message ?? 'no result';
          await finish(key, failure(engine.client.redact(`batch request failed${status ? ` (HTTP ${status})` : ''}: ${msg}`)));
        }
      }
    }
    const why = batch.status === 'completed' ? 'no result line for this request' : `batch ${batch.status}${batch.errors?.data?.[0]?.message ? `: ${batch.errors.data[0].message}` : ''}`;
    for (const k of j.custom_ids) if (waiting.has(k) && !seen.has(k)) await finish(k, failure(engine.client.redact(why)));
    if (path) rmSync(path, { force: true });
  }
}

function failure<V>(error: string): UnitOutcome<V> {
  return { status: 'api_error', method: null, raw: null, error, tokens: { input: 0, output: 0 }, cost_usd: 0, latency_ms: 0, requests: 0, repairs: 0, cached: false };
}
