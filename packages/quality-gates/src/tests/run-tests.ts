import { readFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { QualityConfig, TestsConfig } from '@st3/schemas';
import { St3Error } from '@st3/schemas/errors';
import { findGitRoot } from '@st3/fs';
import { runProcess, tail } from '@st3/process';
import { stripAnsi } from '../parse/normalize.js';
import { toolEnv } from '../run/execute.js';
import { parseJestJson, parsePytestJunit, type TestCounts } from './parse-results.js';

export interface TestRunResult extends TestCounts {
  ok: boolean;
  summary: string;
  duration_ms: number;
  exit_code: number | null;
}

export interface RunTestsOptions {
  /** Workspace root. */
  cwd: string;
  /** The `tests` section of quality.yaml. */
  config: TestsConfig;
  signal?: AbortSignal;
  env?: Record<string, string | undefined>;
}

const TESTS_HINT = 'add tests: {command: [...], format: vitest|jest|pytest, report_file: ...}';

/**
 * The `tests` section of the quality.yaml at `path` (`st3 test`, MCP `run_tests`): `E_CONFIG_INVALID` naming
 * the file when there is none. `orElse` extends the hint with the caller's other way to name a command.
 */
export function requireTestsConfig(config: QualityConfig, path: string, orElse?: string): TestsConfig {
  if (config.tests) return config.tests;
  throw new St3Error('E_CONFIG_INVALID', `${path} has no tests section`, {
    file: path,
    hint: orElse ? `${TESTS_HINT}, or ${orElse}` : TESTS_HINT,
  });
}

/**
 * Runs the project's test command and reads its result (vitest/jest JSON, pytest JUnit XML).
 * Tests are not a gate: this never touches the gate baseline.
 */
export async function runTests(options: RunTestsOptions): Promise<TestRunResult> {
  const root = resolve(options.cwd);
  const cfg = options.config;
  const workDir = cfg.working_dir ? resolve(root, cfg.working_dir) : root;
  const reportPath = cfg.report_file ? resolve(workDir, cfg.report_file) : undefined;
  if (reportPath) await removeStaleReport(reportPath, cfg.report_file ?? reportPath);
  const run = await runProcess({
    argv: cfg.command,
    cwd: workDir,
    // The project's node_modules/.bin first on PATH, as `npm test` would have it.
    env: toolEnv(options.env ?? process.env, workDir, findGitRoot(root) ?? root),
    signal: options.signal,
    timeoutMs: cfg.timeout_seconds ? cfg.timeout_seconds * 1000 : undefined,
    maxOutputBytes: 64 * 1024 * 1024,
  });
  if (run.error) throw run.error;
  const ended = howItEnded(run.exitCode, run.signal);
  let text = run.stdout;
  if (reportPath) {
    try {
      text = await readFile(reportPath, 'utf8');
    } catch {
      throw new St3Error(
        'E_TEST_OUTPUT',
        `the test command wrote no report at ${cfg.report_file} (${ended})${stderrCause(run.stderr)}`,
        { hint: 'check tests.command and tests.report_file', details: { stderr: tail(run.stderr) } },
      );
    }
  }
  let counts: TestCounts;
  try {
    // Paths in a report are the runner's: relative ones are relative to the folder it ran in.
    counts =
      cfg.format === 'pytest' ? parsePytestJunit(text, root, workDir) : parseJestJson(extractJson(text), root, workDir);
  } catch (error) {
    // A runner that crashed before its report is told as such, not as a JSON syntax error.
    const crashed = run.exitCode === 0 ? '' : `the test command ${ended}; `;
    throw new St3Error(
      'E_TEST_OUTPUT',
      `${crashed}cannot read the ${cfg.format} result: ${(error as Error).message}${stderrCause(run.stderr)}`,
      {
        hint:
          (error instanceof St3Error && error.hint) ||
          (cfg.format === 'pytest'
            ? 'run pytest with --junitxml=FILE and set tests.report_file'
            : `run ${cfg.format} with its JSON reporter`),
        details: { stderr: tail(run.stderr) },
      },
    );
  }
  // No test that passed is no evidence (a wrong include glob with passWithNoTests, everything skipped).
  const ok = counts.failed === 0 && run.exitCode === 0 && counts.passed > 0;
  // A red run with no failing test says why: the runner was killed or failed outside any test.
  const why = counts.failed === 0 && run.exitCode !== 0 ? `, but the test command ${ended}` : '';
  return {
    ...counts,
    ok,
    summary: summarizeTests(counts, run.durationMs, ok, why),
    duration_ms: run.durationMs,
    exit_code: run.exitCode,
  };
}

/**
 * `✗ 2 failed, 40 passed, 1 skipped (43 tests) · 3.1s`; `✗ no test passed: …` when none failed and none
 * passed; `why` goes before the duration (`…(3 tests), but the test command was killed by SIGKILL · 1.5s`).
 */
export function summarizeTests(
  c: TestCounts,
  durationMs: number,
  ok = c.failed === 0 && c.passed > 0,
  why = '',
): string {
  const parts = [
    c.failed > 0 ? `${c.failed} failed` : '',
    `${c.passed} passed`,
    c.skipped > 0 ? `${c.skipped} skipped` : '',
  ].filter(Boolean);
  const none = c.failed === 0 && c.passed === 0 ? 'no test passed: ' : '';
  return `${ok ? '✓' : '✗'} ${none}${parts.join(', ')} (${c.total} test${c.total === 1 ? '' : 's'})${why} · ${(durationMs / 1000).toFixed(1)}s`;
}

/** An earlier run's report goes first, so a command that writes none cannot pass on it. */
async function removeStaleReport(path: string, shown: string): Promise<void> {
  try {
    await rm(path, { force: true });
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ERR_FS_EISDIR' ? 'is a folder' : (error as Error).message;
    throw new St3Error('E_FILE_READ', `the test report ${shown} cannot be replaced: ${why}`, {
      file: path,
      hint: 'tests.report_file (or --report) names the file the test command writes, not a folder',
    });
  }
}

function howItEnded(exitCode: number | null, signal: NodeJS.Signals | null): string {
  return exitCode === null ? `was killed by ${signal ?? 'a signal'}` : `exited with code ${exitCode}`;
}

/**
 * What the runner said went wrong, for a message (the text renderer does not show `details`): its first
 * error line (`Error: …`, pytest's `ImportError while …`), else its last line that is no stack frame.
 */
function stderrCause(stderr: string): string {
  const lines = stripAnsi(stderr)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('at '));
  const line = lines.find((l) => /^(?:E\s+)?[\w.]*(?:Error|Exception)\b/.test(l)) ?? lines.at(-1) ?? '';
  return line ? `; stderr: ${line.length > 300 ? `${line.slice(0, 300)}…` : line}` : '';
}

