import { isAbsolute, relative, resolve, sep } from 'node:path';
import {
  createOutputParser,
  findPreset,
  parseEslintStylish,
  parseIstanbulSummary,
  parseJestJson,
  parseJestText,
  parseLcov,
  parseVitestText,
  stripAnsi,
  type CoverageReport,
  type TestCounts,
} from '@st3/quality-gates';
import {
  countJsonParse,
  St3Error,
  type QaFormat,
  type QaIssue,
  type QaKind,
  type QaSummary,
  type TelemetryHandle,
} from '@st3/schemas';

export interface SummarizeQaInput {
  /** The log text (tool output, or a coverage report file). */
  text: string;
  command: string;
  exitCode: number | null;
  durationMs: number;
  /** Absent: detected from the text. */
  kind?: QaKind;
  /** Workspace root: file paths in the summary are relative to it. */
  root: string;
  /** The folder the command ran in (relative paths in its output resolve from it; default root). */
  cwd?: string;
  recordedAt?: string;
  evidenceId?: string;
  /** Counts each JSON document read from the log (`json_parses{source="qa:<format>"}`, and failures). */
  telemetry?: TelemetryHandle;
}

const MAX_ISSUES = 500;
const KIND_OF: Record<QaFormat, QaKind> = {
  'eslint-json': 'lint',
  'eslint-stylish': 'lint',
  'tsc-text': 'typecheck',
  'jest-json': 'test',
  'vitest-text': 'test',
  'jest-text': 'test',
  'istanbul-summary': 'coverage',
  lcov: 'coverage',
};
const TSC_LINE = /^\S.*\(\d+,\d+\): (?:error|warning|message) TS\d+: /m;

export const qaKey = (kind: QaKind, command: string): string => `${kind}:${command.trim().replace(/\s+/g, ' ')}`;

const STYLISH_PROBLEM = /^\s+\d+:\d+\s+(?:error|warning)\s+\S/m;
const STYLISH_SUMMARY = /^[✖×]\s+\d+\s+problems?\s+\(\d+\s+errors?,\s+\d+\s+warnings?\)/m;

/**
 * Which reporter wrote `text`; `kind` narrows the choice (an empty tsc or ESLint log is a clean run of
 * that tool). A log that starts like JSON but does not parse is counted as a JSON parse failure on
 * `telemetry` (source `qa:log`) and then read as text.
 */
export function detectQaFormat(text: string, kind?: QaKind, telemetry?: TelemetryHandle): QaFormat | undefined {
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
      if (Array.isArray(json) && json.every((f) => f && typeof f === 'object' && 'filePath' in f && 'messages' in f))
        return ok('eslint-json', kind);
      if (json && typeof json === 'object' && Array.isArray((json as { testResults?: unknown }).testResults))
        return ok('jest-json', kind);
      if (json && typeof json === 'object' && 'total' in json) return ok('istanbul-summary', kind);
    }
  }
  if (STYLISH_SUMMARY.test(plain) && STYLISH_PROBLEM.test(plain)) return ok('eslint-stylish', kind);
  if (/^SF:/m.test(plain) && /^end_of_record$/m.test(plain)) return ok('lcov', kind);
  if (/^\s*Tests\s+.*\(\d+\)\s*$/m.test(plain) && /Test Files|RUN\s+v\d/.test(plain)) return ok('vitest-text', kind);
  if (/^Tests:\s+/m.test(plain) || /●\s+Test suite failed to run/.test(plain)) return ok('jest-text', kind);
  if (TSC_LINE.test(plain) || /^Found \d+ errors?/m.test(plain)) return ok('tsc-text', kind);
  if (kind === 'typecheck' && plain === '') return 'tsc-text';
  if (kind === 'lint' && plain === '') return 'eslint-stylish';
  return undefined;
}

function ok(format: QaFormat, kind: QaKind | undefined): QaFormat | undefined {
  return kind === undefined || KIND_OF[format] === kind ? format : undefined;
}

/**
 * Reads a QA log into a summary. Lint (ESLint JSON) and type-check (tsc text) go through the
 * quality-gates presets' own parsers, tests through `parseJestJson` and the text-reporter parsers,
 * coverage through the istanbul/lcov readers: one parser per format in the whole project.
 */
