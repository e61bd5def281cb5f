import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtures, json, runSt3, withTempDir } from '../src/run-cli.js';
import { itWithFixtures } from '@st3/tooling/fixtures';

const tasks = join(fixtures, 'tasks');

describe('st3 validate', () => {
  itWithFixtures(
    'accepts every real st3-config file (exit 0) and warns about deprecated fields on stderr',
    async () => {
      const r = await runSt3(['validate', join(fixtures, 'st3-config')]);
      expect(r.stderr).toContain('"scaffolder_class" is deprecated');
      expect(r.stdout).toContain('6 files: 6 valid, 0 invalid');
      expect(r.code).toBe(0);
    },
  );

  itWithFixtures('gives the right verdict on all 149 task files, as one JSON document', async () => {
    const r = await runSt3(['validate', tasks, '--json']);
    expect(r.code).toBe(1);
    const doc = json(r);
    expect(doc.summary).toEqual({ files: 149, valid: 139, invalid: 10, not_validated: 0 });
    const invalid = doc.files
      .filter((f: { valid: boolean }) => !f.valid)
      .map((f: { file: string }) => f.file.split('/').pop());
    expect(invalid).toContain('TASK-9006-blocked-task.task.yaml');
    expect(invalid).toContain('TASK-0000-template.task.yaml');
    for (const f of doc.files) expect(f.kind).toBe('task');
  });

  it('prints file:line:col: message (hint) for an invalid file and exits 1', async () => {
    const file = join(tasks, 'TASK-9006-blocked-task.task.yaml');
    const r = await runSt3(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${file}:3:9: status "blocked" requires a non-empty blocked_reason`);
  });

  itWithFixtures('reports the pattern registry breaks with line numbers', async () => {
    const r = await runSt3(['validate', join(fixtures, 'patterns', 'PATTERN_INDEX.yaml'), '--json']);
    expect(r.code).toBe(1);
    const [file] = json(r).files;
    expect(file.kind).toBe('pattern-registry');
    expect(file.errors[0]).toMatchObject({
      code: 'E_SCHEMA',
      line: 11,
      column: 15,
      path: ['patterns', 0, 'pattern_id'],
    });
    expect(file.errors.filter((e: { path: unknown[] }) => e.path.at(-1) === 'status')).toHaveLength(23);
  });

  it('reports broken YAML with line:col and a hint (exit 1)', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'quality.yaml'), 'version: "1.1"\ngates:\n  lint:\n\tname: x\n');
      await writeFile(join(dir, 'artifacts.yaml'), 'artifact_types: []\nartifact_types: []\n');
      const r = await runSt3(['validate', 'quality.yaml', 'artifacts.yaml'], { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^quality\.yaml:4:1: .*\(YAML indentation must use spaces, not tabs\)$/m);
      expect(r.stdout).toMatch(/^artifacts\.yaml:2:1: .*\(each key may appear once in a mapping/m);
    });
  });

  it('points a schema error at the bad value', async () => {
    await withTempDir(async (dir) => {
      await writeFile(
        join(dir, 'artifacts.yaml'),
        'artifact_types:\n  - type: code\n    type_id: dto\n    name: DTO\n    file_extension: ".py"\n    output_type: folder\n',
      );
      const r = await runSt3(['validate', 'artifacts.yaml', '--json'], { cwd: dir });
      expect(r.code).toBe(1);
      expect(json(r).files[0].errors[0]).toMatchObject({
        line: 6,
        column: 18,
        path: ['artifact_types', 0, 'output_type'],
        hint: 'allowed values: "file", "ephemeral"',
      });
    });
  });

  it('validates any name with --kind, and rejects an unknown kind with exit 2', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'g.json'), '{"nodes": [{"id": "a"}], "edges": []}');
      expect((await runSt3(['validate', 'g.json', '--kind', 'graph-input'], { cwd: dir })).code).toBe(0);
      const bad = await runSt3(['validate', 'g.json', '--kind', 'graf', '--json'], { cwd: dir });
      expect(bad.code).toBe(2);
      expect(json(bad)).toMatchObject({ ok: false, error: { code: 'E_KIND_UNKNOWN' } });
      const unnamed = await runSt3(['validate', 'g.json'], { cwd: dir });
      expect(unnamed.code).toBe(2);
      expect(unnamed.stdout).toContain('g.json: cannot tell the kind of this file from its name');
    });
  });

  it('with --kind, searches folders for every YAML/JSON file', async () => {
    await withTempDir(async (dir) => {
      await mkdir(join(dir, 'graphs'));
      await writeFile(join(dir, 'graphs', 'a.json'), '{"nodes": [{"id": "a"}], "edges": []}');
      await writeFile(join(dir, 'graphs', 'b.yaml'), 'nodes:\n  - id: a\nedges:\n  - from: a\n');
      await writeFile(join(dir, 'graphs', 'notes.txt'), 'not a graph');
      const r = await runSt3(['validate', 'graphs', '--kind', 'graph-input', '--json'], { cwd: dir });
      expect(r.code).toBe(1);
      const doc = json(r);
      expect(doc.summary).toEqual({ files: 2, valid: 1, invalid: 1, not_validated: 0 });
      expect(doc.files[1]).toMatchObject({ file: join('graphs', 'b.yaml'), valid: false });
      expect(doc.files[1].errors[0]).toMatchObject({ line: 4, path: ['edges', 0, 'to'] });
    });
  });

  it('exits 2 for a missing file and for no file at all', async () => {
    const missing = await runSt3(['validate', 'does/not/exist.task.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toContain('does/not/exist.task.yaml: file not found');
    const none = await runSt3(['validate', '--json']);
    expect(none.code).toBe(2);
    expect(json(none)).toMatchObject({ ok: false, error: { code: 'E_USAGE' } });
  });

  it('rejects an unknown flag with exit 2', async () => {
    const r = await runSt3(['validate', 'x.yaml', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('E_USAGE');
  });

  it('shows help with examples', async () => {
    const r = await runSt3(['validate', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: st3 validate');
    expect(r.stdout).toContain('Examples:');
  });

  it('searches folders for known files only', async () => {
    await withTempDir(async (dir) => {
      await mkdir(join(dir, '.st3', 'config'), { recursive: true });
      await writeFile(join(dir, '.st3', 'state.json'), '{"branch": "main"}');
      await writeFile(join(dir, '.st3', 'notes.txt'), 'not ST3');
      const r = await runSt3(['validate', '.st3', '--json'], { cwd: dir });
      expect(r.code).toBe(0);
      expect(json(r).files.map((f: { file: string }) => f.file)).toEqual([join('.st3', 'state.json')]);
    });
  });
});
