import { createRequire } from 'node:module';
import type * as TS from 'typescript';
import { St3Error } from '@st3/schemas/errors';

let loaded: Promise<typeof TS> | undefined;

/**
 * The TypeScript compiler, loaded on first use only (it is several MB; `--help` must not pay for it).
 * It is required, not imported: an ESM import of the CommonJS compiler makes Node scan all of it
 * for named exports first, which costs every worker thread a noticeable part of a second.
 */
export function loadTypeScript(): Promise<typeof TS> {
  loaded ??= new Promise<typeof TS>((resolve) => {
    resolve(createRequire(import.meta.url)('typescript') as typeof TS);
  }).catch((error: unknown) => {
    loaded = undefined;
    throw new St3Error('E_ATOMIZE_ENGINE', `cannot load the TypeScript compiler: ${(error as Error).message}`, {
      cause: error,
    });
  });
  return loaded;
}
