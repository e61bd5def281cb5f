import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultRegistryDir, patternRuleLevels, resolvePatternCheck, schemaFirstFromEnv } from '../src/index.js';

describe('schemaFirstFromEnv', () => {
  it('maps ST3_SCHEMA_FIRST of the given environment, never process.env', () => {
    expect(schemaFirstFromEnv({})).toBeUndefined();
    expect(schemaFirstFromEnv({ ST3_SCHEMA_FIRST: ' ' })).toBeUndefined();
    expect(schemaFirstFromEnv({ ST3_SCHEMA_FIRST: 'On' })).toBe(true);
    expect(schemaFirstFromEnv({ ST3_SCHEMA_FIRST: '0' })).toBe(false);
    expect(() => schemaFirstFromEnv({ ST3_SCHEMA_FIRST: 'bogus' })).toThrow(
      expect.objectContaining({ code: 'E_USAGE' }),
    );
  });
});

describe('resolvePatternCheck', () => {
  let root: string;
  const put = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'st3-pattern-config-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('without a rules file: the registry found from start, no options', async () => {
    put('patterns/PATTERN_INDEX.yaml', 'patterns: []\n');
    const r = await resolvePatternCheck({ root });
    expect(r.registry).toBe(join(root, 'patterns'));
    expect(r.options).toEqual({ rules: {} });
    expect(defaultRegistryDir(root, join(root, 'elsewhere'))).toBe(join(root, 'patterns'));
  });

  it('the settings of .st3/config/patterns.yaml (paths from the root), under what the caller gave', async () => {
    put(
      '.st3/config/patterns.yaml',
      'registry: reg\nlink_base: base\nrequired_folders: [docs]\nlink_fields: [spec_path]\nrules:\n  link-missing: "off"\n  spec-unlinked: error\n',
    );
    const fromFile = await resolvePatternCheck({ root, start: join(root, 'sub') });
    expect(fromFile.registry).toBe(join(root, 'reg'));
    expect(fromFile.options).toEqual({
      requiredFolders: ['docs'],
      linkFields: ['spec_path'],
      linkBase: join(root, 'base'),
      rules: { 'link-missing': 'off', 'spec-unlinked': 'error' },
    });
    // given values resolve from start and win; a given rule wins over the file's level of that rule only
    const given = await resolvePatternCheck({
      root,
      start: join(root, 'sub'),
      registry: 'r2',
      linkBase: '.',
      requiredFolders: [],
      rules: { 'link-missing': 'warning' },
    });
    expect(given.registry).toBe(join(root, 'sub', 'r2'));
    expect(given.options).toMatchObject({
      requiredFolders: [],
      linkBase: join(root, 'sub'),
      rules: { 'link-missing': 'warning', 'spec-unlinked': 'error' },
    });
  });

  it('errors: an invalid or missing rules file, an unknown rule or level', async () => {
    await expect(resolvePatternCheck({ root, configFile: join(root, 'none.yaml') })).rejects.toMatchObject({
      code: 'E_FILE_NOT_FOUND',
    });
    put('.st3/config/patterns.yaml', 'rules:\n  link-missing: loud\n');
    await expect(resolvePatternCheck({ root })).rejects.toMatchObject({ code: 'E_CONFIG_INVALID' });
    expect(() => patternRuleLevels({ 'no-such-rule': 'off' })).toThrow(expect.objectContaining({ code: 'E_USAGE' }));
    expect(() => patternRuleLevels({ 'link-missing': 'loud' })).toThrow(expect.objectContaining({ code: 'E_USAGE' }));
  });
});
