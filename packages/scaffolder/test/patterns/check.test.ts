import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { checkPatterns } from '../../src/index.js';
import { copyFixture } from './helpers.js';
import { describeWithFixtures } from '@st3/tooling/fixtures';

describeWithFixtures('checkPatterns on the real registry', () => {
  let fx: Awaited<ReturnType<typeof copyFixture>>;
  beforeEach(async () => {
    fx = await copyFixture();
  });
  afterEach(async () => {
    await fx.cleanup();
  });

  it('reports the broken spec_path links and the schema breaks with line numbers', async () => {
    const report = await checkPatterns(fx.patterns);
    expect(report.ok).toBe(false);
    expect(report.patterns).toBe(190);
    // links resolve from the folder holding patterns/ (they are written as patterns/specs/...)
    expect(report.linkBase).toBe(fx.root);
    const missingSpecs = report.findings.filter((f) => f.rule === 'link-missing' && f.path?.[2] === 'spec_path');
    expect(missingSpecs.length).toBeGreaterThan(150);
    expect(missingSpecs[0]).toMatchObject({
      line: 16,
      severity: 'error',
      message:
        'PAT-MODULE-REFACTOR-SCAN-001: spec_path patterns/specs/module_refactor_scan_docs.pattern.yaml does not exist',
    });
    // the three specs that are in the fixture are not reported
    expect(missingSpecs.some((f) => f.message.includes('atomic_create.pattern.yaml'))).toBe(false);
    const schema = report.findings.filter((f) => f.rule === 'registry-schema');
    expect(schema.find((f) => f.path?.join('.') === 'patterns.5.status')).toMatchObject({ line: 88, column: 11 });
    expect(schema.find((f) => f.path?.join('.') === 'patterns.0.pattern_id')).toMatchObject({ line: 11 });
    expect(report.byRule['doc-id-format']).toBeGreaterThan(0);
    expect(report.findings.find((f) => f.rule === 'link-separator')?.severity).toBe('warning');
    // the spec that is in specs/ but that its entry does not link
    const unlinked = report.findings.filter((f) => f.rule === 'spec-unlinked');
    expect(unlinked.map((f) => f.message)).toEqual([
      expect.stringMatching(
        /^no registry entry links this spec; PAT-BATCH-FILE-GEN-001 \(registry line \d+\) has no spec_path$/,
      ),
    ]);
    expect(unlinked[0]!.hint).toBe('set spec_path: patterns/specs/batch_file_generation.pattern.yaml');
  });

  it('finds the pattern tree when the registry sits in patterns/registry/ (the upstream layout)', async () => {
    await mkdir(join(fx.patterns, 'registry'));
    await writeFile(join(fx.patterns, 'registry', 'PATTERN_INDEX.yaml'), await readFile(fx.registry, 'utf8'));
    const { rm } = await import('node:fs/promises');
    await rm(fx.registry);
    const report = await checkPatterns(fx.patterns);
    expect(report.registry).toBe(join(fx.patterns, 'registry', 'PATTERN_INDEX.yaml'));
    expect(report.linkBase).toBe(fx.root);
    expect(report.byRule['required-folder']).toBeUndefined();
    const missing = report.findings.filter((f) => f.rule === 'link-missing' && f.path?.[2] === 'spec_path');
    expect(missing.some((f) => f.message.includes('atomic_create.pattern.yaml'))).toBe(false);
    expect(report.byRule['spec-unlinked']).toBe(1);
  });

  it('is configurable: rules can be switched off or made warnings, folders required', async () => {
    const report = await checkPatterns(fx.registry, {
      requiredFolders: ['specs', 'executors'],
      rules: {
        'link-missing': 'off',
        'registry-schema': 'warning',
        'doc-id-format': 'off',
        'doc-id-missing': 'off',
        'link-separator': 'off',
        'path-shared': 'off',
      },
    });
    expect(report.findings.map((f) => f.rule)).not.toContain('link-missing');
    expect(report.findings.filter((f) => f.rule === 'required-folder').map((f) => f.message)).toEqual([
      'required folder "executors" is missing',
    ]);
    expect(report.errors).toBe(1);
  });

  it('path-shared: an executor_path two entries name (however written) is an error at the later entry', async () => {
    const report = await checkPatterns(fx.registry);
    const shared = report.findings.filter((f) => f.rule === 'path-shared');
    expect(shared.length).toBeGreaterThan(0);
    expect(shared.every((f) => f.severity === 'error' && f.path?.[2] === 'executor_path')).toBe(true);
    expect(shared.find((f) => f.message.startsWith('PAT-INDEX-801:'))).toMatchObject({
      line: 1194,
      message: expect.stringContaining('is also the executor_path of PAT-INDEX-752'),
    });
    // written with backslashes by one entry and slashes by the other: one file
    expect(shared.find((f) => f.message.startsWith('PAT-ANTI-ANTI-PATTERNS-003:'))?.message).toContain(
      'of PAT-ANTI-anti_patterns-1001',
    );
    // a schema several entries share (a common hand-written one) is not a finding
    expect(shared.some((f) => f.path?.[2] === 'schema_path')).toBe(false);
  });

  it('a file link that names a folder is not a linked file: the spec behind it was never checked', async () => {
    const { rm } = await import('node:fs/promises');
    const spec = join(fx.patterns, 'specs', 'atomic_create.pattern.yaml');
    const schema = join(fx.patterns, 'schemas', 'atomic_create.schema.json');
    for (const file of [spec, schema]) {
      await rm(file);
      await mkdir(file);
    }
    const report = await checkPatterns(fx.patterns);
    const folders = report.findings.filter((f) => f.rule === 'link-missing' && f.message.includes('is a folder'));
    expect(folders.map((f) => [f.path?.[2], f.message, f.severity])).toEqual([
      [
        'spec_path',
        'PAT-ATOMIC-CREATE-001: spec_path patterns/specs/atomic_create.pattern.yaml is a folder, not a file',
        'error',
      ],
      [
        'schema_path',
        'PAT-ATOMIC-CREATE-001: schema_path patterns/schemas/atomic_create.schema.json is a folder, not a file',
        'error',
      ],
    ]);
  });

  it('finds sidecars and DOC_LINK headers that disagree with the registry', async () => {
    const spec = join(fx.patterns, 'specs', 'atomic_create.pattern.yaml');
    const registry = await readFile(fx.registry, 'utf8');
    await writeFile(
      fx.registry,
      registry.replace(
        '- pattern_id: PAT-ATOMIC-CREATE-001\n',
        '- pattern_id: PAT-ATOMIC-CREATE-001\n  doc_id: DOC-ATOMIC-CREATE-001\n',
      ),
    );
    await writeFile(spec, `# DOC_LINK: DOC-SOMETHING-ELSE\n${await readFile(spec, 'utf8')}`);
    await writeFile(
      join(fx.patterns, 'specs', 'atomic_create.id.yaml'),
      'pattern_id: PAT-ATOMIC-CREATE-001\ndoc_id: DOC-WRONG-001\n',
    );
    await mkdir(join(fx.patterns, 'specs', 'old'));
    await writeFile(
      join(fx.patterns, 'specs', 'old', 'gone.id.yaml'),
      'pattern_id: PAT-GONE-001\ndoc_id: DOC-GONE-001\n',
    );
    const report = await checkPatterns(fx.patterns);
    const by = (rule: string) => report.findings.filter((f) => f.rule === rule);
    expect(by('doc-link-mismatch')[0]).toMatchObject({
      line: 1,
      message: 'DOC_LINK: DOC-SOMETHING-ELSE but the registry gives PAT-ATOMIC-CREATE-001 doc_id DOC-ATOMIC-CREATE-001',
    });
    expect(by('sidecar-mismatch')[0]).toMatchObject({ line: 2 });
    expect(by('sidecar-orphan')[0]!.message).toContain('PAT-GONE-001');
    // the spec carries its own doc_id, which now disagrees with the registry
    expect(by('spec-mismatch')[0]).toMatchObject({ line: 2 });
  });
});
