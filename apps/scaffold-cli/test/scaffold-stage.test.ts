import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { memoryIO } from '@st3/cli-kit';
import { itWithFixtures, realWorld } from '@st3/tooling/fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { schemaFirstFromEnv } from '@st3/scaffolder';
import { stage } from '../src/index.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'st3-scaffold-stage-'));
  mkdirSync(join(root, '.st3'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const run = (dryRun: boolean) => stage.run({ root, io: memoryIO({ cwd: root }).io, dryRun, quiet: true });

/** Every file under a folder (relative paths), with its content. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true }))
    if (e.isFile()) out[relative(dir, join(e.parentPath, e.name))] = readFileSync(join(e.parentPath, e.name), 'utf8');
  return out;
}

/** The stage's own scratch folders left in the system temp folder. */
const leftovers = () => readdirSync(tmpdir()).filter((n) => n.startsWith('st3-run-scaffold-'));

type Check = { name: string; status: string; detail: string };
const checksOf = (report: { data?: unknown }) => (report.data as { checks: Check[] }).checks;

function config(files: Record<string, string>): void {
  mkdirSync(join(root, '.st3', 'config'), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, '.st3', 'config', name), text);
}

describe('scaffold stage of st3 run', () => {
  it('scaffolds a DTO and its test outside the workspace, checks them, and writes nothing in it', async () => {
    const before = leftovers();
    for (const dryRun of [true, false]) {
      const report = await run(dryRun);
      expect(report.ok, report.summary).toBe(true);
      expect(report.lines?.slice(0, 2)).toEqual([
        'CREATE    src/dtos/example-order.ts',
        'CREATE    test/unit/example-order.test.ts',
      ]);
      expect(checksOf(report).map((c) => `${c.name}:${c.status}`)).toEqual([
        'placement:skipped',
        'context:passed',
        'write:passed',
        'provenance:passed',
      ]);
      // No project_structure.yaml: placement was not checked, and the report says so.
      expect(report.summary).toContain('placement skipped (no project_structure.yaml)');
      expect(report.summary).toMatch(/^dto \+ unit_test \(template [0-9a-f]{8}\) scaffolded outside the workspace/);
      expect(checksOf(report)[3]!.detail).toBe('2 of 2 file(s) current (header, recorded version and answers)');
      expect(snapshot(root)).toEqual({});
    }
    expect(leftovers()).toEqual(before);
  });

  it('checks placement at the would-be workspace paths, so a scratch area is never the question', async () => {
    config({
      'project_structure.yaml': [
        'directories:',
        '  src:',
        '    parent: null',
        '    allowed_artifact_types: [dto]',
        '    allowed_extensions: [".ts"]',
        '  test:',
        '    parent: null',
        '    allowed_artifact_types: [unit_test]',
        '  .st3:',
        '    parent: null',
        '    allowed_artifact_types: []',
        '',
      ].join('\n'),
    });
    const report = await run(false);
    expect(report.ok, report.summary).toBe(true);
    expect(checksOf(report)[0]).toEqual({
      name: 'placement',
      status: 'passed',
      detail: 'src/example-order.ts allowed in src/, test/example-order.test.ts allowed in test/',
    });
  });

  it('fails on a placement the policy forbids, and skips (saying so) a path no directory governs', async () => {
    config({
      'project_structure.yaml':
        'directories:\n  src:\n    parent: null\n    allowed_artifact_types: [service]\n    allowed_extensions: [".ts"]\n',
    });
    await expect(run(true)).rejects.toMatchObject({ code: 'E_PLACEMENT' });
    config({
      'project_structure.yaml':
        'directories:\n  docs:\n    parent: null\n    allowed_artifact_types: [design]\n    allowed_extensions: [".md"]\n',
    });
    const report = await run(true);
    expect(report.ok).toBe(true);
    expect(checksOf(report)[0]).toEqual({
      name: 'placement',
      status: 'skipped',
      detail: 'src/dtos/example-order.ts, test/unit/example-order.test.ts under no directory of project_structure.yaml',
    });
  });

  it('fails provenance when the written files carry no header it can read', async () => {
    mkdirSync(join(root, '.st3', 'templates', 'base'), { recursive: true });
    writeFileSync(
      join(root, '.st3', 'templates', 'base', 'artifact.eta'),
      '<%/*\nversion: 9.0.0\n*/%>\n<%~ it.body %>\n',
    );
    const report = await run(false);
    expect(report.ok).toBe(false);
    expect(checksOf(report)[3]).toEqual({
      name: 'provenance',
      status: 'failed',
      detail: [
        'src/dtos/example-order.ts: malformed - provenance header missing (recorded in .st3/scaffold/answers.json)',
        'test/unit/example-order.test.ts: malformed - provenance header missing (recorded in .st3/scaffold/answers.json)',
      ].join('; '),
    });
  });

  it('says the context was not validated when the template declares no context schema', async () => {
    config({
      'artifacts.yaml': [
        'artifact_types:',
        '  - type: code',
        '    type_id: dto',
        '    name: DTO',
        '    template_path: concrete/dto.py.jinja2',
        '    file_extension: .py',
        '    generate_test: false',
        '',
      ].join('\n'),
    });
    mkdirSync(join(root, '.st3', 'templates', 'concrete'), { recursive: true });
    writeFileSync(
      join(root, '.st3', 'templates', 'concrete', 'dto.py.jinja2'),
      '{# TEMPLATE_METADATA\nversion: "1.0.0"\n#}\nclass {{ name }}:\n    pass\n',
    );
    const report = await run(true);
    expect(report.ok, report.summary).toBe(true);
    expect(checksOf(report).map((c) => `${c.name}:${c.status}`)).toEqual([
      'placement:skipped',
      'context:skipped',
      'write:passed',
      'provenance:passed',
    ]);
    expect(report.summary).toContain('context skipped (its template declares no context_schema)');
    expect(report.lines).toContain('CREATE    src/dtos/example_order.py');
  });

  itWithFixtures('passes with the real-world .st3 files copied unchanged, and leaves them unchanged', async () => {
    const from = join(realWorld, 'st3-config');
    mkdirSync(join(root, '.st3', 'config'));
    for (const f of ['quality.yaml', 'artifacts.yaml', 'project_structure.yaml', 'scaffold_metadata.yaml'])
      copyFileSync(join(from, f), join(root, '.st3', 'config', f));
    for (const f of ['state.json', 'template_registry.json']) copyFileSync(join(from, f), join(root, '.st3', f));
    const before = snapshot(root);
    const report = await run(false);
    expect(report.ok, report.summary).toBe(true);
    expect(checksOf(report).map((c) => `${c.name}:${c.status}`)).toEqual([
      'placement:passed',
      'context:passed',
      'write:passed',
      'provenance:passed',
    ]);
    // dto is a Python artifact there (file_extension .py): placed where its project_structure.yaml puts it.
    expect(checksOf(report)[0]!.detail).toBe(
      'backend/dtos/example_order.py allowed in backend/dtos/, tests/backend/test_example_order.py allowed in tests/backend/',
    );
    // Its template_path is not in this workspace: the built-in stands in, and the report says so.
    expect(report.lines?.join('\n')).toContain('concrete/dto.py.jinja2 (template_path of "dto") is not under');
    expect(snapshot(root)).toEqual(before);
  });
});

describe('ST3_SCHEMA_FIRST', () => {
  it('maps to the schemaFirst option and rejects other values', () => {
    expect(schemaFirstFromEnv({})).toBeUndefined();
    expect(schemaFirstFromEnv({ ST3_SCHEMA_FIRST: 'true' })).toBe(true);
    expect(schemaFirstFromEnv({ ST3_SCHEMA_FIRST: 'FALSE' })).toBe(false);
    expect(() => schemaFirstFromEnv({ ST3_SCHEMA_FIRST: 'maybe' })).toThrow(
      expect.objectContaining({ code: 'E_USAGE' }),
    );
  });
});
