import { stripAnsi } from '@st3/quality-gates';
import { countJsonParse, type QaFormat, type QaKind, type TelemetryHandle } from '@st3/schemas';
import { otherToolOf } from './other-tools.js';

// Which tool and reporter wrote a QA log, told from the log itself (and the command that wrote it).

export const KIND_OF: Record<QaFormat, QaKind> = {
  'eslint-json': 'lint',
  'eslint-stylish': 'lint',
  'tsc-text': 'typecheck',
  'jest-json': 'test',
  'vitest-text': 'test',
  'jest-text': 'test',
  'istanbul-summary': 'coverage',
  lcov: 'coverage',
  'ruff-json': 'lint',
  'mypy-text': 'typecheck',
};
/** mypy's last line: `Success: no issues found in 3 source files`, `Found 2 errors in 1 file (checked 3 source files)`. */
export const MYPY_SUMMARY =
  /^(?:Success: no issues found in (\d+) source files?|Found (\d+) errors? in \d+ files? \(checked (\d+) source files?\))\s*$/m;
/** A command whose program is ruff (`ruff check …`, `.venv/bin/ruff …`, `python -m ruff …`). */
const RUFF_COMMAND = /(?:^|[\s/])ruff(?:\s|$)/;
/** One violation of `ruff check --output-format json`. */
const isRuffViolation = (v: unknown): boolean =>
  !!v && typeof v === 'object' && 'code' in v && 'filename' in v && 'location' in v;
/** tsc's plain (`--pretty false`) line `file(line,col): error TS…:`, its pretty one `file:line:col - error TS…:`, and one without a file. */
const TSC_LINE = /^\S.*\(\d+,\d+\): (?:error|warning|message) TS\d+: /m;
const TSC_PRETTY_LINE = /^\S.*:\d+:\d+ - (?:error|warning|message) TS\d+: /m;
const TSC_GLOBAL_LINE = /^(?:error|warning) TS\d+: /m;
/** tsc's count of errors (`Found 2 errors in 2 files.`, `Found 1 error in src/a.ts:3`; watch mode: `[10:00:00] Found 0 errors.`). */
export const TSC_SUMMARY = /^(?:\[[^\]\n]*\] )?Found (\d+) errors?\b/gm;
const TSC_FOUND = new RegExp(TSC_SUMMARY.source, 'm');
const STYLISH_PROBLEM = /^\s+\d+:\d+\s+(?:error|warning)\s+\S/m;
const STYLISH_SUMMARY = /^[✖×]\s+\d+\s+problems?\s+\(\d+\s+errors?,\s+\d+\s+warnings?\)/m;

/**
 * Which reporter wrote `text`; `kind` narrows the choice (an empty tsc or ESLint log is a clean run of
 * that tool). A log that starts like JSON but does not parse is counted as a JSON parse failure on
 * `telemetry` (source `qa:log`) and then read as text.
 */
export function detectQaFormat(
  text: string,
  kind?: QaKind,
  telemetry?: TelemetryHandle,
  command?: string,
): QaFormat | undefined {
  const plain = stripAnsi(text).trim();
  if (plain.startsWith('[') || plain.startsWith('{')) {
    let json: unknown;
    let parsed = false;
    try {
      json = JSON.parse(plain);
      parsed = true;
    } catch {
      // not JSON after all: a text reporter, or a JSON report cut short (counted below)
    }
    countJsonParse(telemetry, 'qa:log', parsed);
    if (parsed) {
      // `[]` is a clean report of ESLint and of ruff alike: the command tells them apart.
      if (Array.isArray(json) && json.length === 0 && command !== undefined && RUFF_COMMAND.test(command))
        return ok('ruff-json', kind);
      if (Array.isArray(json) && json.every((f) => f && typeof f === 'object' && 'filePath' in f && 'messages' in f))
        return ok('eslint-json', kind);
      if (Array.isArray(json) && json.every(isRuffViolation)) return ok('ruff-json', kind);
      if (json && typeof json === 'object' && Array.isArray((json as { testResults?: unknown }).testResults))
        return ok('jest-json', kind);
      if (json && typeof json === 'object' && 'total' in json) return ok('istanbul-summary', kind);
    }
  }
  if (STYLISH_SUMMARY.test(plain) && STYLISH_PROBLEM.test(plain)) return ok('eslint-stylish', kind);
  if (/^SF:/m.test(plain) && /^end_of_record$/m.test(plain)) return ok('lcov', kind);
  if (/^\s*Tests\s+.*\(\d+\)\s*$/m.test(plain) && /Test Files|RUN\s+v\d/.test(plain)) return ok('vitest-text', kind);
  if (/^Tests:\s+/m.test(plain) || /●\s+Test suite failed to run/.test(plain)) return ok('jest-text', kind);
  // Before tsc's: mypy's summary starts `Found N errors` too.
  if (MYPY_SUMMARY.test(plain)) return ok('mypy-text', kind);
  if ([TSC_LINE, TSC_PRETTY_LINE, TSC_GLOBAL_LINE].some((re) => re.test(plain))) return ok('tsc-text', kind);
  // A bare `Found N errors` is tsc's only when no other tool's output is around it (ruff and mypy print one too).
  if (TSC_FOUND.test(plain) && !otherToolOf(plain)) return ok('tsc-text', kind);
  if (kind === 'typecheck' && plain === '') return 'tsc-text';
  if (kind === 'lint' && plain === '') return 'eslint-stylish';
  return undefined;
}

/**
 * The format of the head of a log that was cut: a JSON report cut short does not parse (and is not
 * counted as a parse failure: it was never whole), so it is told by its first keys.
 */
export function detectCutFormat(text: string, kind?: QaKind): QaFormat | undefined {
  const head = stripAnsi(text.slice(0, 4096)).trim();
  if (head.startsWith('[')) return /^\[\s*\{\s*"filePath"\s*:/.test(head) ? ok('eslint-json', kind) : undefined;
  if (head.startsWith('{')) {
    if (/"(?:testResults|numTotalTests|numTotalTestSuites)"\s*:/.test(head)) return ok('jest-json', kind);
    return /^\{\s*"total"\s*:/.test(head) ? ok('istanbul-summary', kind) : undefined;
  }
  return detectQaFormat(text, kind);
}

function ok(format: QaFormat, kind: QaKind | undefined): QaFormat | undefined {
  return kind === undefined || KIND_OF[format] === kind ? format : undefined;
}
