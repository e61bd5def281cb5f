import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkPatterns, patternRuleLevels, resolvePatternCheck, runPatternBatch } from '../../src/index.js';

/** A registry valid by its schema, listing no pattern, beside an (empty) specs/ folder. */
const EMPTY = [
  'doc_id: DOC-PAT-INDEX-001',
  'version: 1.0.0',
  'metadata:',
  "  created: '2025-11-24'",
  "  last_updated: '2025-12-09'",
  '  total_patterns: 0',
  '  total_categories: 0',
  'patterns: []',
  '',
].join('\n');

describe('checkPatterns: a registry that lists no pattern checks nothing', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'st3-patterns-empty-'));
    await mkdir(join(root, 'patterns', 'specs'), { recursive: true });
    await writeFile(join(root, 'patterns', 'PATTERN_INDEX.yaml'), EMPTY);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('is not ok: a located registry-empty error with a hint, never "0 patterns, 0 errors"', async () => {
    const report = await checkPatterns(join(root, 'patterns'));
    expect(report).toMatchObject({ ok: false, patterns: 0, errors: 1, byRule: { 'registry-empty': 1 } });
    expect(report.findings).toEqual([
      expect.objectContaining({
        rule: 'registry-empty',
        severity: 'error',
        file: join(root, 'patterns', 'PATTERN_INDEX.yaml'),
        line: 8,
        column: 11,
        message: 'the registry lists no pattern: nothing was checked',
        hint: expect.stringContaining('patterns:'),
      }),
    ]);
  });

  it('no level turns it off or down, from the caller or from patterns.yaml', async () => {
    expect(() => patternRuleLevels({ 'registry-empty': 'off' })).toThrow(
      expect.objectContaining({
        code: 'E_USAGE',
        message: 'rule registry-empty is always error: it cannot be set to off',
      }),
    );
    await mkdir(join(root, '.st3', 'config'), { recursive: true });
    await writeFile(join(root, '.st3', 'config', 'patterns.yaml'), 'rules:\n  registry-empty: warning\n');
    const { registry, options } = await resolvePatternCheck({ root });
    const report = await checkPatterns(registry, options);
    expect(report).toMatchObject({ ok: false, errors: 1, warnings: 0 });
  });
});

describe('runPatternBatch: a registry that lists no pattern generates nothing, and says so', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'st3-patterns-empty-batch-'));
    await mkdir(join(root, 'patterns', 'specs'), { recursive: true });
    await writeFile(join(root, 'patterns', 'PATTERN_INDEX.yaml'), EMPTY);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('a nothing-to-generate note naming the registry, never a silent "0 planned"', async () => {
    const report = await runPatternBatch(join(root, 'patterns', 'PATTERN_INDEX.yaml'), { dryRun: true });
    expect(report.files).toEqual([]);
    expect(report.notes).toEqual([
      expect.objectContaining({
        pattern: 'PATTERN_INDEX.yaml',
        severity: 'warning',
        kind: 'nothing-to-generate',
        message: expect.stringContaining('the registry lists no pattern: nothing to generate'),
      }),
    ]);
  });
});
