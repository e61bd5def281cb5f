import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, runSt3, withTempDir } from '../src/run-cli.js';

function project(dir: string): void {
  execFileSync('git', ['init', '-q'], { cwd: dir });
  mkdirSync(join(dir, 'src'), { recursive: true });
  mkdirSync(join(dir, 'dist'), { recursive: true });
  writeFileSync(join(dir, '.gitignore'), 'dist/\n');
  writeFileSync(
    join(dir, 'src/math.ts'),
    [
      "import { log } from './log.js';",
      '',
      'export function clamp(x: number, lo = 0, hi = 1): number {',
      '  if (x < lo) return lo;',
      '  if (x > hi) return hi;',
      '  return x;',
      '}',
      '',
      'export function pick(o?: { a?: { b: number } }) {',
      '  log(o);',
      '  return o?.a?.b ?? 0;',
      '}',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'src/log.js'), 'export function log(v) { console.log(v); }\n');
  writeFileSync(
    join(dir, 'src/app.py'),
    'import os\n\n\ndef walk(root):\n    for d in os.listdir(root):\n        if d.startswith("."):\n            continue\n        yield d\n',
  );
  writeFileSync(join(dir, 'dist/bundle.js'), 'function ignored() {}\n');
}

describe('st3 atomize', () => {
  it('prints a human summary of files, functions, atoms and non-atomic atoms', async () => {
    await withTempDir(async (dir) => {
      project(dir);
      const r = await runSt3(['atomize', '.'], { cwd: dir });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^3 files, 4 functions, \d+ atoms \(\d+ not atomic\)/);
      expect(r.stdout).toContain('Most complex functions:');
      expect(r.stdout).not.toContain('bundle');
    });
  });

  it('the human summary (worker threads send summaries) says what the --json document says, on real code', async () => {
    await withTempDir(async (dir) => {
      cpSync(new URL('../../packages/atomizer/src', import.meta.url).pathname, join(dir, 'src'), { recursive: true });
      const text = await runSt3(['atomize', 'src', '--no-cache', '--workers', '2'], { cwd: dir });
      expect(text.code).toBe(0);
      const { summary: s } = json(await runSt3(['atomize', 'src', '--no-cache', '--json'], { cwd: dir })) as {
        summary: {
          files: number;
          functions: number;
          atoms: number;
          nonAtomic: number;
          loc: number;
          topComplexity: { path: string; line: number; name: string; complexity: number }[];
          worstAtoms: { path: string; startLine: number; endLine: number; score: number }[];
        };
      };
      expect(s.files).toBeGreaterThan(30);
      expect(text.stdout).toContain(
        `${s.files} files, ${s.functions} functions, ${s.atoms} atoms (${s.nonAtomic} not atomic), ${s.loc} source lines`,
      );
      for (const f of s.topComplexity) expect(text.stdout).toContain(`${f.path}:${f.line}  ${f.name}`);
      for (const a of s.worstAtoms)
        expect(text.stdout).toContain(`${a.score.toFixed(1)}  ${a.path}:${a.startLine}-${a.endLine}`);
    });
  });

  it('--json prints the DESIGN.md contract; --out writes it too; the cache is reused', async () => {
    await withTempDir(async (dir) => {
      project(dir);
      const r = await runSt3(['atomize', 'src', '--json', '--out', 'atoms.json', '--workers', '2'], { cwd: dir });
      expect(r.code).toBe(0);
      const doc = json(r);
      expect(doc.files.map((f: { path: string }) => f.path)).toEqual(['src/app.py', 'src/log.js', 'src/math.ts']);
      const math = doc.files[2];
      expect(math).toMatchObject({
        language: 'typescript',
        imports: [{ module: './log.js', named: [{ name: 'log' }] }],
      });
      expect(math.functions.map((f: { name: string; complexity: number }) => `${f.name}:${f.complexity}`)).toEqual([
        'clamp:5',
        'pick:4',
      ]);
      for (const a of math.atoms)
        expect(Object.keys(a)).toEqual(
          expect.arrayContaining([
            'id',
            'path',
            'startLine',
            'endLine',
            'loc',
            'complexity',
            'kind',
            'symbols',
            'dependsOn',
            'context',
            'atomicity',
          ]),
        );
      expect(JSON.parse(readFileSync(join(dir, 'atoms.json'), 'utf8'))).toEqual(doc);
      expect(existsSync(join(dir, '.st3/cache/atomizer'))).toBe(true);
      const again = await runSt3(['atomize', 'src', '--json'], { cwd: dir });
      expect(json(again).files).toEqual(doc.files);
    });
  });

  it('usage errors exit 2 with a JSON error under --json', async () => {
    await withTempDir(async (dir) => {
      project(dir);
      const bad = await runSt3(['atomize', 'src', '--target-loc', '30', '--max-loc', '10', '--json'], { cwd: dir });
      expect(bad.code).toBe(2);
      expect(json(bad)).toMatchObject({ ok: false, error: { code: 'E_ATOMIZE_OPTIONS' } });
      const missing = await runSt3(['atomize', 'nope', '--json'], { cwd: dir });
      expect(missing.code).toBe(2);
      expect(json(missing).error.code).toBe('E_FILE_NOT_FOUND');
      const none = await runSt3(['atomize', 'dist'], { cwd: dir });
      expect(none.code).toBe(2);
      expect(none.stderr).toContain('E_ATOMIZE_NO_FILES');
    });
  });
});

describe('st3 complexity', () => {
  it('prints ESLint- and flake8-like lines and exits 1 above --max', async () => {
    await withTempDir(async (dir) => {
      project(dir);
      const r = await runSt3(['complexity', 'src', '--max', '3'], { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stdout.split('\n').filter((l) => l.includes(':'))).toEqual([
        "src/math.ts:3:8: Function 'clamp' has a complexity of 5. Maximum allowed is 3. [Error/complexity]",
        "src/math.ts:9:8: Function 'pick' has a complexity of 4. Maximum allowed is 3. [Error/complexity]",
      ]);
      const py = await runSt3(['complexity', 'src/app.py', '--max', '2'], { cwd: dir });
      expect(py.code).toBe(1);
      expect(py.stdout).toContain("src/app.py:4:1: C901 'walk' is too complex (3)");
      const ok = await runSt3(['complexity', 'src', '--max', '10', '--json'], { cwd: dir });
      expect(ok.code).toBe(0);
      expect(json(ok)).toMatchObject({ max: 10, over: 0 });
      const all = await runSt3(['complexity', 'src/math.ts', '--complexity-variant', 'classic', '--json'], {
        cwd: dir,
      });
      expect(json(all).files[0].functions.map((f: { complexity: number }) => f.complexity)).toEqual([3, 2]);
    });
  });
});

describe('heavy parsers load lazily', () => {
  it('st3 --help and st3 atomize --help do not load the TypeScript compiler; a JS file does', async () => {
    const loads = (stderr: string) =>
      stderr.split('\n').some((l) => /load ".*typescript\/lib\/typescript\.js"/.test(l));
    for (const args of [['--help'], ['atomize', '--help'], ['complexity', '--help']]) {
      const r = await runSt3(args, { env: { NODE_DEBUG: 'module' } });
      expect(r.code).toBe(0);
      expect(loads(r.stderr)).toBe(false);
    }
    await withTempDir(async (dir) => {
      writeFileSync(join(dir, 'a.js'), 'function a() {}\n');
      const r = await runSt3(['complexity', 'a.js', '--no-cache'], { cwd: dir, env: { NODE_DEBUG: 'module' } });
      expect(r.code).toBe(0);
      expect(loads(r.stderr)).toBe(true);
    });
  });
});
