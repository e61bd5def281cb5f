// vitest's text report of a run in which a test file failed to load (`FAIL file [ file ]`, no test named):
// its tests are in no count of the summary, so the file is one failed test more, in the total too — as the
// JSON report is read — never a run that "passed" (real vitest 4.1.12 output).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseVitestText } from '../src/index.js';

const read = (name: string) => readFileSync(new URL(`./fixtures/reports/${name}`, import.meta.url), 'utf8');

describe('parseVitestText: a test file that failed to load', () => {
  it('counts it as failed, in the total as well', () => {
    const r = parseVitestText(read('vitest-load-failed.txt'), '/repo');
    expect(r).toMatchObject({ total: 2, passed: 1, failed: 1, skipped: 0 });
    expect(r.failures.map((f) => [f.file, f.line])).toEqual([['broken.test.js', 1]]);
    expect(r.passed + r.failed + r.skipped).toBe(r.total);
  });

  it('beside a failing test: both failures, counts that add up', () => {
    const r = parseVitestText(read('vitest-load-failed-and-failing.txt'), '/repo');
    expect(r).toMatchObject({ total: 3, passed: 1, failed: 2, skipped: 0 });
    expect(r.failures.map((f) => f.name)).toEqual(['broken.test.js', 'subtracts']);
    expect(r.passed + r.failed + r.skipped).toBe(r.total);
  });
});
