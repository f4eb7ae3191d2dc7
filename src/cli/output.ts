import { InputError } from '../io/errors.ts';

/** Prints a command's result: JSON on stdout with --json, otherwise the human-readable text. */
export function emit(result: unknown, json: boolean | undefined, human: () => string): void {
  if (json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else process.stdout.write(human().replace(/\n?$/, '\n'));
}

/** Parses a numeric option, or fails with a user error naming the option. */
export function numberOption(name: string, value: string | undefined, opts: { int?: boolean; min?: number; max?: number } = {}): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || (opts.int && !Number.isInteger(n)) || (opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max)) {
    const range = opts.min !== undefined || opts.max !== undefined ? ` in [${opts.min ?? '-∞'}, ${opts.max ?? '∞'}]` : '';
    throw new InputError(`option --${name} takes ${opts.int ? 'a whole number' : 'a number'}${range}, not "${value}"`);
  }
  return n;
}

/** Largest seed: the generators take 32-bit seeds, so a larger one would be silently reduced. */
export const MAX_SEED = 2 ** 32 - 1;

/** A seed option: a whole number in [0, 2^32−1], refused otherwise. */
export function seedOption(name: string, value: string | undefined): number | undefined {
  return numberOption(name, value, { int: true, min: 0, max: MAX_SEED });
}

/** Checks an option against its allowed values, or fails with a user error naming them. */
export function choiceOption<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new InputError(`option --${name} takes ${allowed.join(', ')}, not "${value}"`);
  return value as T;
}

/** A comma-separated option as a list (blank entries dropped). */
export function listOption(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',').map((x) => x.trim()).filter(Boolean);
}

/** The measurement levels of the agreement statistics. */
export const LEVELS = ['nominal', 'ordinal', 'interval', 'ratio'] as const;
