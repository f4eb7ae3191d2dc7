import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { InputError } from './errors.ts';

/** Who holds a lock: written into the lock file so that the one who is refused can be told. */
interface Holder {
  pid: number;
  host: string;
  started_at: string;
  command: string;
}

/** Locks this process holds, by lock file, with a count: one process may open the same folder twice. */
const held = new Map<string, number>();
let exitHook = false;

export interface Lock {
  readonly path: string;
  release(): void;
}

/**
 * An exclusive lock on a folder, for one process at a time: a `.judgekit.lock` file created with
 * O_EXCL that names the holder (pid, host, start, command). A second process is refused with a
 * message naming the holder. A lock whose holder died (kill -9) is taken over when the holder ran
 * on this host; a lock from another host is only ever removed by hand. Re-entrant within a process.
 */
export function lockFolder(dir: string, what: string): Lock {
  const path = join(dir, '.judgekit.lock');
  const mine = held.get(path);
  if (mine !== undefined) {
    held.set(path, mine + 1);
    return handle(path);
  }
  const me: Holder = { pid: process.pid, host: hostname(), started_at: new Date().toISOString(), command: process.argv.slice(1).join(' ').slice(0, 200) };
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, JSON.stringify(me) + '\n');
      closeSync(fd);
      held.set(path, 1);
      hookExit();
      return handle(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const other = readHolder(path);
    if (attempt < 3 && (other === null || (other.host === me.host && !alive(other.pid)))) {
      // A holder that died left its lock behind (or the file is still being written): take it over.
      if (other !== null || attempt > 0) rmSync(path, { force: true });
      continue;
    }
    const who = other ? `judgekit process ${other.pid} on ${other.host} (started ${other.started_at}: ${other.command})` : 'another judgekit process';
    throw new InputError(`${what} ${dir} is in use by ${who}; wait for it to finish, or delete ${path} if that process is gone`);
  }
}

function handle(path: string): Lock {
  let released = false;
  return {
    path,
    release(): void {
      if (released) return;
      released = true;
      const n = held.get(path) ?? 0;
      if (n > 1) held.set(path, n - 1);
      else {
        held.delete(path);
        rmSync(path, { force: true });
      }
    },
  };
}

function readHolder(path: string): Holder | null {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as Holder;
    return typeof h?.pid === 'number' && typeof h.host === 'string' ? h : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Locks still held when the process exits (an error, Ctrl-C) are removed on the way out. */
function hookExit(): void {
  if (exitHook) return;
  exitHook = true;
  process.on('exit', () => {
    for (const path of held.keys()) rmSync(path, { force: true });
    held.clear();
  });
}
