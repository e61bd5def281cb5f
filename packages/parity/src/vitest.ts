import { compareOutputs, type CompareOptions, type Verdict } from './verdict.js';
import { formatSuiteReport } from './report.js';
import type { SuiteReport } from './suite.js';

/**
 * Test helper: asserts that two renderings are identical or equivalent after normalization and
 * returns the verdict; on a difference it throws with the first differing line and the unified
 * diff, which vitest (or any runner) shows as the failure. Needs no test-framework import.
 */
export function expectParity(actual: string, expected: string, options: CompareOptions = {}): Verdict {
  const verdict = compareOutputs(expected, actual, { labels: ['expected', 'actual'], ...options });
  if (verdict.kind === 'different') {
    const d = verdict.firstDifference;
    const error = new Error(
      `outputs differ at line ${d.line}\n  expected: ${JSON.stringify(d.left ?? '<end of file>')}\n  actual:   ${JSON.stringify(d.right ?? '<end of file>')}\n\n${verdict.diff}`,
    );
    error.name = 'ParityAssertionError';
    throw error;
  }
  return verdict;
}

/** Asserts that a suite run is ok (no fail, no regression, every case in its declared category). */
export function expectSuiteOk(report: SuiteReport): SuiteReport {
  if (!report.ok) {
    const error = new Error(formatSuiteReport(report, { onlyProblems: true }).join('\n'));
    error.name = 'ParityAssertionError';
    throw error;
  }
  return report;
}
