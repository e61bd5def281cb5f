import type * as TS from 'typescript';
import { St3Error } from '@st3/schemas/errors';

let loaded: Promise<typeof TS> | undefined;

/** The TypeScript compiler, imported on first use only (it is several MB; `--help` must not pay for it). */
export function loadTypeScript(): Promise<typeof TS> {
  loaded ??= import('typescript').then(
    (m) => (m as unknown as { default?: typeof TS }).default ?? (m as unknown as typeof TS),
    (error: unknown) => {
      loaded = undefined;
      throw new St3Error('E_ATOMIZE_ENGINE', `cannot load the TypeScript compiler: ${(error as Error).message}`, {
        cause: error,
      });
    },
  );
  return loaded;
}
