import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkPatterns } from '../../src/index.js';

const REGISTRY = `version: 1.0.0
metadata:
  created: 2026-01-01
  last_updated: 2026-01-01
  total_patterns: 1
  total_categories: 1
patterns:
  - pattern_id: PAT-ATOMIC-CREATE-001
    doc_id: DOC-PAT-ATOMIC-CREATE-001
    name: atomic_create
    version: 1.0.0
    status: active
    category: files
`;
const WRONG = 'pattern_id: PAT-ATOMIC-CREATE-001\ndoc_id: DOC-WRONG-999\n';

let patterns: string;
beforeEach(async () => {
  patterns = join(await mkdtemp(join(tmpdir(), 'st3-sidecars-')), 'patterns');
  await put('PATTERN_INDEX.yaml', REGISTRY);
});
afterEach(async () => {
  await rm(dirname(patterns), { recursive: true, force: true });
});

async function put(path: string, text: string): Promise<void> {
  await mkdir(dirname(join(patterns, path)), { recursive: true });
  await writeFile(join(patterns, path), text);
}

const sidecarFindings = async () =>
  (await checkPatterns(patterns)).findings
    .filter((f) => f.rule.startsWith('sidecar-'))
    .map((f) => ({ rule: f.rule, file: f.file }));

describe('checkPatterns: every sidecar is checked, however deep or linked', () => {
  it('checks a sidecar seven folders down (no depth cap)', async () => {
    await put('specs/a/b/c/d/e/f/wrong.id.yaml', WRONG);
    const report = await checkPatterns(patterns);
    expect(report.ok).toBe(false);
    expect(report.findings.filter((f) => f.rule === 'sidecar-mismatch')).toEqual([
      expect.objectContaining({
        file: join(patterns, 'specs/a/b/c/d/e/f/wrong.id.yaml'),
        line: 2,
        message:
          'sidecar doc_id DOC-WRONG-999 but the registry gives PAT-ATOMIC-CREATE-001 doc_id DOC-PAT-ATOMIC-CREATE-001',
      }),
    ]);
  });

  it('checks a sidecar that is a symbolic link to a file, and one that .gitignore ignores', async () => {
    await put('../elsewhere/target.yaml', WRONG);
    await mkdir(join(patterns, 'specs'), { recursive: true });
    await symlink(join(patterns, '../elsewhere/target.yaml'), join(patterns, 'specs/linked.id.yaml'));
    await put('.gitignore', 'ignored/\n');
    await put('ignored/x.id.yaml', WRONG);
    expect(await sidecarFindings()).toEqual([
      { rule: 'sidecar-mismatch', file: join(patterns, 'ignored/x.id.yaml') },
      { rule: 'sidecar-mismatch', file: join(patterns, 'specs/linked.id.yaml') },
    ]);
  });

  it('is E_FILE_READ naming a sidecar link that points to nothing, never a pass', async () => {
    await mkdir(join(patterns, 'specs'), { recursive: true });
    await symlink(join(patterns, 'gone.yaml'), join(patterns, 'specs/dangling.id.yaml'));
    await expect(checkPatterns(patterns)).rejects.toMatchObject({
      code: 'E_FILE_READ',
      file: join(patterns, 'specs/dangling.id.yaml'),
    });
  });

  it('is E_FILE_READ for a spec link that points to nothing, E_FILE_ENCODING for a spec that is not UTF-8', async () => {
    await mkdir(join(patterns, 'specs'), { recursive: true });
    await symlink(join(patterns, 'gone.yaml'), join(patterns, 'specs/dangling.pattern.yaml'));
    await expect(checkPatterns(patterns)).rejects.toMatchObject({
      code: 'E_FILE_READ',
      file: join(patterns, 'specs/dangling.pattern.yaml'),
    });
    await rm(join(patterns, 'specs/dangling.pattern.yaml'));
    await writeFile(join(patterns, 'specs/latin1.pattern.yaml'), Buffer.from('pattern_id: PAT-\xe9\n', 'latin1'));
    await expect(checkPatterns(patterns)).rejects.toMatchObject({
      code: 'E_FILE_ENCODING',
      file: join(patterns, 'specs/latin1.pattern.yaml'),
      line: 1,
    });
  });
});
