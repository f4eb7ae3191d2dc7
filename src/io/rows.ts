import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseCsv } from 'csv-parse';
import { InputError } from './errors.ts';

/** One raw record of an input file with the line it starts on (1-based). */
export interface Row {
  line: number;
  value: Record<string, unknown>;
}

export type RowFormat = 'jsonl' | 'json' | 'csv' | 'tsv';

export function formatOf(file: string): RowFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.json') return 'json';
  if (ext === '.csv') return 'csv';
  if (ext === '.tsv') return 'tsv';
  throw new InputError(`unsupported file type "${ext || '(none)'}"; use .jsonl, .json, .csv or .tsv`, { file });
}

async function mustExist(file: string): Promise<void> {
  try {
    await access(file);
  } catch {
    throw new InputError('file not found', { file });
  }
}

/** Streams the records of a JSONL, JSON-array, CSV or TSV file, each with its line number. */
export async function* readRows(file: string): AsyncGenerator<Row> {
  await mustExist(file);
  const format = formatOf(file);
  if (format === 'jsonl') yield* readJsonl(file);
  else if (format === 'json') yield* readJsonArray(file);
  else yield* readDelimited(file, format === 'tsv' ? '\t' : ',');
}

/**
 * The records of `readRows` in batches (a JSONL file: the lines of one read chunk, up to 1 MiB;
 * other formats: one record a batch). For readers of hundreds of thousands of records, where a
 * step of an async iterator per record costs as much as parsing it.
 */
export async function* readRowBatches(file: string): AsyncGenerator<Row[]> {
  await mustExist(file);
  if (formatOf(file) === 'jsonl') yield* jsonlBatches(file);
  else for await (const row of readRows(file)) yield [row];
}

export async function readAllRows(file: string): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const r of readRows(file)) rows.push(r);
  return rows;
}

function asObject(value: unknown, file: string, line: number): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError('expected a JSON object', { file, line });
  }
  return value as Record<string, unknown>;
}

/**
 * Streams a JSONL file line by line. Splits chunks by hand rather than through readline, which
 * costs about as much as JSON.parse itself at hundreds of thousands of lines.
 */
async function* readJsonl(file: string): AsyncGenerator<Row> {
  for await (const batch of jsonlBatches(file)) yield* batch;
}

/**
 * The rows of a JSONL file, one batch per chunk read. The chunks are split at newline bytes and
 * each line decoded on its own: a line of ASCII then becomes a one-byte string even when its chunk
 * holds other text (decoding the chunk whole made every line of it two-byte, slower to decode,
 * parse and search). UTF-8 never uses byte 10 inside a character, so the lines are those of the
 * decoded text.
 */
async function* jsonlBatches(file: string): AsyncGenerator<Row[]> {
  const stream = createReadStream(file, { highWaterMark: 1 << 20 });
  let line = 0;
  let pending: Buffer[] = []; // the start of a line that continues in a later chunk
  const parseLine = (text: string): Row | null => {
    line += 1;
    if (text.length === 0 || text.trim() === '') return null;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new InputError(`malformed JSON (${(err as Error).message})`, { file, line });
    }
    return { line, value: asObject(value, file, line) };
  };
  const lineOf = (buf: Buffer, start: number, end: number): string => {
    const stop = end > start && buf[end - 1] === 13 ? end - 1 : end;
    return buf.toString('utf8', start, stop);
  };
  let first = true;
  for await (const read of stream as AsyncIterable<Buffer>) {
    // a UTF-8 byte-order mark before the first line (as CSV and JSON files may carry) is not data
    const chunk = first && read[0] === 0xef && read[1] === 0xbb && read[2] === 0xbf ? read.subarray(3) : read;
    first = false;
    let nl = chunk.indexOf(10);
    if (nl < 0) {
      pending.push(chunk);
      continue;
    }
    const batch: Row[] = [];
    let start = 0;
    if (pending.length) {
      pending.push(chunk.subarray(0, nl));
      const joined = Buffer.concat(pending);
      pending = [];
      const row = parseLine(lineOf(joined, 0, joined.length));
      if (row) batch.push(row);
      start = nl + 1;
      nl = chunk.indexOf(10, start);
    }
    while (nl !== -1) {
      const row = parseLine(lineOf(chunk, start, nl));
      if (row) batch.push(row);
      start = nl + 1;
      nl = chunk.indexOf(10, start);
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
    if (batch.length) yield batch;
  }
  if (pending.length) {
    const joined = Buffer.concat(pending);
    const row = parseLine(lineOf(joined, 0, joined.length));
    if (row) yield [row];
  }
}

/**
 * Streams the elements of a top-level JSON array without holding the file: a small scanner
 * tracks strings and nesting depth, and hands each complete element to JSON.parse together with
 * the line it starts on. (The Med-CMR release files are such arrays.)
 */
async function* readJsonArray(file: string): AsyncGenerator<Row> {
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  let line = 1;
  let depth = 0; // 0 = before the array, 1 = inside the array, >1 = inside an element
  let inString = false;
  let escaped = false;
  let started = false;
  let ended = false;
  let buf = '';
  let elemStartLine = 0;
  let inElement = false;

  const parseElement = (text: string, at: number): Row => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new InputError(`malformed JSON (${(err as Error).message})`, { file, line: at });
    }
    return { line: at, value: asObject(value, file, at) };
  };

  for await (const chunk of stream as AsyncIterable<string>) {
    let segStart = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (c === '\n') line += 1;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === '\\') escaped = true;
        else if (c === '"') inString = false;
        continue;
      }
      if (ended) {
        if (!/\s/.test(c)) throw new InputError('malformed JSON (content after the closing "]")', { file, line });
        continue;
      }
      if (!started) {
        if (/\s/.test(c) || c === '\ufeff') continue;
        if (c !== '[') throw new InputError('expected a JSON array of records (or use .jsonl)', { file, line });
        started = true;
        depth = 1;
        continue;
      }
      if (!inElement) {
        if (/\s/.test(c) || c === ',') continue;
        if (c === ']' && depth === 1) {
          ended = true;
          continue;
        }
        inElement = true;
        elemStartLine = line;
        segStart = i;
        buf = '';
      }
      if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth += 1;
      else if (c === '}' || c === ']') {
        depth -= 1;
        if (depth === 1) {
          buf += chunk.slice(segStart, i + 1);
          inElement = false;
          yield parseElement(buf, elemStartLine);
          buf = '';
        } else if (depth < 1) {
          throw new InputError('malformed JSON (unbalanced brackets)', { file, line });
        }
      } else if (depth === 1 && (c === ',' || /\s/.test(c))) {
        // a scalar element ended
        throw new InputError('expected a JSON object', { file, line: elemStartLine });
      }
    }
    if (inElement) buf += chunk.slice(segStart);
  }
  if (!started) throw new InputError('empty file: expected a JSON array', { file, line });
  if (!ended) throw new InputError('malformed JSON (unexpected end of file)', { file, line });
}

async function* readDelimited(file: string, delimiter: string): AsyncGenerator<Row> {
  const parser = createReadStream(file).pipe(
    parseCsv({
      columns: true,
      delimiter,
      bom: true,
      skip_empty_lines: true,
      relax_column_count: false,
      info: true,
    }),
  );
  try {
    for await (const rec of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      yield { line: rec.info.lines, value: rec.record };
    }
  } catch (err) {
    const e = err as Error & { lines?: number; code?: string };
    throw new InputError(`malformed CSV (${e.message})`, { file, line: e.lines });
  }
}
