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
  type GateConfig,
  type QaFormat,
  type QaIssue,
  type QaKind,
  type QaSummary,
  type TelemetryHandle,
} from '@st3/schemas';
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
  'ruff-json': 'lint',
  'mypy-text': 'typecheck',
};
/** mypy's last line: `Success: no issues found in 3 source files`, `Found 2 errors in 1 file (checked 3 source files)`. */
const MYPY_SUMMARY =
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
const TSC_SUMMARY = /^(?:\[[^\]\n]*\] )?Found (\d+) errors?\b/gm;
const TSC_FOUND = new RegExp(TSC_SUMMARY.source, 'm');
/** The other two tsc line forms, read by the gate engine's text parser with the tsc preset's own settings. */
const TSC_PATTERNS = [
  '^(?P<file>.+?):(?P<line>\\d+):(?P<col>\\d+) - (?P<severity>error|warning|message) (?P<rule>TS\\d+): (?P<message>.*)$',
  '^(?P<severity>error|warning|message) (?P<rule>TS\\d+): (?P<message>.*)$',
];

export const qaKey = (kind: QaKind, command: string): string => `${kind}:${command.trim().replace(/\s+/g, ' ')}`;

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
function detectCutFormat(text: string, kind?: QaKind): QaFormat | undefined {
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
  if (format === 'tsc-text') return tscFindings(input);
  if (format === 'mypy-text') return mypyFindings(input);
  return presetFindings(input, findPresetGate(format === 'ruff-json' ? 'ruff' : 'eslint'));
}

function findPresetGate(id: string): GateConfig {
  const preset = findPreset(id);
  if (!preset) throw new St3Error('E_INTERNAL', `no ${id} gate preset`);
  return preset.gate;
}

/** The violations a gate's own parser reads from the log. */
function presetFindings(input: SummarizeQaInput, gate: GateConfig): Finding[] {
  const parser = createOutputParser(gate);
  if (!parser) throw new St3Error('E_INTERNAL', `the ${gate.name} gate preset has no output parser`);
  const outcome = parser(input.text, { root: input.root, ...(input.cwd ? { cwd: input.cwd } : {}) });
  if (outcome.problem) throw new Error(outcome.problem);
  return outcome.violations;
}

/**
 * A mypy log through the mypy preset's parser; its errors must add up to the `Found N errors` of its summary,
 * else the log was not understood (a half-read log never passes as clean).
 */
function mypyFindings(input: SummarizeQaInput): Finding[] {
  const findings = presetFindings(input, findPresetGate('mypy'));
  const found = Number(MYPY_SUMMARY.exec(stripAnsi(input.text))?.[2] ?? 0);
  const errors = findings.filter((f) => f.severity === 'error').length;
  if (errors !== found)
    throw new Error(`mypy log not fully understood: its summary says ${found} error(s), ${errors} read`);
  return findings;
}

/**
 * A tsc log: its plain lines through the tsc preset, its pretty lines (tsc's default on a terminal) and
 * the lines without a file through the same text parser with those line patterns. When the log has
 * tsc's `Found N errors` summary, the errors read must add up to it, else the log was not understood
 * and this throws (a half-read log never passes as clean), as `parseEslintStylish` does for ESLint.
 */
function tscFindings(input: SummarizeQaInput): Finding[] {
  const gate = findPresetGate('tsc');
  const text = gate.capabilities.text_violations!;
  const findings = [
    presetFindings(input, gate),
    ...TSC_PATTERNS.map((pattern) =>
      presetFindings(input, {
        ...gate,
        capabilities: { ...gate.capabilities, text_violations: { ...text, pattern } },
      }),
    ),
  ].flat();
  const summaries = [...stripAnsi(input.text).matchAll(TSC_SUMMARY)].map((m) => Number(m[1]));
  if (summaries.length > 0) {
    const said = summaries.reduce((a, b) => a + b, 0);
    const read = findings.filter((f) => f.severity === 'error').length;
    if (said !== read)
      throw new Error(
        `tsc log not fully understood: its summary says ${plural(said, 'error')}, ${read} ${read === 1 ? 'was' : 'were'} read`,
      );
  }
  return findings;
}

/** A path read relative to `base` (the command's folder), made relative to the workspace root. */
function relativeTo(root: string, base: string, file: string): string {
  if (base === root || isAbsolute(file)) return file;
  const abs = resolve(base, file);
  const rel = relative(root, abs);
  return rel.startsWith('..') || isAbsolute(rel) ? abs : rel.split(sep).join('/');
}

function issuesOf(input: SummarizeQaInput, format: QaFormat): NonNullable<QaSummary['issues']> {
  const all = findingsOf(input, format);
  // ESLint's "File ignored …" is the tool saying it did not check a file (the eslint preset's
  // not_checked_patterns): not a warning to count, but a file whose figures are unknown.
  const lint = format === 'eslint-json' || format === 'eslint-stylish';
  const unchecked = lint ? all.filter((v) => saysNotChecked(v.message)) : [];
  const findings = unchecked.length > 0 ? all.filter((v) => !saysNotChecked(v.message)) : all;
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
  // Files not checked come first, so the cap never drops them; a violation the tool gave no file or
  // line (null) is recorded as '' / 0 in the QA summary format.
  const notChecked: QaIssue[] = unchecked.map((v) => ({
    file: v.file ?? '',
    line: 0,
    rule: NOT_CHECKED_RULE,
    severity: 'info',
    message: v.message,
  }));
  const list: QaIssue[] = [
    ...notChecked,
    ...sorted.slice(0, Math.max(0, MAX_ISSUES - notChecked.length)).map((v) => ({
      file: v.file ?? '',
      line: v.line ?? 0,
      rule: ruleOf(v),
      severity: v.severity,
      message: v.message,
    })),
  ];
  return { errors, warnings, by_rule: byRule, list, truncated: notChecked.length + sorted.length > MAX_ISSUES };
}

const ruleOf = (v: Finding): string => v.rule || '(no rule)';

function testsOf(text: string, format: QaFormat, root: string): TestCounts {
  if (format === 'jest-json') return parseJestJson(stripAnsi(text).trim(), root);
  return format === 'vitest-text' ? parseVitestText(text, root) : parseJestText(text, root);
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
