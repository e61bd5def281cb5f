import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkPatterns, createAjv, runPatternBatch, validateInstance } from '../../src/index.js';
import { copyFixture } from './helpers.js';
import { describeWithFixtures } from '@st3/tooling/fixtures';

const NOW = new Date('2026-01-02T03:04:05Z');

async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else
        out[relative(dir, p)] = createHash('sha256')
          .update(await readFile(p))
          .digest('hex');
    }
  };
  await walk(dir);
  return out;
}

describeWithFixtures('runPatternBatch on the real registry', () => {
  let fx: Awaited<ReturnType<typeof copyFixture>>;
  beforeEach(async () => {
    fx = await copyFixture();
  });
  afterEach(async () => {
    await fx.cleanup();
  });

  it('--dry-run plans every phase and writes nothing', async () => {
    const before = await snapshot(fx.root);
    const report = await runPatternBatch(fx.registry, { dryRun: true, now: NOW, diffs: true });
    expect(await snapshot(fx.root)).toEqual(before);
    const registryDiff = report.files.find((f) => f.path === 'patterns/PATTERN_INDEX.yaml')!.diff!;
    expect(registryDiff).toContain(
      ' - pattern_id: PAT-MODULE-REFACTOR-SCAN-001\n+  doc_id: DOC-MODULE-REFACTOR-SCAN-001\n',
    );
    // a dry run's diff only ever adds doc_id lines to the registry
    expect(
      registryDiff
        .split('\n')
        .filter((l) => /^[-+](?![-+])/.test(l))
        .every((l) => /^\+ {2}doc_id: DOC-[A-Z0-9-]+$/.test(l)),
    ).toBe(true);
    expect(report.dryRun).toBe(true);
    expect(report.counts.planned).toBeGreaterThan(5);
    expect(report.counts.created).toBe(0);
    const paths = report.files.map((f) => `${f.status}:${f.path}`);
    expect(paths).toContain('planned:patterns/PATTERN_INDEX.yaml');
    expect(paths).toContain('planned:patterns/schemas/atomic_create.schema.id.yaml');
    expect(paths).toContain('kept:patterns/schemas/batch_create.schema.json');
    expect(paths).toContain('planned:patterns/examples/batch_create/instance_minimal.json');
    expect(paths).toContain('planned:patterns/executors/batch_create_executor.ps1');
    expect(paths).toContain('kept:patterns/schemas/atomic_create.schema.json');
    // the registry's own bad doc ids are reported, not rewritten
    expect(
      report.notes.some((n) => n.severity === 'error' && n.message.includes('DOC-PAT-EVERY_REUSABLE_PATTERN-005')),
    ).toBe(true);
    expect(report.ok).toBe(false);
  });

  it('phase 1 edits registry and specs surgically, writes sidecars, and is idempotent', async () => {
    const original = await readFile(fx.registry, 'utf8');
    const report = await runPatternBatch(fx.registry, { phases: [1], now: NOW, batchSize: 40 });
    expect(report.batches.every((b) => b.ok)).toBe(true);
    const edited = await readFile(fx.registry, 'utf8');
    // every original line is still there, in order: the edit only added doc_id lines
    const added = edited.split('\n');
    let i = 0;
    for (const line of original.split('\n')) {
      while (i < added.length && added[i] !== line) {
        expect(added[i]).toMatch(/^ {2}doc_id: DOC-[A-Z0-9-]+$/);
        i++;
      }
      i++;
    }
    expect(edited).toContain(
      '- pattern_id: PAT-MODULE-REFACTOR-SCAN-001\n  doc_id: DOC-MODULE-REFACTOR-SCAN-001\n  name: module_refactor_scan_docs',
    );
    // the spec's own doc id is adopted by the registry rather than a new one invented
    expect(edited).toContain('- pattern_id: PAT-ATOMIC-CREATE-001\n  doc_id: DOC-PAT-ATOMIC-CREATE-PATTERN-044\n');
    expect(edited).toContain('# Code Quality & Validation Patterns (Added 2025-12-04)');
    const spec = await readFile(join(fx.patterns, 'specs', 'atomic_create.pattern.yaml'), 'utf8');
    expect(
      spec.startsWith(
        '# DOC_LINK: DOC-PAT-ATOMIC-CREATE-PATTERN-044\ndoc_id: DOC-PAT-ATOMIC-CREATE-PATTERN-044\n# Pattern: Atomic Create\n',
      ),
    ).toBe(true);
    // the seed's sidecar layout: schemas/<name>.schema.id.yaml beside the schema it describes
    const sidecar = await readFile(join(fx.patterns, 'schemas', 'atomic_create.schema.id.yaml'), 'utf8');
    expect(sidecar).toContain(
      [
        'schema_path: patterns/schemas/atomic_create.schema.json',
        'doc_id: DOC-PAT-ATOMIC-CREATE-PATTERN-044',
        'pattern_id: PAT-ATOMIC-CREATE-001',
        'role: schema',
        'linked_spec: patterns/specs/atomic_create.pattern.yaml',
      ].join('\n'),
    );

    const check = await checkPatterns(fx.patterns);
    expect(check.byRule['sidecar-mismatch']).toBeUndefined();
    expect(check.byRule['doc-link-mismatch']).toBeUndefined();
    expect(check.byRule['spec-mismatch']).toBeUndefined();
    // only the entries skipped for their own invalid doc ids are left without one
    expect(check.byRule['doc-id-missing'] ?? 0).toBeLessThan(5);

    const again = await runPatternBatch(fx.registry, { phases: [1], now: NOW, batchSize: 40 });
    expect(again.counts.created + again.counts.updated + again.counts.planned).toBe(0);
    expect(again.files.every((f) => f.status === 'unchanged')).toBe(true);
  });
});

