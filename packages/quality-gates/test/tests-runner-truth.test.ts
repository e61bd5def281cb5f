// runTests with the real vitest: a JSON report among other stdout output, a runner killed after its
// report, a runner that crashed before it, and two runs' reports on one stdout.
import { afterEach, describe, expect } from 'vitest';
import { runTests } from '../src/index.js';
import { itWithTools, tempDir, TOOL_PATH, write } from './helpers.js';

const PASSING = {
  'package.json': '{"type":"module"}\n',
  'a.test.js': "import { test, expect } from 'vitest';\ntest('adds', () => { expect(1 + 1).toBe(2); });\n",
};

describe('runTests: what the real vitest run established', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  const run = (files: Record<string, string>, command: string[], report_file?: string) => {
    const t = tempDir();
    cleanup = t.cleanup;
    write(t.dir, files);
    return runTests({
      cwd: t.dir,
      config: { command, format: 'vitest', ...(report_file ? { report_file } : {}) },
      env: { ...process.env, PATH: TOOL_PATH },
    });
  };

  itWithTools(['vitest'], 'a clean run with the json and default reporters on stdout is green', async () => {
    const r = await run(PASSING, ['vitest', 'run', '--reporter=json', '--reporter=default']);
    expect(r).toMatchObject({ ok: true, passed: 1, failed: 0, exit_code: 0 });
  });

  itWithTools(['vitest'], 'a runner killed after writing its report is red and says so', async () => {
    const r = await run(
      PASSING,
      ['sh', '-c', 'vitest run --reporter=json --outputFile=r.json && kill -9 $$'],
      'r.json',
    );
    expect(r).toMatchObject({ ok: false, passed: 1, failed: 0, exit_code: null });
    expect(r.summary).toMatch(/^✗ 1 passed \(1 test\), but the test command was killed by SIGKILL · /);
  });

  itWithTools(['vitest'], 'a runner that crashed before its report: its exit code and error line', async () => {
    const files = { ...PASSING, 'vitest.config.mjs': "throw new Error('bad config');\n" };
    await expect(run(files, ['vitest', 'run', '--reporter=json'])).rejects.toMatchObject({
      code: 'E_TEST_OUTPUT',
      message: expect.stringMatching(/^the test command exited with code 1; .*; stderr: Error: bad config$/),
    });
  });

  itWithTools(['vitest'], 'two runs’ reports on one stdout are refused, not read as one', async () => {
    const twice = 'vitest run --reporter=json; vitest run --reporter=json';
    await expect(run(PASSING, ['sh', '-c', twice])).rejects.toMatchObject({
      code: 'E_TEST_OUTPUT',
      message: expect.stringMatching(/holds 2 JSON reports/),
    });
  });
});
