import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';
import { describeWithFixtures } from '@st3/tooling/fixtures';
import { fixtures, json, runSt3, withTempDir } from '../src/run-cli.js';

/** A git repository holding the real-world `.st3/` files, copied unchanged. */
function realWorkspace(dir: string): void {
  execFileSync('git', ['init', '-q'], { cwd: dir });
  mkdirSync(join(dir, '.st3/config'), { recursive: true });
  const from = join(fixtures, 'st3-config');
  for (const f of ['quality.yaml', 'artifacts.yaml', 'project_structure.yaml', 'scaffold_metadata.yaml'])
    copyFileSync(join(from, f), join(dir, '.st3/config', f));
  for (const f of ['state.json', 'template_registry.json']) copyFileSync(join(from, f), join(dir, '.st3', f));
}

/** Every file of a folder but git's own, with its content. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = relative(dir, join(e.parentPath, e.name));
    if (e.isFile() && !/^\.git(\/|$)/.test(path)) out[path] = readFileSync(join(dir, path), 'utf8');
  }
  return out;
}

describeWithFixtures('st3 scaffold and st3 run on the real-world .st3 files', () => {
  it('a bad value in a --context file is reported at its file:line:col', () =>
    withTempDir(async (dir) => {
      realWorkspace(dir);
      writeFileSync(join(dir, 'ctx2.yaml'), 'fields:\n  - name: 5\n    type: string\n');
      const r = await runSt3(['scaffold', 'dto', 'Foo', '--context', 'ctx2.yaml', '--dry-run', '--json'], { cwd: dir });
      expect(r.code).toBe(1);
      const { error } = json(r);
      expect(error).toMatchObject({
        code: 'E_CONTEXT_INVALID',
        message: 'invalid context for dto: fields.0.name: Invalid input: expected string, received number',
        file: join(dir, 'ctx2.yaml'),
        line: 2,
        column: 11,
      });
      expect(error.diagnostics).toEqual([
        expect.objectContaining({ path: ['fields', 0, 'name'], file: join(dir, 'ctx2.yaml'), line: 2, column: 11 }),
      ]);
      const text = await runSt3(['scaffold', 'dto', 'Foo', '--context', 'ctx2.yaml', '--dry-run'], { cwd: dir });
      expect(text.code).toBe(1);
      expect(text.stderr).toContain(`E_CONTEXT_INVALID ${join(dir, 'ctx2.yaml')}:2:11: invalid context for dto`);
    }));

  it('the scaffold stage of st3 run passes, checking placement where the DTO would go, and writes nothing', () =>
    withTempDir(async (dir) => {
      realWorkspace(dir);
      const before = snapshot(dir);
      for (const dry of [['--dry-run'], []]) {
        const r = await runSt3(['run', '--only', 'scaffold', '--json', ...dry], { cwd: dir });
        expect(r.code, r.stdout + r.stderr).toBe(0);
        const scaffold = json(r).stages.find((s: { stage: string }) => s.stage === 'scaffold');
        expect(scaffold).toMatchObject({
          ok: true,
          summary: expect.stringMatching(
            /^dto \+ unit_test \(template [0-9a-f]{8}\) scaffolded outside the workspace: placement passed, context passed, write passed, provenance passed$/,
          ),
        });
        expect(scaffold.data.checks[0].detail).toBe(
          'backend/dtos/example_order.py allowed in backend/dtos/, tests/backend/test_example_order.py allowed in tests/backend/',
        );
        expect(snapshot(dir)).toEqual(before);
      }
      // The whole run: its scaffold stage is green (what other stages find is theirs to report).
      const all = await runSt3(['run'], { cwd: dir });
      expect(all.stdout).toMatch(/^✓ scaffold /m);
      expect(all.stdout).not.toContain('E_PLACEMENT');
      expect(all.stdout).not.toMatch(/problems in: .*scaffold/);
      expect(snapshot(dir)['.st3/template_registry.json']).toBe(before['.st3/template_registry.json']);
      expect(Object.keys(snapshot(dir)).filter((p) => /^(backend|tests)\/|^\.st3\/scratch\//.test(p))).toEqual([]);
    }));
});
