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

/** `file` relative to `root`; a relative `file` is relative to `base` (the folder the runner ran in). */
const rel = (root: string, file: string | undefined, base = root): string | undefined => {
  if (!file) return undefined;
  const abs = isAbsolute(file) ? file : resolve(base, file);
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
export function parseJestJson(text: string, root: string, base = root): TestCounts {
  return readReport('a jest/vitest JSON report', () => parseJestJsonUnchecked(text, root, base));
}

function parseJestJsonUnchecked(text: string, root: string, base: string): TestCounts {
  const report = JSON.parse(text) as JestReport;
  if (!report || typeof report !== 'object' || !Array.isArray(report.testResults))
    throw new Error('not a jest/vitest JSON report (no testResults array)');
  const failures: TestFailure[] = [];
  let failedFiles = 0;
  for (const file of report.testResults) {
    const path = rel(root, file.name ?? file.testFilePath, base);
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
 * node, is skipped; and `>` is left unescaped in attribute values. Node's `classname` is always `test`,
 * so no file is inferred from it (a failing file entry is its own file). pytest's module paths are
 * relative to the folder it ran in: `base`, when that is not the workspace `root`.
 */
export function parsePytestJunit(xml: string, root: string, base = root): TestCounts {
  return readReport('a JUnit XML report', () => parsePytestJunitUnchecked(xml, root, base));
}

/** Attributes up to the tag's end: quoted values may hold `>` (node does not escape it). */
const ATTRS = String.raw`((?:[^>"']|"[^"]*"|'[^']*')*?)`;
const TESTCASE = new RegExp(String.raw`<testcase\b${ATTRS}(?:\/>|>([\s\S]*?)<\/testcase>)`, 'g');
const FAILURE = new RegExp(String.raw`<(failure|error)\b${ATTRS}(?:\/>|>([\s\S]*?)<\/\1>)`);

type Outcome = 'passed' | 'failed' | 'skipped';

function parsePytestJunitUnchecked(xml: string, root: string, base: string): TestCounts {
  if (!/<testsuites?[\s>]/.test(xml)) throw new Error('not a JUnit XML report (no <testsuite>)');
  const fromNode = NODE_COUNTS.test(xml);
  const failures: TestFailure[] = [];
  // Per test: its outcome and its failure, if any. pytest reports a test whose teardown errored twice
  // (its own entry, then one with `failed on teardown`): one test, failed, never a pass and another test.
  const tests: { outcome: Outcome; failure?: TestFailure }[] = [];
  const byName = new Map<string, (typeof tests)[number]>();
  for (const m of xml.matchAll(TESTCASE)) {
    const attrs = attributes(m[1] ?? '');
    const body = m[2] ?? '';
    const bad = FAILURE.exec(body);
    const skipped =
      /<skipped\b[^>]*\btype="todo"/.test(body) || (!bad && (/<skipped\b/.test(body) || isFileEntry(attrs)));
    const failure = !skipped && bad ? failureOf(attrs, bad, fromNode, root, base) : undefined;
    const key = `${attrs.classname ?? ''}::${attrs.name ?? ''}`;
    const earlier = !fromNode && bad && isTeardownError(bad) ? byName.get(key) : undefined;
    if (earlier && failure) {
      if (earlier.failure) earlier.failure.message += `\n${failure.message}`;
      else {
        earlier.failure = failure;
        failures.push(failure);
      }
      earlier.outcome = 'failed';
      continue;
    }
    const test: (typeof tests)[number] = { outcome: skipped ? 'skipped' : failure ? 'failed' : 'passed' };
    if (failure) {
      test.failure = failure;
      failures.push(failure);
    }
    tests.push(test);
    byName.set(key, test);
  }
  const outcomes = tests.map((t) => t.outcome);
  const count = (o: Outcome) => outcomes.filter((x) => x === o).length;
  return {
    total: outcomes.length,
    passed: count('passed'),
    failed: count('failed'),
    skipped: count('skipped'),
    failures,
  };
}

/** pytest's second entry for a test whose teardown failed. */
const isTeardownError = (bad: RegExpExecArray): boolean =>
  bad[1] === 'error' && (attributes(bad[2] ?? '').message ?? '').startsWith('failed on teardown');

function failureOf(
  attrs: Record<string, string>,
  bad: RegExpExecArray,
  fromNode: boolean,
  root: string,
  base: string,
): TestFailure {
  const fa = attributes(bad[2] ?? '');
  return {
    name: [attrs.classname, attrs.name].filter(Boolean).join('::'),
    file: rel(root, attrs.file ?? (fromNode ? fileEntryPath(attrs) : classToFile(attrs.classname)), base),
    ...(attrs.line ? { line: Number(attrs.line) + 1 } : {}),
    message: firstLines(unescapeXml(fa.message ?? bad[3] ?? bad[1] ?? '')),
  };
}

/** Node's entry for a whole test file that reported no test of its own: named by its absolute path. */
const isFileEntry = (attrs: Record<string, string>): boolean =>
  attrs.name !== undefined && (attrs.name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(attrs.name));

/** The counters node's junit reporter ends its report with (`<!-- tests 3 -->`); pytest writes none. */
const NODE_COUNTS = /<!-- tests \d+ -->/;

const fileEntryPath = (attrs: Record<string, string>): string | undefined =>
  isFileEntry(attrs) ? attrs.name : undefined;

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
