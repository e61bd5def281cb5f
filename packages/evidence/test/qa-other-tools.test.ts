// Logs of tools `st3 qa` does not read (ruff, mypy, flake8), made by the real tools: their own
// `Found N errors` line is not tsc's, so the error names the tool instead of "tsc log not fully understood".
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
  expect(existsSync(tools[tool]), `${tools[tool]} is needed by this test`).toBe(true);
  return withTemp(async (root) => {
    await mkdir(join(root, 'py'));
    await writeFile(join(root, 'py/bad.py'), BAD_PY);
    const run = spawnSync(tools[tool], args, {
      cwd: join(root, 'py'),
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(run.status, run.stderr).toBe(1);
    return run.stdout;
  });
}

const summarize = (text: string, command: string, kind?: 'lint' | 'typecheck') =>
  summarizeQa({ text, command, exitCode: 1, durationMs: 1, root: '/tmp', ...(kind ? { kind } : {}) });

describe('qa record of a ruff, mypy or flake8 log: named, never read as a tsc log', () => {
  const cases: [string, keyof typeof tools, string[], RegExp][] = [
    ['ruff check (default full output)', 'ruff', ['check', '--no-cache', '.'], /looks like ruff output/],
    ['ruff check --output-format concise', 'ruff', ['check', '--no-cache', '--output-format', 'concise', '.'], /ruff/],
    [
      'ruff check --output-format json',
      'ruff',
      ['check', '--no-cache', '--output-format', 'json', '.'],
      /looks like ruff output/,
    ],
    ['mypy', 'mypy', ['--no-incremental', 'bad.py'], /looks like mypy output/],
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
