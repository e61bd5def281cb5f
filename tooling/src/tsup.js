// One tsup configuration for every package and app: ESM, .d.ts, Node 20.
import { defineConfig } from 'tsup';

/**
 * @param {import('tsup').Options} [overrides] entries (default `src/index.ts`) and anything else to change.
 */
export function defineTsup(overrides = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    dts: { compilerOptions: { ignoreDeprecations: '6.0' } },
    sourcemap: true,
    clean: true,
    splitting: true,
    treeshake: true,
    ...overrides,
  });
}
