import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { onPath } from '../src/example.js';
import { RUFF_MYPY_CONFIG as CONFIG } from '../src/gate-configs.js';
import { json, runSt3, withTempDir } from '../src/run-cli.js';
import { git as sharedGit, writeFiles } from '../src/task-file.js';

/**
 * `st3 gates` must not pass what it could not check (reviewer findings): `--new-only` after a green
 * baseline and with no baseline, a changed `.pyi` stub in auto scope, and a listed file no gate checks.
 * The built binary, real git repositories, the real ruff and mypy.
 */
const tools = onPath('ruff') && onPath('mypy') && onPath('git');
const SLOW = 180_000;

const write = writeFiles;
const git = (dir: string, ...args: string[]): string => sharedGit(dir, ...args).trim();
function commit(dir: string, message: string): void {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', message);
}
function repo(dir: string, files: Record<string, string>): void {
  write(dir, {
    '.gitignore': '.ruff_cache/\n.mypy_cache/\n.st3/state.json\n.st3/logs/\n.st3/cache/\n',
    '.st3/config/quality.yaml': CONFIG,
    ...files,
  });
  git(dir, 'init', '-q');
  commit(dir, 'init');
}
const baseline = (dir: string): string | null =>
  JSON.parse(readFileSync(join(dir, '.st3/state.json'), 'utf8')).quality_gates.baseline_sha;

describe.skipIf(!tools)('st3 gates: no false greens (built binary, ruff, mypy)', () => {
  it(
    '--new-only after a green baseline: a deletion that breaks an unchanged line fails, nothing is pre-existing',
    () =>
      withTempDir(async (dir) => {
        repo(dir, { 'src/a.py': 'import os\n\n\ndef f(x: int) -> int:\n    return os.getpid() + x\n' });
        expect((await runSt3(['gates', '-q'], { cwd: dir })).code).toBe(0);
        expect(baseline(dir)).toBe(git(dir, 'rev-parse', 'HEAD'));
        write(dir, { 'src/a.py': '\n\ndef f(x: int) -> int:\n    return os.getpid() + x\n' });
        const r = await runSt3(['gates', '--new-only', '--no-state', '--json'], { cwd: dir });
        expect(r.code).toBe(1);
        const doc = json(r);
        expect(doc.overall_pass).toBe(false);
        expect(doc.new_only).toEqual({ reference: baseline(dir), preexisting: 0, method: 'baseline-hash' });
        expect(doc.summary).not.toContain('pre-existing');
      }),
    SLOW,
  );

  it(
    '--new-only with no baseline: every violation counts (never HEAD), and stderr says so',
    () =>
      withTempDir(async (dir) => {
        repo(dir, { 'src/a.py': 'def f(x):\n    return undefined_name + x\n' });
        const r = await runSt3(['gates', '--new-only', '--no-state'], { cwd: dir });
        expect(r.code).toBe(1);
        expect(r.stderr).toContain(
          'no baseline (no green run recorded) to compare with: every violation counts as new',
        );
        expect(r.stdout).not.toContain('pre-existing');
        const doc = json(await runSt3(['gates', '--new-only', '--no-state', '--json'], { cwd: dir }));
        expect(doc).toMatchObject({ overall_pass: false, new_only: { reference: null, preexisting: 0 } });
      }),
    SLOW,
  );

  it(
    'auto scope: a changed .pyi stub re-checks its importers with mypy; the run fails and the baseline stays',
    () =>
      withTempDir(async (dir) => {
        repo(dir, {
          'src/b.pyi': 'def size() -> int: ...\n',
          'src/a.py': 'from b import size\n\n\ndef f() -> int:\n    return size() + 1\n',
        });
        expect((await runSt3(['gates', '-q'], { cwd: dir })).code).toBe(0);
        const base = baseline(dir);
        write(dir, { 'src/b.pyi': 'def size() -> str: ...\n' });
        commit(dir, 'change stub');
        const r = await runSt3(['gates', '--json'], { cwd: dir });
        expect(r.code).toBe(1);
        const mypy = json(r).gates.find((g: { id: string }) => g.id === 'mypy_types');
        expect(mypy).toMatchObject({ status: 'failed', scope: { mode: 'files', files: 1 } });
        expect(baseline(dir)).toBe(base);
        expect((await runSt3(['gates', '-q'], { cwd: dir })).code).toBe(1);
      }),
    SLOW,
  );

  it(
    'a listed file no gate checks (outside project_scope.include_globs): exit 2, named with the include globs',
    () =>
      withTempDir(async (dir) => {
        repo(dir, { 'tool.py': 'x = (\n', 'src/ok.py': 'X = 1\n' });
        const r = await runSt3(['gates', 'tool.py', '--no-state'], { cwd: dir });
        expect(r.code).toBe(2);
        expect(r.stdout).toBe('');
        expect(r.stderr).toContain(
          'listed file checked by no gate: tool.py (ruff_lint, mypy_types: outside project_scope.include_globs (src/**/*.py)) (nothing was run)',
        );
        const doc = json(await runSt3(['gates', 'tool.py', 'src/ok.py', '--no-state', '--json'], { cwd: dir }));
        expect(doc).toMatchObject({ ok: false, error: { code: 'E_USAGE', file: 'tool.py' } });
        expect(doc.overall_pass).toBeUndefined();
      }),
    SLOW,
  );
});
