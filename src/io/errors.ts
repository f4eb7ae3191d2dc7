import type { z } from 'zod';

/**
 * An error the user can cause and fix: bad input, a missing file, a bad option. It names the
 * file, the line and the field where it can, and reaches the user as one sentence (see cli/main).
 */
export class InputError extends Error {
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly field: string | undefined;

  constructor(message: string, where: { file?: string; line?: number; field?: string } = {}) {
    super(formatWhere(where) + message);
    this.name = 'InputError';
    this.file = where.file;
    this.line = where.line;
    this.field = where.field;
  }
}

function formatWhere({ file, line, field }: { file?: string; line?: number; field?: string }): string {
  let s = '';
  if (file) s += file;
  if (line !== undefined) s += `:${line}`;
  if (s) s += ': ';
  if (field) s += `field "${field}": `;
  return s;
}

/** Turns the first zod issue into an InputError at file:line, naming the field path. */
export function zodToInputError(err: z.ZodError, file: string, line: number | undefined): InputError {
  const issue = err.issues[0]!;
  const field = issue.path.length ? issue.path.map(String).join('.') : undefined;
  return new InputError(issue.message, { file, line, field });
}
