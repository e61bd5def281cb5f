import { resolve } from 'node:path';
import { St3Error } from '@st3/schemas';
import type { CliIO } from '@st3/cli-kit';

export const LANGS = ['typescript', 'tsx', 'javascript', 'jsx', 'python'] as const;
export const VARIANTS = ['eslint', 'modified', 'classic', 'mccabe', 'radon'] as const;

export function checkChoice<T extends string>(
  value: string | undefined,
  choices: readonly T[],
  flag: string,
): T | undefined {
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value))
    throw new St3Error('E_USAGE', `${flag} must be one of ${choices.join(', ')}, got "${value}"`);
  return value as T;
}

export function baseDir(io: CliIO, cwd: string | undefined): string {
  return resolve(io.cwd, cwd ?? '.');
}

/** Turns Ctrl-C into the abort the library understands. */
export function abortError(io: CliIO): St3Error | undefined {
  return io.signal.aborted ? new St3Error('E_INTERRUPTED', 'interrupted') : undefined;
}
