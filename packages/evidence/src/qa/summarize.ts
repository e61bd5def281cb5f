import {
  parseIstanbulSummary,
  parseJestJson,
  parseJestText,
  parseLcov,
  parseVitestText,
  stripAnsi,
  type CoverageReport,
  type TestCounts,
} from '@st3/quality-gates';
import { St3Error, type QaFormat, type QaKind, type QaSummary, type TelemetryHandle } from '@st3/schemas';
import { detectCutFormat, detectQaFormat, KIND_OF, MYPY_SUMMARY } from './detect-format.js';
import { issuesOf, plural } from './lint-issues.js';
import { NOT_CHECKED_RULE, NOT_MEASURED, notCheckedFiles, qaNotMeasured, saysNotChecked } from './measured.js';
import { otherToolLog, otherToolOf } from './other-tools.js';

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
  /** Set when `text` is only the head of the output (see `keptOutput`): why; the run is then not measured. */
  cut?: string;
}

export const qaKey = (kind: QaKind, command: string): string => `${kind}:${command.trim().replace(/\s+/g, ' ')}`;

/**
 * Reads a QA log into a summary. Lint (ESLint JSON) and type-check (tsc text) go through the
 * quality-gates presets' own parsers, tests through `parseJestJson` and the text-reporter parsers,
 * coverage through the istanbul/lcov readers: one parser per format in the whole project. A run that
 * measured nothing (`qaNotMeasured`: killed, failed with nothing read, no test run, nothing covered;
 * `lintCheckedNothing`: ESLint checked no file)
 * is summarized as `not measured: <why>` — never "0 errors" — and a killed run's output is not read
 * at all (what it wrote before it was stopped is not its verdict).
 */
