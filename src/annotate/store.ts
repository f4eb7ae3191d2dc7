/**
 * The labels of an annotation plan, kept so that nothing is lost: every action (a label, an undo,
 * a skip) is appended to a journal and fsynced before the rater's request is answered; the label
 * file (CSV, judgekit's long form) is then rewritten from the journal atomically (temporary file +
 * rename). Killing the server at any moment loses at most the action whose request never got its
 * answer; on restart the journal is read back (a torn last line is ignored) and every rater resumes
 * where they stopped.
 */
import { randomBytes, timingSafeEqual, createHmac } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, truncateSync, unlinkSync, writeFileSync, writeSync, constants } from 'node:fs';
import { writeFileAtomic } from '../io/atomic.ts';
import { toCsv } from '../io/csv.ts';
import { InputError } from '../io/errors.ts';
import type { Assignment, Unit } from './assign.ts';

export type LabelValue = string | number;

export type JournalEntry =
  | { type: 'label'; rater: string; unit: string; labels: Record<string, LabelValue>; flipped: boolean; time: string; ms: number | null }
  | { type: 'undo'; rater: string; unit: string; time: string }
  | { type: 'skip'; rater: string; unit: string; reason: string; time: string };

interface RaterState {
  assignments: Assignment[];
  /** unit → its current label entry */
  labelled: Map<string, Extract<JournalEntry, { type: 'label' }>>;
  skipped: Map<string, string>;
  /** Units labelled, in order, for undo. */
  history: string[];
}

export interface RaterProgress {
  rater: string;
  assigned: number;
  labelled: number;
  skipped: number;
  remaining: number;
  /** Only when the rater has repeats: how many, and how often a repeat's label equals the original's. */
  repeats?: RepeatConsistency;
}

export interface RepeatConsistency {
  /** Repeats assigned to the rater. */
  assigned: number;
  /** (repeat, dimension) labels that have a labelled original to compare with. */
  compared: number;
  /** Of those, the ones whose value equals the original's (in the canonical pair order). */
  agreed: number;
  /** agreed / compared; null when nothing can be compared yet. */
  consistency: number | null;
}

/**
 * The organiser-side files of a plan: `<out>.journal.jsonl`, `<out>.annotate.json` (secret),
 * `<out>.lock`, and `<out>.repeats.csv` (the repeat labels, kept out of the label file so that a
 * repeat is never read by the studies as a second rater or a duplicate label).
 */
export function sideFiles(out: string): { journal: string; state: string; lock: string; repeats: string } {
  return { journal: `${out}.journal.jsonl`, state: `${out}.annotate.json`, lock: `${out}.lock`, repeats: `${out}.repeats.csv` };
}

/** The plan's secret (tokens and unit ids are keyed with it), created once, readable by the owner only. */
export function planSecret(out: string): string {
  const { state } = sideFiles(out);
  if (existsSync(state)) {
    const j = JSON.parse(readFileSync(state, 'utf8')) as { secret?: unknown };
    if (typeof j.secret !== 'string' || j.secret.length < 32) throw new InputError('no secret in the annotation state file', { file: state, field: 'secret' });
    return j.secret;
  }
  const secret = randomBytes(32).toString('hex');
  writeFileSync(state, JSON.stringify({ secret }) + '\n', { mode: 0o600, flag: 'wx' });
  return secret;
}

export function raterToken(secret: string, rater: string): string {
  return createHmac('sha256', secret).update(`rater\u0000${rater}`).digest('hex').slice(0, 32);
}

export function tokenMatches(secret: string, rater: string, token: unknown): boolean {
  if (typeof token !== 'string') return false;
  const want = Buffer.from(raterToken(secret, rater));
  const got = Buffer.from(token);
  return got.length === want.length && timingSafeEqual(got, want);
}