const SPEC = `# Pattern: Greet
pattern_id: "PAT-GREET-HELLO-001"
name: "greet"
intent: |
  Say hello to people.
inputs:
  project_root:
    type: "string"
    required: true
    example: "/tmp/project"
  names:
    type: "list"
    required: true
    min_items: 1
    max_items: 3
    items:
      type: "object"
      required: ["name"]
      properties:
        name: { type: "string", pattern: "^[A-Z][a-z]+$", example: "Ada" }
        times: { type: "int", minimum: 1, maximum: 5 }
  style:
    type: "string"
    enum: ["plain", "loud"]
    default: "plain"
  dry_run:
    type: "boolean"
    default: false
execution_steps:
  - step_id: "S1_validate"
  - step_id: "S2_greet"
`;

async function miniRepo(registry: string, specs: Record<string, string>) {
  const root = await mkdtemp(join(tmpdir(), 'st3-patterns-mini-'));
  await mkdir(join(root, 'patterns', 'specs'), { recursive: true });
  await writeFile(join(root, 'patterns', 'PATTERN_INDEX.yaml'), registry);
  for (const [name, text] of Object.entries(specs)) await writeFile(join(root, 'patterns', 'specs', name), text);
  return root;
}

const REGISTRY = `version: 1.0.0
metadata: { created: '2025-01-01', last_updated: '2025-01-01', total_patterns: 1, total_categories: 1 }
patterns:
- pattern_id: PAT-GREET-HELLO-001
  name: greet
  version: 1.0.0
  status: draft
  category: demo
  spec_path: patterns/specs/greet.pattern.yaml
  executor_path: patterns/executors/greet_executor.py
  test_path: patterns/tests/test_greet_executor.py
  example_dir: patterns/examples/greet/
`;