export function summarizeQa(input: SummarizeQaInput): QaSummary {
  const format =
    input.cut === undefined
      ? detectQaFormat(input.text, input.kind, input.telemetry, input.command)
      : detectCutFormat(input.text, input.kind);
  if (!format) {
    const what = input.kind ? `a ${input.kind} log` : 'a QA log';
    const cut = input.cut === undefined ? '' : ` (${input.cut.replace(/ —.*/, '')})`;
    const other = otherToolOf(stripAnsi(input.text));
    if (other) throw otherToolLog(input.command, other, what);
    throw new St3Error(
      'E_QA_LOG_UNREADABLE',
      `the output of "${input.command}" is not ${what} in a supported format${cut}`,
      {
        hint:
          input.kind === 'coverage'
            ? 'pass coverage/coverage-summary.json or coverage/lcov.info as the log'
            : input.cut !== undefined
              ? 'pass --kind; and narrow the command, or have it write a report file and record that (--report FILE)'
              : 'ESLint -f json or its default (stylish) output, tsc --pretty false, ruff check --output-format json, mypy (with its summary line), jest --json / vitest --reporter=json or their default text output',
      },
    );
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
  if (input.exitCode === null)
    return { ...base, headline: `${NOT_MEASURED}: ${qaNotMeasured({ ...base, headline: '' })}` };
  // The head of a report is not the run's report: no figures, whatever they would have said.
  if (input.cut !== undefined) return { ...base, headline: `${NOT_MEASURED}: ${input.cut}` };
  const summary: QaSummary = { ...base, ...figuresOf(input, format, kind) };
  const why =
    qaNotMeasured(summary) ?? (summary.issues ? lintCheckedNothing(input.text, format, summary.issues) : undefined);
  if (!why) return summary;
  // Lint and type-check figures of a failed run are zeros that mean nothing: not kept.
  const { issues: _dropped, ...rest } = summary;
  return { ...(kind === 'lint' || kind === 'typecheck' ? rest : summary), headline: `${NOT_MEASURED}: ${why}` };
}

/** The headline and figures of a log; a log that cannot be read is E_QA_LOG_UNREADABLE. */
function figuresOf(
  input: SummarizeQaInput,
  format: QaFormat,
  kind: QaKind,
): Pick<QaSummary, 'headline' | 'issues' | 'tests' | 'coverage'> {
  try {
    if (kind === 'lint' || kind === 'typecheck') {
      const issues = issuesOf(input, format);
      return { headline: issuesHeadline(issues), issues };
    }
    if (kind === 'test') {
      const counts = testsOf(input.text, format, input.root);
      return {
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
    return { headline: parts.join(', ') || 'nothing to cover', coverage: { total: report.total, files: report.files } };
  } catch (error) {
    if (error instanceof St3Error) throw error;
    throw new St3Error(
      'E_QA_LOG_UNREADABLE',
      `the ${format} log of "${input.command}" could not be read: ${(error as Error).message}`,
      { hint: "pass the tool's whole output as it wrote it (for tsc: its default output or --pretty false)" },
    );
  }
}

/**
 * Why an ESLint run checked no file, or undefined. Its JSON report lists every file it was given, so
 * an empty report, or one whose every file has only "File ignored …", checked nothing. Its stylish
 * report lists no clean file, so one naming only files it ignored cannot show that any was checked.
 * Either way "0 errors" would be a verdict on files ESLint never read.
 */
function lintCheckedNothing(
  text: string,
  format: QaFormat,
  issues: NonNullable<QaSummary['issues']>,
): string | undefined {
  const ignored = [...notCheckedFiles(issues)];
  const named = ignored.slice(0, 5).join(', ') + (ignored.length > 5 ? ` and ${ignored.length - 5} more` : '');
  const because = `ignored by its configuration ("File ignored because …"): ${named}`;
  if (format === 'eslint-json') {
    const files = JSON.parse(stripAnsi(text).trim()) as { messages: { message: string }[] }[];
    if (files.length === 0) return 'ESLint checked no file: its report lists none (no file matched what it was given)';
    const checked = files.some((f) => f.messages.length === 0 || f.messages.some((m) => !saysNotChecked(m.message)));
    return checked ? undefined : `ESLint checked no file: every file it was given is ${because}`;
  }
  if (format === 'ruff-json' && issues.list.length === 0)
    return (
      "ruff's JSON report lists violations only, so an empty one does not show that any file was checked (ruff prints " +
      'the same when no Python file matched); check ruff as a gate (`st3 gates --gate ruff`), which lists the files it checks'
    );
  if (format === 'mypy-text') {
    const summary = MYPY_SUMMARY.exec(stripAnsi(text));
    const checked = Number(summary?.[1] ?? summary?.[3] ?? 0);
    return checked > 0 ? undefined : 'mypy checked no source file';
  }
  const foundAny = issues.errors + issues.warnings > 0 || issues.list.some((i) => i.rule !== NOT_CHECKED_RULE);
  if (format !== 'eslint-stylish' || ignored.length === 0 || foundAny) return undefined;
  return (
    `ESLint's output names only files it ${because}; its default (stylish) output lists no clean file, so that it ` +
    'checked any file is not established (record `eslint -f json`, which lists every file)'
  );
}

/** `2 errors, 1 warning`, and the files the tool did not check (`; not checked: src/a.ts`). */
function issuesHeadline(issues: NonNullable<QaSummary['issues']>): string {
  const counts = `${plural(issues.errors, 'error')}, ${plural(issues.warnings, 'warning')}`;
  const unchecked = [...notCheckedFiles(issues)];
  if (unchecked.length === 0) return counts;
  const shown = unchecked.slice(0, 5).join(', ') + (unchecked.length > 5 ? ` and ${unchecked.length - 5} more` : '');
  return `${counts}; ${plural(unchecked.length, 'file')} not checked: ${shown}`;
}

function testsOf(text: string, format: QaFormat, root: string): TestCounts {
  if (format === 'jest-json') return parseJestJson(stripAnsi(text).trim(), root);
  return format === 'vitest-text' ? parseVitestText(text, root) : parseJestText(text, root);
}
