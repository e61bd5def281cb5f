import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseBackend, loadExecutorConfig, priceOf } from '../src/index.js';

const url = fc.constantFrom('redis://a:6379', 'redis://b:6380/1', 'rediss://c:6379');
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

describe('chooseBackend', () => {
  it('takes each setting from the flags, then ST3_REDIS_URL / the saved run, then executor.yaml (property)', () => {
    fc.assert(
      fc.property(
        maybe(fc.constantFrom('local', 'bullmq')),
        maybe(url),
        maybe(url),
        maybe(fc.constantFrom('local', 'bullmq') as fc.Arbitrary<'local' | 'bullmq'>),
        maybe(url),
        (flagBackend, flagRedis, envRedis, configBackend, configRedis) => {
          const flags = { backend: flagBackend, redis: flagRedis };
          const config = { version: 1 as const, backend: configBackend, redis: { url: configRedis } };
          const backend = flagBackend ?? configBackend ?? 'local';
          const redis = flagRedis ?? envRedis ?? configRedis;
          let choice;
          try {
            choice = chooseBackend(flags, { ST3_REDIS_URL: envRedis }, config);
          } catch (error) {
            const code = (error as { code?: string }).code;
            if (backend === 'local') expect(code).toBe('E_USAGE');
            else expect(code).toBe('E_REDIS_URL');
            expect(backend === 'local' ? flagRedis !== undefined : redis === undefined).toBe(true);
            return;
          }
          expect(choice.backend).toBe(backend);
          if (backend === 'bullmq') expect(choice.redis).toBe(redis);
          else expect(choice.redis).toBeUndefined();
        },
      ),
    );
  });

  it('a resumed run keeps its backend and queue unless the flags say otherwise', () => {
    const saved = { backend: 'bullmq', queue: 'nightly' };
    expect(chooseBackend({ redis: 'redis://x:1' }, {}, undefined, saved)).toEqual({
      backend: 'bullmq',
      redis: 'redis://x:1',
      queue: 'nightly',
    });
    expect(chooseBackend({ backend: 'local' }, {}, undefined, saved)).toEqual({ backend: 'local' });
  });
});

describe('loadExecutorConfig', () => {
  it('reads executor.yaml, locates its errors, and finds prices per agent with a "*" fallback', async () => {
    const root = await mkdtemp(join(tmpdir(), 'st3-executor-config-'));
    try {
      expect(await loadExecutorConfig(root)).toBeUndefined();
      await mkdir(join(root, '.st3', 'config'), { recursive: true });
      const file = join(root, '.st3', 'config', 'executor.yaml');
      await writeFile(
        file,
        'version: 1\nbackend: bullmq\nprices:\n  local: {prompt_per_million: 0, completion_per_million: 0}\n  "*": {prompt_per_million: 3, completion_per_million: 15}\n',
      );
      const config = await loadExecutorConfig(root);
      expect(config?.backend).toBe('bullmq');
      expect(priceOf(config, 'local')?.prompt_per_million).toBe(0);
      expect(priceOf(config, 'gpt')?.completion_per_million).toBe(15);
      await writeFile(file, 'version: 1\nbackend: bullmq\nredis:\n  url: http://nope\n');
      const error = await loadExecutorConfig(root).catch((e: unknown) => e as { code: string; line?: number });
      expect(error).toMatchObject({ code: 'E_CONFIG_INVALID', line: 4 });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
