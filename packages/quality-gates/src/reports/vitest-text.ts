import type { TestCounts, TestFailure } from '../tests/parse-results.js';
import { countsByWord, outputLines, readReport, relPath } from './text-util.js';

const FAIL_HEADER = /^\s*FAIL\s+(\S.*?)\s+>\s+(.+)$/;
const FAIL_FILE_ONLY = /^\s*FAIL\s+(\S+)\s*(?:\[.*\])?$/;
const LOCATION = /^\s*❯\s+(\S+?):(\d+):(\d+)\s*$/;
const SEPARATOR = /^⎯{3,}/;
const SUMMARY = /^\s*Tests\s+(.+?)\s+\((\d+)\)\s*$/;

/**
 * vitest's default text reporter (`vitest run`, colours on or off): the `Tests  3 failed | 1 passed
 * | 1 skipped (5)` summary and one `FAIL  file > suite > test` block per failure (message and the
 * `❯ file:line:col` location). A run that never printed the summary (crash, no tests found) throws.
 */
export function parseVitestText(text: string, root: string): TestCounts {
  return readReport("vitest's text report", () => parseVitestTextUnchecked(text, root));
}

function parseVitestTextUnchecked(text: string, root: string): TestCounts {
  const lines = outputLines(text);
  const summaryLine = lines.map((l) => SUMMARY.exec(l)).find((m) => m !== null);
  if (!summaryLine) throw new Error('not a vitest text report (no "Tests … (N)" summary line)');
  const words = countsByWord(summaryLine[1]!);
  const failures: TestFailure[] = [];
  // `FAIL file [ file ]` without a test: a file that failed to run (an import that throws). Its tests are
  // in no count of the summary, so it is one failed test more, in the total too (as the JSON reader counts it).
  let filesFailed = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const testHeader = FAIL_HEADER.exec(line);
    const header = testHeader ?? FAIL_FILE_ONLY.exec(line);
    if (!header) continue;
    if (!testHeader) filesFailed++;
    const file = relPath(root, header[1]!);
    const name = header[2]?.split(' > ').join(' ') ?? file;
    const message: string[] = [];
    let lineNo: number | undefined;
    for (let j = i + 1; j < lines.length; j++) {
      const next = lines[j]!;
      if (SEPARATOR.test(next.trim()) || FAIL_HEADER.test(next) || FAIL_FILE_ONLY.test(next)) break;
      const loc = LOCATION.exec(next);
      if (loc) {
        if (lineNo === undefined && relPath(root, loc[1]!) === file) lineNo = Number(loc[2]);
        break;
      }
      if (message.length < 8 && (next.trim() !== '' || message.length > 0)) message.push(next);
    }
    failures.push({
      name,
      file,
      ...(lineNo !== undefined ? { line: lineNo } : {}),
      message: message.join('\n').trim(),
    });
  }
  const failed = words.get('failed') ?? 0;
  const passed = words.get('passed') ?? 0;
  const skipped = (words.get('skipped') ?? 0) + (words.get('todo') ?? 0);
  return {
    total: Number(summaryLine[2]) + filesFailed,
    passed,
    failed: Math.max(failed + filesFailed, failures.length),
    skipped,
    failures,
  };
}
