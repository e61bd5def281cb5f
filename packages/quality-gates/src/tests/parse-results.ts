import { isAbsolute, relative, resolve, sep } from 'node:path';
import { stripAnsi } from '../parse/normalize.js';
import { readReport } from '../reports/text-util.js';

export interface TestFailure {
  /** Full test name (suite titles and test title). */
  name: string;
  /** Test file relative to the workspace root, when the report says. */
  file?: string;
  line?: number;
  message: string;
}

export interface TestCounts {
  total: number;
  passed: number;
  failed: number;
  skipped: number;
  failures: TestFailure[];
}

const rel = (root: string, file: string | undefined): string | undefined => {
  if (!file) return undefined;
  const abs = isAbsolute(file) ? file : resolve(root, file);
  const r = relative(root, abs);
  return (r.startsWith('..') ? abs : r).split(sep).join('/');
};

interface JestAssertion {
  fullName?: string;
  title?: string;
  ancestorTitles?: string[];
  status?: string;
  failureMessages?: string[];
  location?: { line?: number } | null;
}
interface JestFile {
  name?: string;
  testFilePath?: string;
  status?: string;
  message?: string;
  assertionResults?: JestAssertion[];
}
interface JestReport {
  numTotalTests?: number;
  numPassedTests?: number;
  numFailedTests?: number;
  numPendingTests?: number;
  numTodoTests?: number;
  testResults?: JestFile[];
}

/**
 * The JSON report of jest (`--json`) and vitest (`--reporter=json`, jest-compatible). A test file that
 * failed with no failing test of its own (it failed to load: a missing import, a syntax error; or a
 * hook failed) is counted as one failed test, in `failed` and in `total` alike, so that `passed +
 * failed + skipped` is `total` and the file is never among the passes; its failure is named
 * `<file> (test file failed to run)`.
 */
export function parseJestJson(text: string, root: string): TestCounts {
  return readReport('a jest/vitest JSON report', () => parseJestJsonUnchecked(text, root));
}

function parseJestJsonUnchecked(text: string, root: string): TestCounts {
  const report = JSON.parse(text) as JestReport;
  if (!report || typeof report !== 'object' || !Array.isArray(report.testResults))
    throw new Error('not a jest/vitest JSON report (no testResults array)');
  const failures: TestFailure[] = [];
  let failedFiles = 0;
  for (const file of report.testResults) {
    const path = rel(root, file.name ?? file.testFilePath);
    const assertions = file.assertionResults ?? [];
    for (const a of assertions) {
      if (a.status !== 'failed') continue;
      const name = a.fullName ?? [...(a.ancestorTitles ?? []), a.title ?? ''].join(' ');
      failures.push({
        name,
        file: path,
        ...(a.location?.line ? { line: a.location.line } : {}),
        message: firstLines(stripAnsi((a.failureMessages ?? []).join('\n'))),
      });
    }
    // Not in the report's test counts (vitest's numFailedTests is 0 for it; numFailedTestSuites has it).
    if (file.status === 'failed' && assertions.every((a) => a.status !== 'failed')) {
      failedFiles++;
      failures.push({
        name: `${path ?? 'test file'} (test file failed to run)`,
        ...(path ? { file: path } : {}),
        message: firstLines(stripAnsi(file.message ?? '')) || 'the file failed with no failing test and no message',
      });
    }
  }
  const failedTests = Math.max(report.numFailedTests ?? 0, failures.length - failedFiles);
  return {
    total: (report.numTotalTests ?? 0) + failedFiles,
    passed: report.numPassedTests ?? 0,
    failed: failedTests + failedFiles,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
    failures,
  };
}

/**
 * A JUnit XML report: pytest's (`pytest --junitxml=FILE`) and node's (`node --test --test-reporter=junit`).
 * Node's own quirks: a test file that reported no test (it has none, or it exited before reporting them)
 * is one passing `<testcase>` named by the file's absolute path — it proved nothing, so it is skipped,
 * never passed; a failing `todo` test carries both `<skipped type="todo">` and `<failure>` and, as for
 * node, is skipped; and `>` is left unescaped in attribute values.
 */
export function parsePytestJunit(xml: string, root: string): TestCounts {
  return readReport('a JUnit XML report', () => parsePytestJunitUnchecked(xml, root));
}

/** Attributes up to the tag's end: quoted values may hold `>` (node does not escape it). */
const ATTRS = String.raw`((?:[^>"']|"[^"]*"|'[^']*')*?)`;
const TESTCASE = new RegExp(String.raw`<testcase\b${ATTRS}(?:\/>|>([\s\S]*?)<\/testcase>)`, 'g');
const FAILURE = new RegExp(String.raw`<(failure|error)\b${ATTRS}(?:\/>|>([\s\S]*?)<\/\1>)`);

function parsePytestJunitUnchecked(xml: string, root: string): TestCounts {
  if (!/<testsuites?[\s>]/.test(xml)) throw new Error('not a JUnit XML report (no <testsuite>)');
  const failures: TestFailure[] = [];
  let total = 0;
  let failed = 0;
  let skipped = 0;
  for (const m of xml.matchAll(TESTCASE)) {
    total++;
    const attrs = attributes(m[1] ?? '');
    const body = m[2] ?? '';
    const bad = FAILURE.exec(body);
    if (/<skipped\b[^>]*\btype="todo"/.test(body) || (!bad && (/<skipped\b/.test(body) || isFileEntry(attrs)))) {
      skipped++;
    } else if (bad) {
      failed++;
      const fa = attributes(bad[2] ?? '');
      const name = [attrs.classname, attrs.name].filter(Boolean).join('::');
      failures.push({
        name,
        file: rel(root, attrs.file ?? classToFile(attrs.classname)),
        ...(attrs.line ? { line: Number(attrs.line) + 1 } : {}),
        message: firstLines(unescapeXml(fa.message ?? bad[3] ?? bad[1] ?? '')),
      });
    }
  }
  return { total, passed: total - failed - skipped, failed, skipped, failures };
}

/** Node's entry for a whole test file that reported no test of its own: named by its absolute path. */
const isFileEntry = (attrs: Record<string, string>): boolean =>
  attrs.name !== undefined && (attrs.name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(attrs.name));

function attributes(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/([\w:-]+)="([^"]*)"/g)) out[m[1]!] = unescapeXml(m[2]!);
  return out;
}

function unescapeXml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#10;/g, '\n')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&');
}

/** pytest's classname `tests.test_x.TestY` → `tests/test_x.py` (best effort when `file` is absent). */
function classToFile(classname: string | undefined): string | undefined {
  if (!classname) return undefined;
  const parts = classname.split('.');
  while (parts.length > 1 && /^[A-Z]/.test(parts[parts.length - 1]!)) parts.pop();
  return `${parts.join('/')}.py`;
}

function firstLines(s: string, n = 8): string {
  return s.trim().split('\n').slice(0, n).join('\n');
}
