import { resolve } from 'node:path';
import { St3Error } from '@st3/schemas/errors';
import { defineOptions, type CliIO } from '@st3/cli-kit';

export const LANGS = ['typescript', 'tsx', 'javascript', 'jsx', 'python'] as const;
export const VARIANTS = ['eslint', 'modified', 'classic', 'mccabe', 'radon'] as const;

/** Options `st3 atomize` and `st3 complexity` share. */
export const sourceOptions = defineOptions({
  lang: { type: 'enum', choices: LANGS, description: 'force the language' },
  'complexity-variant': {
    type: 'enum',
    choices: VARIANTS,
    description: 'eslint (default), modified, classic for JS/TS; mccabe (default), radon for Python',
  },
  workers: {
    type: 'number',
    integer: true,
    min: 0,
    description: 'worker threads (default: by CPU count for 16 files or more)',
  },
  'no-cache': { type: 'boolean', description: 'do not read or write .st3/cache/atomizer' },
});

export function baseDir(io: CliIO, cwd: string | undefined): string {
  return resolve(io.cwd, cwd ?? '.');
}

/** Turns Ctrl-C into the abort the library understands. */
export function abortError(io: CliIO): St3Error | undefined {
  return io.signal.aborted ? new St3Error('E_INTERRUPTED', 'interrupted') : undefined;
}
