// `st3 test` names the file of each failure relative to the workspace root, as the real runners report it:
// pytest run in tests.working_dir (its module paths are relative to that folder), node --test's JUnit report
// (whose classname is always "test", never a file).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { memoryIO, runCli } from '@st3/cli-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { cli } from '../src/index.js';

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'st3-test-files-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

async function stTest(dir: string, ...argv: string[]) {
  const m = memoryIO({ cwd: dir, env: { ...process.env, NO_COLOR: '1', PYTHONDONTWRITEBYTECODE: '1' } });
  const code = await runCli(cli, ['test', '--json', ...argv], m.io);
  return { code, doc: JSON.parse(m.stdout()) as { failures: { name: string; file?: string; message: string }[] } };
}

describe('st3 test: the file of a failure', () => {
  it('pytest in tests.working_dir: py/tests/test_cart.py, not tests/test_cart.py', async () => {
    const dir = workspace({
      '.st3/config/quality.yaml': [
        'version: "1.1"',
        'gates: {}',
        'tests:',
        '  command: [python3, -m, pytest, -q, -p, no:cacheprovider, --junitxml=../.st3/pytest.xml]',
        '  format: pytest',
        '  report_file: ../.st3/pytest.xml',
        '  working_dir: py',
        '',
      ].join('\n'),
      'py/pyproject.toml': '[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
      'py/tests/test_cart.py': 'def test_ok():\n    assert True\n\ndef test_total():\n    assert 1 == 2\n',
    });
    const r = await stTest(dir);
    expect(r.code).toBe(1);
    expect(r.doc).toMatchObject({ passed: 1, failed: 1 });
    expect(r.doc.failures).toEqual([
      expect.objectContaining({ name: 'tests.test_cart::test_total', file: 'py/tests/test_cart.py' }),
    ]);
  });

  it('node --test (JUnit): a file that failed to load is named; a failing test gets no made-up test.py', async () => {
    const dir = workspace({
      'test/a.test.mjs':
        "import test from 'node:test';\ntest('ok', () => {});\ntest('bad', () => { throw new Error('boom'); });\n",
      'test/b.test.mjs': "import test from 'node:test';\ntest('never', () => {\n",
    });
    const argv = ['--', process.execPath, '--test', '--test-reporter=junit', '--test-reporter-destination=r.xml'];
    const r = await stTest(dir, '--format', 'pytest', '--report', 'r.xml', ...argv, 'test/');
    expect(r.code).toBe(1);
    expect(r.doc).toMatchObject({ passed: 1, failed: 2 });
    const byName = Object.fromEntries(r.doc.failures.map((f) => [f.name, f.file]));
    expect(byName).toEqual({ 'test::bad': undefined, [`test::${join(dir, 'test/b.test.mjs')}`]: 'test/b.test.mjs' });
  });
});

describe('st3 test: pytest counts', () => {
  it('a test whose teardown errored is one failed test (pytest reports it twice), the passing one stays a pass', async () => {
    const dir = workspace({
      'tests/test_td.py': [
        'import pytest',
        '',
        '@pytest.fixture',
        'def res():',
        '    yield 1',
        '    raise RuntimeError("teardown boom")',
        '',
        'def test_clean(): assert True',
        'def test_ok(res): assert res == 1',
        'def test_fail(res): assert res == 2',
        '',
      ].join('\n'),
    });
    const argv = ['python3', '-m', 'pytest', '-q', '-p', 'no:cacheprovider', '--junitxml=r.xml', 'tests'];
    const r = await stTest(dir, '--format', 'pytest', '--report', 'r.xml', '--', ...argv);
    expect(r.code).toBe(1);
    expect(r.doc).toMatchObject({ total: 3, passed: 1, failed: 2, skipped: 0 });
    expect(r.doc.failures.map((f) => [f.name, f.message])).toEqual([
      ['tests.test_td::test_ok', 'failed on teardown with "RuntimeError: teardown boom"'],
      ['tests.test_td::test_fail', 'assert 1 == 2\nfailed on teardown with "RuntimeError: teardown boom"'],
    ]);
  });
});

describe('st3 test: the report file', () => {
  it('a --report that names a folder is a located E_FILE_READ before anything runs, not E_INTERNAL', async () => {
    const dir = workspace({ 'reports/keep.txt': 'user content\n' });
    const m = memoryIO({ cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
    const argv = ['test', '--json', '--format', 'pytest', '--report', 'reports', '--', process.execPath, '-e', '0'];
    expect(await runCli(cli, argv, m.io)).toBe(3);
    expect(JSON.parse(m.stdout())).toEqual({
      ok: false,
      error: {
        code: 'E_FILE_READ',
        message: 'the test report reports cannot be replaced: is a folder',
        file: join(dir, 'reports'),
        hint: 'tests.report_file (or --report) names the file the test command writes, not a folder',
      },
    });
    expect(readFileSync(join(dir, 'reports/keep.txt'), 'utf8')).toBe('user content\n');
  });
});

describe('st3 test: --format and --report without a command', () => {
  it('are a usage error, not dropped while the configured command runs as if they were not given', async () => {
    const report = { numTotalTests: 1, numPassedTests: 1, testResults: [{ name: 'a.test.js', status: 'passed' }] };
    const dir = workspace({
      '.st3/config/quality.yaml': [
        'version: "1.1"',
        'gates: {}',
        'tests:',
        `  command: ${JSON.stringify([process.execPath, '-e', `console.log(${JSON.stringify(JSON.stringify(report))})`])}`,
        '  format: jest',
        '',
      ].join('\n'),
    });
    expect((await stTest(dir)).code).toBe(0);
    for (const flags of [
      ['--format', 'pytest'],
      ['--report', 'r.xml'],
    ]) {
      const m = memoryIO({ cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
      expect(await runCli(cli, ['test', '--json', ...flags], m.io)).toBe(2);
      expect(JSON.parse(m.stdout())).toMatchObject({
        ok: false,
        error: { code: 'E_USAGE', message: expect.stringContaining('go with a command after --') },
      });
    }
  });
});
