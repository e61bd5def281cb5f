import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseJestJson, parsePytestJunit, requireTestsConfig, runTests, summarizeTests } from '../src/index.js';
import { tempDir, write } from './helpers.js';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/outputs/${name}`, import.meta.url), 'utf8');

describe('test result parsing (real captured reports)', () => {
  it('vitest JSON', () => {
    const r = parseJestJson(fixture('vitest.json'), '/tmp/st3-fixture-tests/js');
    expect(r).toMatchObject({ total: 3, passed: 1, failed: 1, skipped: 1 });
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]).toMatchObject({ name: 'math subtracts wrongly', file: 'test/math.test.js' });
    expect(r.failures[0]!.message.split('\n')[0]).toBe('AssertionError: expected 2 to be 1 // Object.is equality');
  });

  it('jest --json', () => {
    const r = parseJestJson(fixture('jest.json'), '/tmp/st3-qg-jest');
    expect(r).toMatchObject({ total: 3, passed: 1, failed: 1, skipped: 1 });
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]).toMatchObject({ name: 'math subtracts wrongly', file: 'test/math.test.js' });
    expect(r.failures[0]!.message.split('\n')[0]).toBe('Error: expect(received).toBe(expected) // Object.is equality');
  });

  it('pytest JUnit XML', () => {
    const r = parsePytestJunit(fixture('pytest-junit.xml'), '/tmp/st3-fixture-tests/py');
    expect(r).toMatchObject({ total: 4, passed: 1, failed: 2, skipped: 1 });
    expect(r.failures).toEqual([
      {
        name: 'tests.test_calc::test_fails',
        file: 'tests/test_calc.py',
        message: 'AssertionError: math is broken\nassert (2 * 2) == 5',
      },
      { name: 'tests.test_calc.TestGroup::test_error', file: 'tests/test_calc.py', message: 'ValueError: boom' },
    ]);
  });

  it('refuses what is not a report', () => {
    expect(() => parseJestJson('{"a":1}', '/')).toThrow(/testResults/);
    expect(() => parsePytestJunit('<html/>', '/')).toThrow(/JUnit/);
  });

  it('summary line', () => {
    expect(summarizeTests({ total: 43, passed: 40, failed: 2, skipped: 1, failures: [] }, 3100)).toBe(
      '✗ 2 failed, 40 passed, 1 skipped (43 tests) · 3.1s',
    );
    expect(summarizeTests({ total: 1, passed: 1, failed: 0, skipped: 0, failures: [] }, 0)).toBe(
      '✓ 1 passed (1 test) · 0.0s',
    );
  });
});

describe('runTests', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  it('runs the command and reads its report file', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    write(t.dir, {
      'fake.cjs': `require('fs').writeFileSync('out/r.json', ${JSON.stringify(fixture('vitest.json').replaceAll('/tmp/st3-fixture-tests/js', '.'))}); process.exit(1)`,
      'out/.keep': '',
    });
    const r = await runTests({
      cwd: t.dir,
      config: { command: [process.execPath, 'fake.cjs'], format: 'vitest', report_file: 'out/r.json' },
    });
    expect(r).toMatchObject({ ok: false, failed: 1, passed: 1, exit_code: 1 });
    expect(r.summary).toMatch(/^✗ 1 failed, 1 passed, 1 skipped \(3 tests\)/);
  });

  it('a command that writes no report is E_TEST_OUTPUT; a missing one E_TOOL_NOT_FOUND', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    await expect(
      runTests({
        cwd: t.dir,
        config: { command: [process.execPath, '-e', '0'], format: 'pytest', report_file: 'r.xml' },
      }),
    ).rejects.toMatchObject({ code: 'E_TEST_OUTPUT' });
    await expect(
      runTests({ cwd: t.dir, config: { command: ['st3-no-such-runner'], format: 'jest' } }),
    ).rejects.toMatchObject({ code: 'E_TOOL_NOT_FOUND' });
  });

  it('a run in which no test passed is no pass, even when the runner exits 0 (no tests, all skipped)', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const jest = (total: number, skipped: number) =>
      JSON.stringify({
        numTotalTests: total,
        numPassedTests: 0,
        numFailedTests: 0,
        numPendingTests: skipped,
        testResults: [],
      });
    for (const [total, skipped, summary] of [
      [0, 0, /^✗ no test passed: 0 passed \(0 tests\)/],
      [2, 2, /^✗ no test passed: 0 passed, 2 skipped \(2 tests\)/],
    ] as const) {
      const r = await runTests({
        cwd: t.dir,
        config: {
          command: [process.execPath, '-e', `console.log(${JSON.stringify(jest(total, skipped))})`],
          format: 'jest',
        },
      });
      expect(r).toMatchObject({ ok: false, failed: 0, passed: 0, exit_code: 0 });
      expect(r.summary).toMatch(summary);
    }
  });

  it('requireTestsConfig: the tests section, or E_CONFIG_INVALID naming the file', () => {
    const tests = { command: ['vitest', 'run'], format: 'vitest' as const };
    expect(requireTestsConfig({ version: '1.1', gates: {}, tests } as never, 'q.yaml')).toBe(tests);
    expect(() => requireTestsConfig({ version: '1.1', gates: {} } as never, 'q.yaml', 'pass a command')).toThrow(
      expect.objectContaining({
        code: 'E_CONFIG_INVALID',
        file: 'q.yaml',
        hint: 'add tests: {command: [...], format: vitest|jest|pytest, report_file: ...}, or pass a command',
      }),
    );
  });
});
