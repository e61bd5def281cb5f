// Logs of tools `st3 qa` does not read (ruff's text output, flake8), made by the real tools: their own
// `Found N errors` line is not tsc's, so the error names the tool instead of "tsc log not fully understood".
// ruff's JSON output and mypy's (with its summary line) are read: their violations through the gate presets.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectQaFormat, summarizeQa } from '../src/index.js';
import { withTemp } from './helpers.js';

const ruff = fileURLToPath(new URL('../../../.tools/bin/ruff', import.meta.url));
const tools = { ruff, mypy: '/usr/bin/mypy', flake8: '/usr/bin/flake8' };
const BAD_PY = 'import os\nimport sys\ndef f() -> int:\n    x = 1\n    return undefined_name\n';

/** What `argv` prints (stdout) on a folder holding one Python file with lint and type errors. */
async function outputOf(tool: keyof typeof tools, ...args: string[]): Promise<string> {
  return outputOn(BAD_PY, 1, tool, ...args);
}

/** What `argv` prints (stdout) on a folder holding one Python file, `py`, exiting with `status`. */
async function outputOn(py: string, status: number, tool: keyof typeof tools, ...args: string[]): Promise<string> {
  expect(existsSync(tools[tool]), `${tools[tool]} is needed by this test`).toBe(true);
  return withTemp(async (root) => {
    await mkdir(join(root, 'py'));
    await writeFile(join(root, 'py/bad.py'), py);
    const run = spawnSync(tools[tool], args, {
      cwd: join(root, 'py'),
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(run.status, run.stderr).toBe(status);
    return run.stdout;
  });
}

const summarize = (text: string, command: string, kind?: 'lint' | 'typecheck') =>
  summarizeQa({ text, command, exitCode: 1, durationMs: 1, root: '/tmp', ...(kind ? { kind } : {}) });

describe('qa record of a ruff, mypy or flake8 log: named, never read as a tsc log', () => {
  const cases: [string, keyof typeof tools, string[], RegExp][] = [
    ['ruff check (default full output)', 'ruff', ['check', '--no-cache', '.'], /looks like ruff output/],
    ['ruff check --output-format concise', 'ruff', ['check', '--no-cache', '--output-format', 'concise', '.'], /ruff/],
    ['flake8', 'flake8', ['.'], /looks like ruff or flake8 output/],
  ];
  for (const [name, tool, args, named] of cases)
    it(`${name}: E_QA_LOG_UNREADABLE naming the tool, with a hint that fits it`, async () => {
      const text = await outputOf(tool, ...args);
      expect(detectQaFormat(text)).toBeUndefined();
      for (const kind of [undefined, 'lint', 'typecheck'] as const) {
        let caught: unknown;
        try {
          summarize(text, `${tool} ${args.join(' ')}`, kind);
        } catch (error) {
          caught = error;
        }
        expect(caught).toMatchObject({ code: 'E_QA_LOG_UNREADABLE', message: expect.stringMatching(named) });
        const { message, hint } = caught as { message: string; hint: string };
        expect(message).not.toMatch(/tsc log|tsc-text/);
        expect(hint).toMatch(/st3 gates init --preset/);
      }
    });

  it('tsc logs that have only a summary line are still tsc logs', () => {
    expect(detectQaFormat('[10:00:00] Found 0 errors. Watching for file changes.\n')).toBe('tsc-text');
    expect(() => summarize('Found 3 errors in 2 files.\n', 'tsc --noEmit')).toThrow(/tsc log not fully understood/);
  });
});

describe('qa record of ruff --output-format json and mypy logs', () => {
  const GOOD_PY = 'def f() -> int:\n    return 1\n';
  const RUFF = ['check', '--no-cache', '--output-format', 'json', '.'];

  it('ruff JSON: its violations, counted as the report lists them', async () => {
    const text = await outputOf('ruff', ...RUFF);
    expect(detectQaFormat(text)).toBe('ruff-json');
    const listed = (JSON.parse(text) as { code: string }[]).map((v) => v.code).sort();
    const summary = summarize(text, `ruff ${RUFF.join(' ')}`);
    expect(summary).toMatchObject({ kind: 'lint', format: 'ruff-json', issues: { errors: listed.length } });
    expect(summary.issues!.list.map((i) => i.rule).sort()).toEqual(listed);
    expect(summary.issues!.list[0]!.file).toMatch(/bad\.py$/);
  });

  it('a clean ruff JSON report ([]) is not measured, naming ruff (ruff lists no checked file); never ESLint', async () => {
    const text = await outputOn(GOOD_PY, 0, 'ruff', ...RUFF);
    expect(text.trim()).toBe('[]');
    const summary = summarizeQa({ text, command: `ruff ${RUFF.join(' ')}`, exitCode: 0, durationMs: 1, root: '/tmp' });
    expect(summary.format).toBe('ruff-json');
    expect(summary.headline).toMatch(/^not measured: ruff's JSON report lists violations only/);
    expect(summary.headline).not.toMatch(/ESLint/);
    expect(summary.issues).toBeUndefined();
  });

  it('mypy: its errors, which must add up to its summary line; a clean run is 0 errors', async () => {
    const text = await outputOf('mypy', '--no-incremental', 'bad.py');
    expect(detectQaFormat(text)).toBe('mypy-text');
    const found = Number(/Found (\d+) errors?/.exec(text)![1]);
    const summary = summarize(text, 'mypy bad.py');
    expect(summary).toMatchObject({ kind: 'typecheck', format: 'mypy-text', issues: { errors: found } });
    expect(summary.issues!.list[0]).toMatchObject({ file: 'bad.py', severity: 'error' });
    const clean = await outputOn(GOOD_PY, 0, 'mypy', '--no-incremental', 'bad.py');
    const ok = summarizeQa({ text: clean, command: 'mypy bad.py', exitCode: 0, durationMs: 1, root: '/tmp' });
    expect(ok).toMatchObject({ format: 'mypy-text', headline: '0 errors, 0 warnings', issues: { errors: 0 } });
    // an error line the reader could not take: the count does not add up, the log is not read as clean
    const dropped = text.replace(/^bad\.py:\d+: error: .*$/m, 'bad.py: error garbled');
    expect(() => summarize(dropped, 'mypy bad.py')).toThrow(/mypy log not fully understood/);
  });
});
