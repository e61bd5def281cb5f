// A test file that failed to load is a failure of the run, never a pass, and the counts add up
// (real vitest 4.1.12 JSON report: one passing test, one file importing a missing module).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseJestJson, summarizeTests } from '../src/index.js';

const ROOT = '/tmp/st3-fixture-load-fail';
const report = readFileSync(new URL('./fixtures/reports/vitest-load-failed.json', import.meta.url), 'utf8');

describe('parseJestJson: a test file that failed to load', () => {
  it('counts the file as one failed test, in total and failed alike; the passing test stays a pass', () => {
    const r = parseJestJson(report, ROOT);
    expect(r).toEqual({
      total: 2,
      passed: 1,
      failed: 1,
      skipped: 0,
      failures: [
        {
          name: 'broken.test.js (test file failed to run)',
          file: 'broken.test.js',
          message: `Cannot find module './does-not-exist.js' imported from ${ROOT}/broken.test.js`,
        },
      ],
    });
    expect(r.passed + r.failed + r.skipped).toBe(r.total);
  });

  it('a run whose only file failed to load: 1 of 1 failed, none passed (not "no test ran")', () => {
    const doc = JSON.parse(report) as { testResults: { status: string }[] } & Record<string, unknown>;
    const onlyBroken = {
      ...doc,
      numTotalTests: 0,
      numPassedTests: 0,
      testResults: doc.testResults.filter((f) => f.status === 'failed'),
    };
    expect(parseJestJson(JSON.stringify(onlyBroken), ROOT)).toMatchObject({ total: 1, passed: 0, failed: 1 });
  });

  it('the test summary reads as a failed run of 2', () => {
    expect(summarizeTests(parseJestJson(report, ROOT), 1000)).toBe('✗ 1 failed, 1 passed (2 tests) · 1.0s');
  });
});
