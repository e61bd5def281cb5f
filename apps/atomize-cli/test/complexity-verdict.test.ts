import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryIO, runCli } from '@st3/cli-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { cli } from '../src/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function folder(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'st3-complexity-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

async function complexity(dir: string, ...args: string[]) {
  const { io, stdout, stderr } = memoryIO({ cwd: dir });
  const code = await runCli(cli, ['complexity', ...args, '--no-cache'], io);
  return { code, stdout: stdout(), stderr: stderr() };
}

/** A Python function of complexity 4 whose `def` line lacks its colon: a syntax error, and nothing measured. */
const BROKEN_PY =
  'def f(a)\n    if a > 1:\n        if a > 2:\n            if a > 3:\n                return 1\n    return 0\n';
const BROKEN_TS = 'const x = (;\nexport function f(a: number) {\n  return a > 0 ? 1 : 0;\n}\n';
const GOOD_TS = 'export function f(a: number) {\n  return a > 0 ? 1 : 0;\n}\n';

describe('st3 complexity: no verdict without a measured file', () => {
  it('a file of no known language is skipped, and then nothing is measured: E_ATOMIZE_NO_FILES, exit 2', async () => {
    const dir = folder({ 'README.md': '# hi\n' });
    const r = await complexity(dir, 'README.md', '--max', '0');
    expect(r.code).toBe(2);
    expect(r.stdout).not.toContain('no function above');
    expect(r.stderr).toContain('E_ATOMIZE_NO_FILES');
    expect(r.stderr).toContain('README.md: unknown language');
    const json = await complexity(dir, 'README.md', '--max', '0', '--json');
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      error: {
        code: 'E_ATOMIZE_NO_FILES',
        message: expect.stringMatching(
          /^no source file measured in README\.md \(1 file skipped: README\.md: unknown language/,
        ),
      },
    });
  });

  it('a folder holding only a binary .js: E_ATOMIZE_NO_FILES under --json, not {"over": 0}', async () => {
    const dir = folder({ 'bin/a.js': new Uint8Array([0x66, 0x00, 0x01, 0x02, 0x0a]) });
    const r = await complexity(dir, 'bin', '--max', '0', '--json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error.code).toBe('E_ATOMIZE_NO_FILES');
  });

  it('an empty folder: E_ATOMIZE_NO_FILES as before', async () => {
    const dir = folder({ 'empty/.keep': '' });
    const r = await complexity(dir, 'empty', '--json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error).toMatchObject({
      code: 'E_ATOMIZE_NO_FILES',
      message: 'no source files matched empty',
    });
  });

  it('--json lists the skipped files next to the measured ones', async () => {
    const dir = folder({ 'src/a.ts': GOOD_TS, 'src/b.js': new Uint8Array([0x00, 0x01]) });
    const r = await complexity(dir, 'src', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ max: null, over: 0, filesWithSyntaxErrors: 0 });
    expect(doc.files.map((f: { path: string }) => f.path)).toEqual(['src/a.ts']);
    expect(doc.skipped).toEqual([{ path: 'src/b.js', reason: 'binary file (NUL bytes)' }]);
  });
});

describe('st3 complexity --max: a file with syntax errors fails, as in flake8 (E999) and ESLint', () => {
  it('Python: the E999 line with its location, exit 1 (the function was not measured)', async () => {
    const dir = folder({ 'cx2/a.py': BROKEN_PY });
    const r = await complexity(dir, 'cx2', '--max', '2');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^cx2\/a\.py:1:1: E999 SyntaxError: syntax error near "def f\(a\)/m);
    expect(r.stdout).toContain('no function above complexity 2; 1 file with syntax errors (not fully measured)');
    const json = await complexity(dir, 'cx2', '--max', '2', '--json');
    expect(json.code).toBe(1);
    const doc = JSON.parse(json.stdout);
    expect(doc).toMatchObject({ max: 2, over: 0, filesWithSyntaxErrors: 1, skipped: [] });
    expect(doc.files[0].diagnostics).toEqual([
      expect.objectContaining({ code: 'E_ATOMIZE_SYNTAX', severity: 'error', file: 'cx2/a.py', line: 1, column: 1 }),
    ]);
  });

  it('TypeScript: the parsing error line in ESLint order with the findings, exit 1', async () => {
    const dir = folder({ 'b.ts': BROKEN_TS });
    const r = await complexity(dir, 'b.ts', '--max', '1');
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('b.ts:'))).toEqual([
      'b.ts:1:12: Parsing error: Expression expected. [Error]',
      "b.ts:2:8: Function 'f' has a complexity of 2. Maximum allowed is 1. [Error/complexity]",
    ]);
    const above = await complexity(dir, 'b.ts', '--max', '5', '--json');
    expect(above.code).toBe(1);
    expect(JSON.parse(above.stdout)).toMatchObject({ over: 0, filesWithSyntaxErrors: 1 });
  });

  it('a matched file that could not be measured fails --max (as flake8 E902 / an ESLint fatal error), and is listed', async () => {
    const dir = folder({ 'src/a.ts': GOOD_TS, 'src/b.js': new Uint8Array([0x00, 0x01]) });
    const r = await complexity(dir, 'src', '--max', '5');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('src/b.js: binary file (NUL bytes) (not measured: fails --max)');
    expect(r.stdout).toContain('no function above complexity 5; 1 file not measured (listed above)');
    const json = await complexity(dir, 'src', '--max', '5', '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      passed: false,
      over: 0,
      notMeasured: 1,
      skipped: [{ path: 'src/b.js', reason: 'binary file (NUL bytes)' }],
    });
  });

  it('a clean file still passes under --max', async () => {
    const dir = folder({ 'a.ts': GOOD_TS });
    const r = await complexity(dir, 'a.ts', '--max', '5', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ over: 0, filesWithSyntaxErrors: 0, files: [{ diagnostics: [] }] });
  });

  it('without --max the exit stays 0, the syntax error is a warning on stderr and shown in the JSON', async () => {
    const dir = folder({ 'cx2/a.py': BROKEN_PY });
    const r = await complexity(dir, 'cx2', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ max: null, over: 0, filesWithSyntaxErrors: 1 });
    expect(doc.files[0].diagnostics).toEqual([
      expect.objectContaining({ code: 'E_ATOMIZE_SYNTAX', severity: 'warning', line: 1, column: 1 }),
    ]);
    expect(r.stderr).toContain('cx2/a.py:1:1: warning: syntax error near');
  });
});