export function summarizeQa(input: SummarizeQaInput): QaSummary {
  const format = detectQaFormat(input.text, input.kind, input.telemetry);
  if (!format) {
    const what = input.kind ? `a ${input.kind} log` : 'a QA log';
    throw new St3Error('E_QA_LOG_UNREADABLE', `the output of "${input.command}" is not ${what} in a supported format`, {
      hint:
        input.kind === 'coverage'
          ? 'pass coverage/coverage-summary.json or coverage/lcov.info as the log'
          : 'ESLint -f json or its default (stylish) output, tsc --pretty false, jest --json / vitest --reporter=json or their default text output',
    });
  }
  const kind = KIND_OF[format];
  const base = {
    schema_version: 1 as const,
    key: qaKey(kind, input.command),
    kind,
    format,
    command: input.command,
    exit_code: input.exitCode,
    duration_ms: input.durationMs,
    recorded_at: input.recordedAt ?? new Date().toISOString(),
    ...(input.evidenceId ? { evidence_id: input.evidenceId } : {}),
  };
  try {
    if (kind === 'lint' || kind === 'typecheck') {
      const issues = issuesOf(input, format);
      return { ...base, headline: `${plural(issues.errors, 'error')}, ${plural(issues.warnings, 'warning')}`, issues };
    }
    if (kind === 'test') {
      const counts = testsOf(input.text, format, input.root);
      return {
        ...base,
        headline:
          counts.failed > 0
            ? `${counts.failed} of ${counts.total} tests failed`
            : `${counts.passed} of ${counts.total} tests passed`,
        tests: counts,
      };
    }
    const report: CoverageReport =
      format === 'lcov' ? parseLcov(input.text, input.root) : parseIstanbulSummary(input.text, input.root);
    const parts = (['lines', 'statements', 'functions', 'branches'] as const).flatMap((m) =>
      report.total[m]?.pct != null ? [`${m} ${report.total[m].pct}%`] : [],
    );
    return {
      ...base,
      headline: parts.join(', ') || 'nothing to cover',
      coverage: { total: report.total, files: report.files },
    };
  } catch (error) {
    if (error instanceof St3Error) throw error;
    throw new St3Error(
      'E_QA_LOG_UNREADABLE',
      `the ${format} log of "${input.command}" could not be read: ${(error as Error).message}`,
    );
  }
}

/** What the lint and type-check readers give: a violation of a gate, or a problem of ESLint's stylish report. */
interface Finding {
  file: string | null;
  line: number | null;
  rule: string | null;
  severity: 'error' | 'warning' | 'info';
  message: string;
}

function findingsOf(input: SummarizeQaInput, format: QaFormat): Finding[] {
  const base = input.cwd ?? input.root;
  if (format === 'eslint-stylish')
    return parseEslintStylish(input.text, base).map((p) => ({ ...p, file: relativeTo(input.root, base, p.file) }));
  const presetId = format === 'eslint-json' ? 'eslint' : 'tsc';
  const preset = findPreset(presetId);
  const parser = preset ? createOutputParser(preset.gate) : undefined;
  if (!parser) throw new St3Error('E_INTERNAL', `the ${presetId} gate preset has no output parser`);
  const outcome = parser(input.text, { root: input.root, ...(input.cwd ? { cwd: input.cwd } : {}) });
  if (outcome.problem) throw new Error(outcome.problem);
  return outcome.violations;
}

/** A path read relative to `base` (the command's folder), made relative to the workspace root. */
function relativeTo(root: string, base: string, file: string): string {
  if (base === root || isAbsolute(file)) return file;
  const abs = resolve(base, file);
  const rel = relative(root, abs);
  return rel.startsWith('..') || isAbsolute(rel) ? abs : rel.split(sep).join('/');
}

function issuesOf(input: SummarizeQaInput, format: QaFormat): NonNullable<QaSummary['issues']> {
  const findings = findingsOf(input, format);
  const byRule: Record<string, { errors: number; warnings: number }> = {};
  let errors = 0;
  let warnings = 0;
  for (const v of findings) {
    const entry = (byRule[ruleOf(v)] ??= { errors: 0, warnings: 0 });
    if (v.severity === 'error') {
      errors++;
      entry.errors++;
    } else if (v.severity === 'warning') {
      warnings++;
      entry.warnings++;
    }
  }
  const rank = (v: Finding) => (v.severity === 'error' ? 0 : v.severity === 'warning' ? 1 : 2);
  const sorted = [...findings].sort(
    (a, b) => rank(a) - rank(b) || cmp(a.file ?? '', b.file ?? '') || (a.line ?? 0) - (b.line ?? 0),
  );
  // A violation the tool gave no file or line (null) is recorded as '' / 0 in the QA summary format.
  const list: QaIssue[] = sorted.slice(0, MAX_ISSUES).map((v) => ({
    file: v.file ?? '',
    line: v.line ?? 0,
    rule: ruleOf(v),
    severity: v.severity,
    message: v.message,
  }));
  return { errors, warnings, by_rule: byRule, list, truncated: sorted.length > MAX_ISSUES };
}

const ruleOf = (v: Finding): string => v.rule || '(no rule)';

function testsOf(text: string, format: QaFormat, root: string): TestCounts {
  if (format === 'jest-json') return parseJestJson(stripAnsi(text).trim(), root);
  return format === 'vitest-text' ? parseVitestText(text, root) : parseJestText(text, root);
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
