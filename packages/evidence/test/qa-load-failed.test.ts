// A QA summary of a vitest run in which one test passed and one test file failed to load (real vitest
// 4.1.12 JSON report): a failed run whose counts add up, never "1 of 1 tests failed" beside 1 passed.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { qaRecordFailed, summarizeQa } from '../src/index.js';
import { qaNotMeasured } from '../src/qa/measured.js';

const ROOT = '/tmp/st3-fixture-load-fail';
const report = () =>
  readFile(new URL('../../quality-gates/test/fixtures/reports/vitest-load-failed.json', import.meta.url), 'utf8');

describe('summarizeQa: a vitest JSON report with a test file that failed to load', () => {
  it('1 of 2 tests failed: the file is the failure, the passing test the one pass', async () => {
    const summary = summarizeQa({
      text: await report(),
      command: 'vitest run',
      exitCode: 1,
      durationMs: 5,
      root: ROOT,
    });
    expect(summary.headline).toBe('1 of 2 tests failed');
    expect(summary.tests).toMatchObject({ total: 2, passed: 1, failed: 1, skipped: 0 });
    expect(summary.tests!.failures.map((f) => f.name)).toEqual(['broken.test.js (test file failed to run)']);
    expect(qaNotMeasured(summary)).toBeUndefined();
    // Its figures fail it even when recorded without the exit code.
    const asExit0 = summarizeQa({
      text: await report(),
      command: 'vitest run',
      exitCode: 0,
      durationMs: 5,
      root: ROOT,
    });
    expect(qaRecordFailed({ summary: asExit0, evidence: {} as never, baseline: false, warnings: [] })).toBe(true);
  });
});
