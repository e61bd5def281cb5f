import type { TestCounts, TestFailure } from '../tests/parse-results.js';
import { countsByWord, outputLines, readReport, relPath } from './text-util.js';

const SUITE = /^\s*(PASS|FAIL)\s+(\S+)/;
const BULLET = /^\s*●\s+(.+)$/;
const SUMMARY = /^Tests:\s+(.+)$/;
const AT = /\(([^()\s]+?):(\d+):(\d+)\)\s*$|\bat\s+([^()\s]+?):(\d+):(\d+)\s*$/;

/**
 * jest's default text reporter: the `Tests: 1 failed, 1 skipped, 1 passed, 3 total` summary and
 * one `● suite › test` block per failure, under the `FAIL file` header of its suite (the file comes
 * from there, the line from the first stack frame in that file). A suite that failed to run
 * (`● Test suite failed to run`) is one failure of its file.
 */
export function parseJestText(text: string, root: string): TestCounts {
  return readReport("jest's text report", () => parseJestTextUnchecked(text, root));
}

function parseJestTextUnchecked(text: string, root: string): TestCounts {
  const lines = outputLines(text);
  const summaryLine = lines.map((l) => SUMMARY.exec(l)).find((m) => m !== null);
  const suiteFailed = lines.some((l) => /●\s+Test suite failed to run/.test(l));
  if (!summaryLine && !suiteFailed) throw new Error('not a jest text report (no "Tests:" summary line)');
  const words = countsByWord(summaryLine?.[1] ?? '');
  const failures: TestFailure[] = [];
  let suiteFile: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const suite = SUITE.exec(lines[i]!);
    if (suite) {
      suiteFile = relPath(root, suite[2]!);
      continue;
    }
    const bullet = BULLET.exec(lines[i]!);
    if (!bullet) continue;
    const name = bullet[1]!.split(' › ').join(' ');
    const message: string[] = [];
    let lineNo: number | undefined;
    let j = i + 1;
    for (; j < lines.length; j++) {
      const next = lines[j]!;
      if (BULLET.test(next) || SUITE.test(next) || SUMMARY.test(next) || /^Test Suites:/.test(next)) break;
      const at = /^\s+at\s/.test(next) ? AT.exec(next) : null;
      if (at) {
        const file = relPath(root, at[1] ?? at[4]!);
        if (lineNo === undefined && file === suiteFile) lineNo = Number(at[2] ?? at[5]);
        continue;
      }
      // The code frame (`  4 | …`, `> 4 | …`, `    | ^`) is not part of the message.
      if (/^\s*>?\s*\d*\s*\|/.test(next)) continue;
      if (message.length < 8 && (next.trim() !== '' || message.length > 0)) message.push(next.trim());
    }
    i = j - 1;
    failures.push({
      name,
      ...(suiteFile ? { file: suiteFile } : {}),
      ...(lineNo !== undefined ? { line: lineNo } : {}),
      message: message.join('\n').trim(),
    });
  }
  const failed = words.get('failed') ?? 0;
  const total = words.get('total') ?? 0;
  return {
    total,
    passed: words.get('passed') ?? 0,
    failed: Math.max(failed, failures.length),
    skipped: (words.get('skipped') ?? 0) + (words.get('todo') ?? 0),
    failures,
  };
}
