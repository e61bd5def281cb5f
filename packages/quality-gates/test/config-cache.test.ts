import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cachedQualityConfig, loadQualityConfig, PRESETS, renderQualityConfig } from '../src/index.js';
import { tempDir } from './helpers.js';

// quality.yaml validated once is kept by content; a cached answer must equal a fresh validation, and
// anything invalid or changed is validated again.
let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});
function workspace(yaml: string): { config: string; cache: string } {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const config = join(t.dir, 'quality.yaml');
  writeFileSync(config, yaml);
  return { config, cache: join(t.dir, '.st3', 'cache', 'quality-config.json') };
}

describe('cachedQualityConfig', () => {
  it('answers every preset exactly as a fresh validation does, the first time and from the cache', async () => {
    for (const preset of PRESETS) {
      const { config, cache } = workspace(renderQualityConfig([preset.id]));
      const fresh = await loadQualityConfig(config);
      expect(await cachedQualityConfig(config, cache)).toEqual(fresh);
      expect(existsSync(cache)).toBe(true);
      // git never shows the cache as an untracked file.
      expect(readFileSync(join(cache, '..', '.gitignore'), 'utf8')).toMatch(/^\*$/m);
      expect(await cachedQualityConfig(config, cache)).toEqual(fresh);
    }
  });

  it('answers from the cache while the text is unchanged, and validates again when it changes', async () => {
    const yaml = renderQualityConfig(['ruff']);
    const { config, cache } = workspace(yaml);
    await cachedQualityConfig(config, cache);
    // Mark the kept entry: an answer carrying the mark came from the cache.
    const entry = JSON.parse(readFileSync(cache, 'utf8'));
    entry.value.gates.ruff.name = 'from the cache';
    writeFileSync(cache, JSON.stringify(entry));
    expect((await cachedQualityConfig(config, cache)).value?.gates.ruff?.name).toBe('from the cache');
    writeFileSync(config, yaml.replace('name: Ruff', 'name: Ruff linter'));
    expect((await cachedQualityConfig(config, cache)).value?.gates.ruff?.name).toBe('Ruff linter');
  });

  it('read-only (a dry run): answers from the cache when it can, and never writes it', async () => {
    const { config, cache } = workspace(renderQualityConfig(['ruff']));
    const fresh = await loadQualityConfig(config);
    expect(await cachedQualityConfig(config, cache, { readOnly: true })).toEqual(fresh);
    expect(existsSync(join(cache, '..'))).toBe(false);
    await cachedQualityConfig(config, cache);
    const entry = JSON.parse(readFileSync(cache, 'utf8'));
    entry.value.gates.ruff.name = 'from the cache';
    writeFileSync(cache, JSON.stringify(entry));
    const before = readFileSync(cache, 'utf8');
    expect((await cachedQualityConfig(config, cache, { readOnly: true })).value?.gates.ruff?.name).toBe(
      'from the cache',
    );
    writeFileSync(config, renderQualityConfig(['mypy']));
    expect((await cachedQualityConfig(config, cache, { readOnly: true })).value?.gates.mypy).toBeDefined();
    expect(readFileSync(cache, 'utf8')).toBe(before);
  });

  it('never keeps an invalid config: its located errors come back on every call', async () => {
    const { config, cache } = workspace('version: "1.1"\nactive_gates: [nope]\ngates: {}\nbogus: 1\n');
    for (let i = 0; i < 2; i++) {
      const r = await cachedQualityConfig(config, cache);
      expect(r.value).toBeUndefined();
      expect(r.errors.length).toBeGreaterThan(0);
      expect(r.errors[0]).toMatchObject({ file: config, line: expect.any(Number) });
    }
    expect(existsSync(cache)).toBe(false);
  });

  it('a damaged cache or a missing file: the loader answers (E_FILE_NOT_FOUND kept)', async () => {
    const { config, cache } = workspace(renderQualityConfig(['mypy']));
    await cachedQualityConfig(config, cache);
    writeFileSync(cache, '{ damaged');
    expect(await cachedQualityConfig(config, cache)).toEqual(await loadQualityConfig(config));
    const missing = await cachedQualityConfig(join(config, '..', 'none.yaml'), cache);
    expect(missing.errors[0]?.code).toBe('E_FILE_NOT_FOUND');
  });
});