describe('phase 2: schemas, examples, executor and test scaffolds', () => {
  let root: string;
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('derives a schema, writes three examples valid under ajv, and a runnable executor with its pytest', async () => {
    root = await miniRepo(REGISTRY, { 'greet.pattern.yaml': SPEC });
    const report = await runPatternBatch(join(root, 'patterns'), { now: NOW });
    expect(report.ok).toBe(true);
    const schema = JSON.parse(await readFile(join(root, 'patterns/schemas/greet.schema.json'), 'utf8'));
    expect(schema.required).toEqual(['pattern_id', 'project_root', 'names']);
    expect(schema.properties.names).toMatchObject({
      type: 'array',
      minItems: 1,
      maxItems: 3,
      items: { required: ['name'], properties: { times: { type: 'integer', minimum: 1, maximum: 5 } } },
    });
    const ajv = createAjv();
    for (const kind of ['minimal', 'full', 'test']) {
      const instance = JSON.parse(await readFile(join(root, `patterns/examples/greet/instance_${kind}.json`), 'utf8'));
      expect(validateInstance(ajv, schema, instance)).toEqual({ valid: true, errors: [] });
    }
    const minimal = JSON.parse(await readFile(join(root, 'patterns/examples/greet/instance_minimal.json'), 'utf8'));
    expect(Object.keys(minimal).sort()).toEqual(['doc_id', 'metadata', 'names', 'pattern_id', 'project_root']);
    // an example carries its pattern's doc id, never a placeholder
    expect(minimal.doc_id).toBe('DOC-GREET-HELLO-001');
    const test = JSON.parse(await readFile(join(root, 'patterns/examples/greet/instance_test.json'), 'utf8'));
    expect(test.names).toHaveLength(3);
    const executor = await readFile(join(root, 'patterns/executors/greet_executor.py'), 'utf8');
    expect(executor.split('\n').slice(0, 3)).toEqual([
      '# patterns/executors/greet_executor.py',
      expect.stringMatching(/^# template=pattern_executor version=[0-9a-f]{8} created=2026-01-02T03:04:05Z updated=$/),
      '# DOC_LINK: DOC-GREET-HELLO-001',
    ]);
    execFileSync('python3', [
      '-m',
      'py_compile',
      join(root, 'patterns/executors/greet_executor.py'),
      join(root, 'patterns/tests/test_greet_executor.py'),
    ]);
    const pytest = spawnSync(
      'python3',
      ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', join(root, 'patterns/tests/test_greet_executor.py')],
      { encoding: 'utf8' },
    );
    expect(pytest.stdout).toMatch(/3 passed/);

    // a re-run at another time changes nothing
    const again = await runPatternBatch(join(root, 'patterns'), { now: new Date('2027-01-01T00:00:00Z') });
    expect(again.files.filter((f) => f.status !== 'unchanged')).toEqual([]);
  });

  it('a batch whose generated output fails validation is rolled back; other batches are written', async () => {
    // two entries whose derived doc ids collide with an id the registry already gives a third
    const registry = `${REGISTRY}- pattern_id: PAT-OTHER-ONE-002\n  name: other\n  version: 1.0.0\n  status: draft\n  category: demo\n- pattern_id: PAT-THIRD-ONE-003\n  doc_id: DOC-OTHER-ONE-002\n  name: third\n  version: 1.0.0\n  status: draft\n  category: demo\n`;
    root = await miniRepo(registry, { 'greet.pattern.yaml': SPEC });
    const report = await runPatternBatch(join(root, 'patterns'), { phases: [1], batchSize: 1, now: NOW });
    expect(report.batches.map((b) => b.ok)).toEqual([true, false, true]);
    expect(report.batches[1]!.error!.message).toContain('DOC-OTHER-ONE-002 is already used by PAT-THIRD-ONE-003');
    const text = await readFile(join(root, 'patterns/PATTERN_INDEX.yaml'), 'utf8');
    expect(text).toContain('- pattern_id: PAT-GREET-HELLO-001\n  doc_id: DOC-GREET-HELLO-001\n');
    expect(text).toContain('- pattern_id: PAT-OTHER-ONE-002\n  name: other');
    expect(report.ok).toBe(false);
  });

  it('--batch-size 1: the registry line says its note once, with the counts of every batch added up', async () => {
    const registry = `${REGISTRY}- pattern_id: PAT-OTHER-ONE-002\n  name: other\n  version: 1.0.0\n  status: draft\n  category: demo\n- pattern_id: PAT-THIRD-ONE-003\n  name: third\n  version: 1.0.0\n  status: draft\n  category: demo\n`;
    root = await miniRepo(registry, { 'greet.pattern.yaml': SPEC });
    const report = await runPatternBatch(join(root, 'patterns'), { phases: [1], batchSize: 1, dryRun: true, now: NOW });
    expect(report.batches).toHaveLength(3);
    const line = report.files.find((f) => f.path === 'patterns/PATTERN_INDEX.yaml');
    expect(line?.note).toBe('doc_id for 3 pattern(s)');
  });

  it('phase 3 alone reports the plan and writes nothing', async () => {
    root = await miniRepo(REGISTRY, { 'greet.pattern.yaml': SPEC });
    const report = await runPatternBatch(join(root, 'patterns'), { phases: [3], now: NOW });
    expect(report.dryRun).toBe(true);
    expect(report.counts.planned).toBe(9);
    await expect(stat(join(root, 'patterns/schemas'))).rejects.toThrow();
  });
});
