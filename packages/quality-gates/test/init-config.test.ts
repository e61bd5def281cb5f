import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initQualityConfig, loadQualityConfig } from '../src/index.js';
import { tempDir, write } from './helpers.js';

describe('initQualityConfig (st3 gates init, MCP init_gates)', () => {
  it('writes quality.yaml from the detected presets, its schema beside it, and the .gitignore entries', async () => {
    const t = tempDir();
    try {
      write(t.dir, { 'package.json': '{"devDependencies":{"eslint":"^9"}}', 'tsconfig.json': '{}' });
      const r = await initQualityConfig(t.dir);
      expect(r).toEqual({
        path: join(t.dir, '.st3/config/quality.yaml'),
        schemaPath: join(t.dir, '.st3/config/quality.schema.json'),
        presets: ['eslint', 'tsc'],
        reasons: { eslint: expect.any(String), tsc: 'tsconfig.json was found' },
        gitignore: { added: ['.st3/logs/', '.st3/state.json'], created: true },
      });
      const loaded = await loadQualityConfig(r.path);
      expect(loaded.errors).toEqual([]);
      expect(Object.keys(loaded.value!.gates)).toEqual(['eslint', 'tsc']);
      expect(JSON.parse(readFileSync(r.schemaPath, 'utf8')).title).toBeDefined();
      await expect(initQualityConfig(t.dir, { display: 'quality.yaml' })).rejects.toMatchObject({
        code: 'E_CONFIG_EXISTS',
        message: 'quality.yaml already exists',
        file: 'quality.yaml',
      });
      const forced = await initQualityConfig(t.dir, { force: true, presets: ['ruff'] });
      expect(forced).toMatchObject({ presets: ['ruff'], reasons: {}, gitignore: { added: [], created: false } });
    } finally {
      t.cleanup();
    }
  });

  it('refuses an unknown preset or a workspace with nothing to detect, writing nothing', async () => {
    const t = tempDir();
    try {
      await expect(initQualityConfig(t.dir, { presets: ['tsc', 'nope'] })).rejects.toMatchObject({
        code: 'E_USAGE',
        message: 'unknown preset "nope"',
      });
      await expect(initQualityConfig(t.dir, { hints: { presets: 'pass presets' } })).rejects.toMatchObject({
        code: 'E_USAGE',
        hint: 'pass presets',
      });
      expect(existsSync(join(t.dir, '.st3'))).toBe(false);
      expect(existsSync(join(t.dir, '.gitignore'))).toBe(false);
    } finally {
      t.cleanup();
    }
  });
});