/**
 * A JSON report on stdout may have other output around it (`npm test`'s header, a second reporter such as
 * vitest's default one after it): the one object starting a line that parses and has `testResults`.
 * Several such objects are several runs (`pnpm -r test`): refused, no one of them is the result. None:
 * the text from the first `{` line, for the reader to say what is wrong with it.
 */
function extractJson(text: string): string {
  const reports: string[] = [];
  let after = 0;
  for (const start of text.matchAll(/^\{/gm)) {
    if (start.index < after) continue; // a line inside a report already taken
    const end = objectEnd(text, start.index);
    if (end === undefined) break;
    const candidate = text.slice(start.index, end);
    if (isJestReport(candidate)) {
      reports.push(candidate);
      after = end;
    }
  }
  if (reports.length > 1)
    throw new St3Error('E_TEST_OUTPUT', `the output holds ${reports.length} JSON reports (several test runs)`, {
      hint: 'run one test command, or have it write one report file and set tests.report_file',
    });
  if (reports[0] !== undefined) return reports[0];
  const t = text.trim();
  const m = /^\{/m.exec(t);
  return m ? t.slice(m.index) : t;
}

function isJestReport(candidate: string): boolean {
  try {
    const doc = JSON.parse(candidate) as { testResults?: unknown } | null;
    return doc !== null && typeof doc === 'object' && Array.isArray(doc.testResults);
  } catch {
    return false;
  }
}

/** Where the JSON object opening at `from` closes (one pass, strings skipped), or undefined if it never does. */
function objectEnd(text: string, from: number): number | undefined {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return undefined;
}
