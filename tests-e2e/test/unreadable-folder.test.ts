import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RUFF_MYPY_CONFIG } from '../src/gate-configs.js';
import { json, runSt3, withTempDir } from '../src/run-cli.js';
import { writeFiles } from '../src/task-file.js';

/**
 * A folder ST3 cannot list hides files from it: no verdict may read as if they had been checked. The
 * built binary, run as "nobody" when the tests run as root (root lists any folder).
 */
const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

/** Hands the tree to "nobody" (when root) so that only the locked folder is out of its reach. */
function own(dir: string): void {
  if (!asRoot) return;
  chownSync(dir, NOBODY, NOBODY);
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) own(p);
    else chownSync(p, NOBODY, NOBODY);
  }
}

const st3 = (args: string[], cwd: string) =>
  runSt3(args, { cwd, env: { HOME: cwd }, ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}) });

describe('a folder that cannot be listed (built binary)', () => {
  it('complexity --max, atomize and gates --scope project do not pass over it', () =>
    withTempDir(async (dir) => {
      writeFiles(dir, {
        '.st3/config/quality.yaml': RUFF_MYPY_CONFIG,
        'src/ok.py': 'def f(a):\n    return a\n',
        'src/locked/hidden.py': 'def g(a):\n    if a:\n        if a > 1:\n            return 2\n    return 0\n',
      });
      own(dir);
      chmodSync(join(dir, 'src/locked'), 0o000);
      try {
        const cx = await st3(['complexity', 'src', '--max', '5', '--no-cache', '--json'], dir);
        expect(cx.code, cx.stderr).toBe(1);
        expect(json(cx)).toMatchObject({ ok: false, passed: false, notMeasured: 1 });
        expect(json(cx).skipped).toEqual([
          { path: 'src/locked', reason: 'cannot list this folder (EACCES): its source files were not read' },
        ]);
        // Through a glob: the same gap; a glob that never enters the folder is not concerned by it.
        const viaGlob = await st3(['complexity', 'src/**/*.py', '--max', '5', '--no-cache', '--json'], dir);
        expect(viaGlob.code, viaGlob.stderr).toBe(1);
        expect(json(viaGlob).skipped.map((s: { path: string }) => s.path)).toEqual(['src/locked']);
        const outside = await st3(['complexity', 'src/*.py', '--max', '5', '--no-cache', '--json'], dir);
        expect(outside.code, outside.stdout).toBe(0);
        expect(json(outside)).toMatchObject({ passed: true, notMeasured: 0, skipped: [] });
        const atoms = await st3(['atomize', 'src', '--no-cache', '--json'], dir);
        expect(json(atoms).skipped.map((s: { path: string }) => s.path)).toEqual(['src/locked']);
        const gates = await st3(['gates', '--scope', 'project', '--no-state', '--json'], dir);
        expect(gates.code, gates.stdout).toBe(3);
        expect(json(gates)).toMatchObject({
          ok: false,
          error: { code: 'E_FILE_READ', file: join(dir, 'src/locked') },
        });
      } finally {
        chmodSync(join(dir, 'src/locked'), 0o755);
      }
    }));
});

describe('a changed file that cannot be looked at (built binary)', () => {
  /** git as the user the st3 commands run as. */
  const git = (dir: string, ...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=a@b', '-c', 'user.name=a', ...args], {
      cwd: dir,
      env: { ...process.env, HOME: dir },
      ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
    });

  it('auto scope does not call it deleted (which skipped its gates and moved the baseline); run --only gates does not skip', () =>
    withTempDir(async (dir) => {
      writeFiles(dir, {
        '.gitignore': '.ruff_cache/\n.mypy_cache/\n.st3/state.json\n.st3/logs/\n.st3/cache/\n',
        '.st3/config/quality.yaml': RUFF_MYPY_CONFIG,
        'src/sub/c.py': 'def f(x: int) -> int:\n    return x\n',
      });
      own(dir);
      git(dir, 'init', '-q');
      git(dir, 'add', '-A');
      git(dir, 'commit', '-qm', 'init');
      const green = await st3(['gates', '--json'], dir);
      expect(green.code, green.stdout + green.stderr).toBe(0);
      writeFiles(dir, { 'src/sub/c.py': 'import os\n\n\ndef f(x: int) -> int:\n    return x\n' });
      own(dir);
      git(dir, 'commit', '-qam', 'unused import');
      const head = git(dir, 'rev-parse', 'HEAD').toString().trim();
      chmodSync(join(dir, 'src/sub'), 0o000);
      try {
        const r = await st3(['gates', '--json'], dir);
        expect(r.code, r.stdout).toBe(3);
        expect(json(r).error).toMatchObject({ code: 'E_FILE_READ', file: join(dir, 'src/sub/c.py') });
        expect(readFileSync(join(dir, '.st3/state.json'), 'utf8')).not.toContain(head);
        chmodSync(join(dir, '.st3/config'), 0o000);
        const stage = await st3(['run', '--only', 'gates', '--json'], dir);
        expect(stage.code, stage.stdout).toBe(1);
        expect(json(stage).stages).toEqual([
          expect.objectContaining({
            stage: 'gates',
            ok: false,
            data: { error: expect.objectContaining({ code: 'E_FILE_READ' }) },
          }),
        ]);
      } finally {
        chmodSync(join(dir, 'src/sub'), 0o755);
        chmodSync(join(dir, '.st3/config'), 0o755);
      }
    }));

  it('an importer of a changed file that cannot be read is E_FILE_READ (its imports, so its gates, are unknown)', () =>
    withTempDir(async (dir) => {
      writeFiles(dir, {
        '.gitignore': '.ruff_cache/\n.mypy_cache/\n.st3/state.json\n.st3/logs/\n.st3/cache/\n',
        '.st3/config/quality.yaml': RUFF_MYPY_CONFIG,
        'src/a.py': 'X: int = 1\n',
        'src/b.py': 'from a import X\n\n\ndef f() -> int:\n    return X\n',
      });
      own(dir);
      git(dir, 'init', '-q');
      git(dir, 'add', '-A');
      git(dir, 'commit', '-qm', 'init');
      expect((await st3(['gates', '--json'], dir)).code).toBe(0);
      writeFiles(dir, { 'src/a.py': 'X: str = "1"\n' });
      own(dir);
      git(dir, 'commit', '-qam', 'X is a str now');
      chmodSync(join(dir, 'src/b.py'), 0o000);
      try {
        const r = await st3(['gates', '--json'], dir);
        expect(r.code, r.stdout).toBe(3);
        expect(json(r).error).toMatchObject({ code: 'E_FILE_READ', file: 'src/b.py' });
      } finally {
        chmodSync(join(dir, 'src/b.py'), 0o644);
      }
    }));

  it('waves and graph: a graph.json it cannot read is E_FILE_READ naming it, never E_INTERNAL', () =>
    withTempDir(async (dir) => {
      writeFiles(dir, { 'g.json': '{"nodes":[{"id":"a"}],"edges":[]}' });
      own(dir);
      chmodSync(join(dir, 'g.json'), 0o000);
      for (const verb of ['waves', 'graph']) {
        const r = await st3([verb, 'g.json', '--json'], dir);
        expect(r.code, r.stdout).toBe(3);
        expect(json(r).error).toMatchObject({ code: 'E_FILE_READ', file: 'g.json' });
      }
    }));
});
