// One vitest configuration for every package: node environment, tests beside the code or in test/.
import { defineConfig } from 'vitest/config';

/**
 * @param {import('vitest/config').ViteUserConfig['test']} [overrides]
 */
export function defineVitest(overrides = {}) {
  return defineConfig({
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      environment: 'node',
      pool: 'forks',
      testTimeout: 30_000,
      hookTimeout: 60_000,
      ...overrides,
    },
  });
}
