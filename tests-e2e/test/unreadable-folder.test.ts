import { chmodSync, chownSync, readdirSync, statSync } from 'node:fs';
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