/** A lock on the label file: two servers on one plan would interleave their journals. */
export function lockLabelFile(out: string): () => void {
  const { lock } = sideFiles(out);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          unlinkSync(lock);
        } catch {
          /* already gone */
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(lock, 'utf8'));
      if (Number.isInteger(pid) && pid > 0 && pidAlive(pid)) {
        throw new InputError(`another annotation server (process ${pid}) is writing this label file; stop it first (or remove ${lock} if it is gone)`, { file: out });
      }
      unlinkSync(lock); // a stale lock from a killed server
    }
  }
  throw new InputError(`cannot lock the label file (${lock})`, { file: out });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class LabelStore {
  private readonly raters = new Map<string, RaterState>();
  private readonly units: Map<string, Unit>;
  private fd: number | undefined;
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;

  constructor(
    private readonly out: string,
    private readonly task: 'pairwise' | 'rubric',
    units: Unit[],
    assignments: Map<string, Assignment[]>,
  ) {
    this.units = new Map(units.map((u) => [u.id, u]));
    for (const [r, a] of assignments) this.raters.set(r, { assignments: a, labelled: new Map(), skipped: new Map(), history: [] });
    this.replay();
  }

  /** Folds the journal back into the state; a torn last line (a kill mid-write) is ignored. */
  /**
   * Folds the journal back into the state. Every acknowledged entry ends with a newline (the reply
   * is sent after the whole line is fsynced), so bytes after the last newline are a write a kill
   * cut short: never acknowledged, they are cut off the file before anything is appended, or the
   * next entry would be glued to them. Any other line that does not parse is damage: an error.
   */
  private replay(): void {
    const { journal } = sideFiles(this.out);
    if (!existsSync(journal)) return;
    const bytes = readFileSync(journal);
    const end = bytes.lastIndexOf(0x0a) + 1;
    if (end < bytes.length) {
      truncateSync(journal, end);
      const fd = openSync(journal, 'r+');
      fsyncSync(fd);
      closeSync(fd);
    }
    const lines = bytes.subarray(0, end).toString('utf8').split('\n');
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      let e: JournalEntry;
      try {
        e = JSON.parse(line) as JournalEntry;
      } catch {
        throw new InputError('malformed journal line', { file: journal, line: i + 1 });
      }
      const st = this.raters.get(e.rater);
      if (!st || !this.units.has(e.unit)) {
        throw new InputError(`the journal names a rater or unit this plan does not have (rater "${e.rater}"): the plan changed since labelling began; give it a new \`out\` file`, { file: journal, line: i + 1 });
      }
      this.apply(st, e);
    });
  }

  private apply(st: RaterState, e: JournalEntry): void {
    if (e.type === 'label') {
      st.labelled.set(e.unit, e);
      st.skipped.delete(e.unit);
      st.history.push(e.unit);
    } else if (e.type === 'undo') {
      st.labelled.delete(e.unit);
      st.skipped.delete(e.unit);
      const k = st.history.lastIndexOf(e.unit);
      if (k >= 0) st.history.splice(k, 1);
    } else {
      st.skipped.set(e.unit, e.reason);
      st.history.push(e.unit);
    }
  }

  private append(e: JournalEntry): void {
    if (this.fd === undefined) this.fd = openSync(sideFiles(this.out).journal, 'a', 0o600);
    writeSync(this.fd, JSON.stringify(e) + '\n');
    fsyncSync(this.fd);
    this.apply(this.raters.get(e.rater)!, e);
  }

  hasRater(rater: string): boolean {
    return this.raters.has(rater);
  }

  /** The rater's next unit: the first assigned one neither labelled nor skipped. */
  next(rater: string): { assignment: Assignment; unit: Unit; position: number; total: number } | undefined {
    const st = this.raters.get(rater)!;
    const k = st.assignments.findIndex((a) => !st.labelled.has(a.unit) && !st.skipped.has(a.unit));
    if (k < 0) return undefined;
    const a = st.assignments[k]!;
    return { assignment: a, unit: this.units.get(a.unit)!, position: st.labelled.size + st.skipped.size, total: st.assignments.length };
  }

  assignment(rater: string, unit: string): Assignment | undefined {
    return this.raters.get(rater)?.assignments.find((a) => a.unit === unit);
  }

  unit(id: string): Unit | undefined {
    return this.units.get(id);
  }

  isDone(rater: string, unit: string): boolean {
    const st = this.raters.get(rater)!;
    return st.labelled.has(unit) || st.skipped.has(unit);
  }

  async label(rater: string, unit: string, labels: Record<string, LabelValue>, ms: number | null): Promise<void> {
    const a = this.assignment(rater, unit)!;
    this.append({ type: 'label', rater, unit, labels, flipped: a.flipped, time: new Date().toISOString(), ms });
    await this.afterAppend();
  }

  async skip(rater: string, unit: string, reason: string): Promise<void> {
    this.append({ type: 'skip', rater, unit, reason, time: new Date().toISOString() });
    await this.afterAppend();
  }

  /** Takes back the rater's last label or skip; returns its unit. */
  async undo(rater: string): Promise<string | undefined> {
    const st = this.raters.get(rater)!;
    const unit = st.history[st.history.length - 1];
    if (unit === undefined) return undefined;
    this.append({ type: 'undo', rater, unit, time: new Date().toISOString() });
    await this.afterAppend();
    return unit;
  }

  progress(): RaterProgress[] {
    return [...this.raters].map(([rater, st]) => {
      const repeats = st.assignments.filter((a) => this.units.get(a.unit)!.repeat_of !== undefined);
      return {
        rater,
        assigned: st.assignments.length,
        labelled: st.labelled.size,
        skipped: st.skipped.size,
        remaining: st.assignments.length - st.labelled.size - st.skipped.size,
        ...(repeats.length ? { repeats: this.consistency(st, repeats) } : {}),
      };
    });
  }

  /** Exact agreement of a rater's repeats with their originals, over every dimension both have. */
  private consistency(st: RaterState, repeats: Assignment[]): RepeatConsistency {
    let compared = 0;
    let agreed = 0;
    for (const a of repeats) {
      const again = st.labelled.get(a.unit);
      const first = st.labelled.get(this.units.get(a.unit)!.repeat_of!);
      if (!again || !first) continue;
      for (const [dim, v] of Object.entries(again.labels)) {
        if (!(dim in first.labels)) continue;
        compared++;
        if (this.canonical(v, again.flipped) === this.canonical(first.labels[dim]!, first.flipped)) agreed++;
      }
    }
    return { assigned: repeats.length, compared, agreed, consistency: compared ? agreed / compared : null };
  }

  /** A label in the canonical pair order: the rater answered about slots, and slot A showed model_b when flipped. */
  private canonical(v: LabelValue, flipped: boolean): LabelValue {
    if (this.task !== 'pairwise' || v === 'tie' || !flipped) return v;
    return v === 'A' ? 'B' : 'A';
  }

  /** Rewrites the label file from the state; writes are serialised and coalesced, the last one holds everything. */
  flush(): Promise<void> {
    this.dirty = true;
    // Each rewrite stands on its own: one that failed (a full disk, a file held open) must not
    // poison the chain, and leaves the state dirty so the next one writes everything.
    this.writing = this.writing
      .catch(() => {})
      .then(async () => {
        if (!this.dirty) return;
        this.dirty = false;
        try {
          await writeFileAtomic(this.out, this.csv());
          if (this.hasRepeats) await writeFileAtomic(sideFiles(this.out).repeats, this.csv(true));
        } catch (err) {
          this.dirty = true;
          throw err;
        }
      });
    return this.writing;
  }

  /**
   * After an action is in the journal (fsynced: it is saved), the label file is rewritten; if that
   * fails the action still stands, the failure is said on stderr, and the next action rewrites it.
   */
  private async afterAppend(): Promise<void> {
    try {
      await this.flush();
    } catch (err) {
      process.stderr.write(`judgekit annotate: the label file ${this.out} could not be rewritten (${(err as Error).message}); every label is in the journal and the file is rewritten at the next label\n`);
    }
  }

  private get hasRepeats(): boolean {
    return [...this.units.values()].some((u) => u.repeat_of !== undefined);
  }

  /**
   * The label file: one row per (unit, rater, dimension), the value in the canonical pair order.
   * With `repeats`, the repeat labels instead (`<out>.repeats.csv`), each naming its original unit.
   */
  csv(repeats = false): string {
    const rows: unknown[][] = [];
    for (const [rater, st] of this.raters) {
      for (const a of st.assignments) {
        const e = st.labelled.get(a.unit);
        if (!e) continue;
        const u = this.units.get(a.unit)!;
        if ((u.repeat_of !== undefined) !== repeats) continue;
        const tail = repeats ? [u.repeat_of] : [];
        for (const [dim, v] of Object.entries(e.labels)) {
          if (this.task === 'pairwise') {
            rows.push([u.item_id, rater, u.model_a, u.model_b, dim, this.canonical(v, e.flipped), e.flipped ? u.model_b : u.model_a, e.time, e.ms ?? '', u.id, ...tail]);
          } else {
            rows.push([u.item_id, u.model_a, rater, dim, v, e.time, e.ms ?? '', u.id, ...tail]);
          }
        }
      }
    }
    const header =
      this.task === 'pairwise'
        ? ['item_id', 'rater', 'model_a', 'model_b', 'dimension', 'value', 'shown_first', 'time', 'ms_spent', 'unit']
        : ['item_id', 'model', 'rater', 'dimension', 'value', 'time', 'ms_spent', 'unit'];
    return toCsv(repeats ? [...header, 'repeat_of'] : header, rows);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
