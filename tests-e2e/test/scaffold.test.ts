import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, runSt3, withTempDir } from '../src/run-cli.js';

const FIELDS = JSON.stringify([
  { name: 'id', type: 'string' },
  { name: 'age', type: 'integer', optional: true },
]);

/** A workspace is a folder with `.st3/`. */
function workspace(dir: string): string {
  mkdirSync(join(dir, '.st3'), { recursive: true });
  return dir;
}

const dto = (dir: string, extra: string[] = [], fields = FIELDS) =>
  runSt3(['scaffold', 'dto', 'UserProfile', '--set', `fields=${fields}`, ...extra], { cwd: dir });

describe('st3 scaffold (built CLI)', () => {
  it('writes a DTO and its test with a provenance header and records the template version', () =>
    withTempDir(async (dir) => {
      workspace(dir);
      const r = await dto(dir, ['--json']);
      expect(r.code, r.stderr).toBe(0);
      const doc = json(r);
      expect(doc.written).toEqual(['src/dtos/user-profile.ts', 'test/unit/user-profile.test.ts']);
      const text = readFileSync(join(dir, 'src/dtos/user-profile.ts'), 'utf8').split('\n');
      const hash = doc.files[0].versionHash;
      expect(text[0]).toBe('// src/dtos/user-profile.ts');
      expect(text[1]).toMatch(
        new RegExp(`^// template=dto version=${hash} created=\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z updated=$`),
      );
      const registry = JSON.parse(readFileSync(join(dir, '.st3/template_registry.json'), 'utf8'));
      expect(registry.current_versions.dto).toBe(hash);
      expect(registry.version_hashes[hash]).toMatchObject({
        artifact_type: 'dto',
        hash_algorithm: 'SHA256',
        concrete: { template_id: 'dto.ts' },
      });
      const check = await runSt3(['scaffold', 'check', '--json'], { cwd: dir });
      expect(check.code).toBe(0);
      expect(json(check).counts).toEqual({
        current: 2,
        modified: 0,
        outdated: 0,
        unknown: 0,
        malformed: 0,
        conflict: 0,
        error: 0,
      });
    }));

  it('check exits 1 on outdated and malformed headers, naming the version a file came from', () =>
    withTempDir(async (dir) => {
      workspace(dir);
      writeFileSync(
        join(dir, '.st3/template_registry.json'),
        JSON.stringify({
          version: '1.0',
          version_hashes: {
            '65005d3d': {
              artifact_type: 'dto',
              created: '2026-01-25T21:07:14.598661',
              hash_algorithm: 'SHA256',
              concrete: { template_id: 'dto.py', version: '1.0.0' },
            },
          },
          current_versions: { dto: '65005d3d' },
        }),
      );
      mkdirSync(join(dir, 'src'));
      writeFileSync(
        join(dir, 'src/old.py'),
        '# src/old.py\n# template=dto version=65005d3d created=2026-01-25T21:07Z updated=\nclass Old: ...\n',
      );
      writeFileSync(
        join(dir, 'src/bad.py'),
        '# src/bad.py\n# template=dto version=nothex created=2026-01-25T21:07Z updated=\n',
      );
      const r = await runSt3(['scaffold', 'check', 'src', '--json'], { cwd: dir });
      expect(r.code).toBe(1);
      const files = Object.fromEntries(json(r).files.map((f: { path: string }) => [f.path, f]));
      expect(files['src/old.py']).toMatchObject({
        status: 'outdated',
        version: '65005d3d',
        from: { template_id: 'dto.py', version: '1.0.0' },
      });
      expect(files['src/bad.py']).toMatchObject({ status: 'malformed' });
      const text = await runSt3(['scaffold', 'check', 'src'], { cwd: dir });
      expect(text.stdout).toContain('OUTDATED  src/old.py');
    }));

  it('--dry-run lists CREATE, then UNCHANGED on an identical re-run, and writes nothing', () =>
    withTempDir(async (dir) => {
      workspace(dir);
      const plan = await dto(dir, ['--dry-run']);
      expect(plan.code).toBe(0);
      expect(plan.stdout).toMatch(/CREATE\s+src\/dtos\/user-profile\.ts/);
      expect(existsSync(join(dir, 'src'))).toBe(false);
      expect(existsSync(join(dir, '.st3/template_registry.json'))).toBe(false);
      expect((await dto(dir)).code).toBe(0);
      const before = readFileSync(join(dir, 'src/dtos/user-profile.ts'), 'utf8');
      const again = await dto(dir);
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/UNCHANGED\s+src\/dtos\/user-profile\.ts/);
      expect(readFileSync(join(dir, 'src/dtos/user-profile.ts'), 'utf8')).toBe(before);
    }));

  it('refuses to overwrite a changed file (exit 1), shows the diff under --dry-run, and --force updates it', () =>
    withTempDir(async (dir) => {
      workspace(dir);
      expect((await dto(dir)).code).toBe(0);
      const original = readFileSync(join(dir, 'src/dtos/user-profile.ts'), 'utf8');
      const other = JSON.stringify([
        { name: 'id', type: 'string' },
        { name: 'email', type: 'string' },
      ]);
      const refused = await dto(dir, ['--json'], other);
      expect(refused.code).toBe(1);
      expect(json(refused).error.code).toBe('E_CONFLICT');
      expect(readFileSync(join(dir, 'src/dtos/user-profile.ts'), 'utf8')).toBe(original);
      const preview = await dto(dir, ['--dry-run', '--force'], other);
      expect(preview.stdout).toMatch(/UPDATE\s+src\/dtos\/user-profile\.ts/);
      expect(preview.stdout).toContain('+    email: z.string(),');
      const forced = await dto(dir, ['--force'], other);
      expect(forced.code).toBe(0);
      const updated = readFileSync(join(dir, 'src/dtos/user-profile.ts'), 'utf8').split('\n');
      expect(updated[1]).toMatch(/created=\S+Z updated=\d{4}-\d{2}-\d{2}T\S+Z$/);
      expect(updated.join('\n')).toContain('email: z.string()');
    }));

  it('refuses output paths outside the workspace with exit 2', () =>
    withTempDir(async (dir) => {
      const ws = workspace(join(dir, 'ws'));
      mkdirSync(join(dir, 'outside'));
      symlinkSync(join(dir, 'outside'), join(ws, 'link'));
      for (const out of ['../escape.ts', join(dir, 'abs.ts'), 'link/x.ts']) {
        const r = await runSt3(['scaffold', 'dto', 'X', '--set', `fields=${FIELDS}`, '--out', out, '--json'], {
          cwd: ws,
        });
        expect(r.code, out).toBe(2);
        expect(json(r).error.code).toBe('E_PATH_ESCAPE');
      }
      expect(
        existsSync(join(dir, 'escape.ts')) ||
          existsSync(join(dir, 'outside', 'x.ts')) ||
          existsSync(join(dir, 'abs.ts')),
      ).toBe(false);
    }));

  it('names each bad context field (schema-first) and writes nothing; ST3_SCHEMA_FIRST=false switches to the loose pipeline', () =>
    withTempDir(async (dir) => {
      workspace(dir);
      const bad = await runSt3(
        ['scaffold', 'dto', 'X', '--set', 'fields=[{"name":"1x"}]', '--set', 'colour=red', '--json'],
        { cwd: dir },
      );
      expect(bad.code).toBe(1);
      const err = json(bad).error;
      expect(err.code).toBe('E_CONTEXT_INVALID');
      expect(err.diagnostics.map((d: { path: string[] }) => d.path.join('.')).sort()).toEqual([
        'colour',
        'fields.0.name',
      ]);
      expect(existsSync(join(dir, 'src'))).toBe(false);
      const loose = await runSt3(['scaffold', 'research', 'Caching', '--json'], {
        cwd: dir,
        env: { ST3_SCHEMA_FIRST: 'false' },
      });
      expect(loose.code).toBe(0);
      expect(json(loose).pipeline).toBe('v1');
      expect(loose.stderr).toContain('not given; using');
    }));

  it(
    '10 parallel scaffolds give 10 files and a consistent template registry',
    () =>
      withTempDir(async (dir) => {
        workspace(dir);
        const runs = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            runSt3(['scaffold', 'dto', `Item${i}`, '--set', `fields=${FIELDS}`, '--no-test', '--json'], { cwd: dir }),
          ),
        );
        for (const r of runs) expect(r.code, r.stderr).toBe(0);
        for (let i = 0; i < 10; i++) expect(existsSync(join(dir, `src/dtos/item${i}.ts`))).toBe(true);
        const registry = JSON.parse(readFileSync(join(dir, '.st3/template_registry.json'), 'utf8'));
        const hash = json(runs[0]!).files[0].versionHash;
        expect(Object.keys(registry.version_hashes)).toEqual([hash]);
        expect(registry.current_versions).toEqual({ dto: hash });
        expect(existsSync(join(dir, '.st3/template_registry.json.lock'))).toBe(false);
      }),
    60_000,
  );

  it('prints ephemeral artifacts and lists the types', () =>
    withTempDir(async (dir) => {
      workspace(dir);
      const commit = await runSt3(['scaffold', 'commit', 'add check', '--set', 'type=fix', '--set', 'scope=scaffold'], {
        cwd: dir,
      });
      expect(commit.code).toBe(0);
      expect(commit.stdout).toBe('fix(scaffold): add check\n');
      const list = json(await runSt3(['scaffold', 'list', '--json'], { cwd: dir }));
      expect(list.types.map((t: { type: string }) => t.type)).toEqual(
        expect.arrayContaining(['dto', 'planning', 'commit', 'tracking']),
      );
      const unknown = await runSt3(['scaffold', 'nope', 'X', '--json'], { cwd: dir });
      expect(unknown.code).toBe(2);
      expect(json(unknown).error.code).toBe('E_ARTIFACT_UNKNOWN');
    }));
});
