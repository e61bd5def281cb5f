import { readFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { QualityConfig, TestsConfig } from '@st3/schemas';
import { St3Error } from '@st3/schemas/errors';
import { findGitRoot } from '@st3/fs';
import { runProcess, tail } from '@st3/process';
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
  if (reportPath) await rm(reportPath, { force: true });
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
  let text = run.stdout;
  if (reportPath) {
    try {
      text = await readFile(reportPath, 'utf8');
    } catch {
      throw new St3Error(
        'E_TEST_OUTPUT',
        `the test command wrote no report at ${cfg.report_file} (exit code ${run.exitCode})`,
        { hint: 'check tests.command and tests.report_file', details: { stderr: tail(run.stderr) } },
      );
    }
  }
  let counts: TestCounts;
  try {
    counts = cfg.format === 'pytest' ? parsePytestJunit(text, root) : parseJestJson(extractJson(text), root);
  } catch (error) {
    throw new St3Error('E_TEST_OUTPUT', `cannot read the ${cfg.format} result: ${(error as Error).message}`, {
      hint:
        cfg.format === 'pytest'
          ? 'run pytest with --junitxml=FILE and set tests.report_file'
          : `run ${cfg.format} with its JSON reporter`,
      details: { stderr: tail(run.stderr) },
    });
  }
  // No test that passed is no evidence (a wrong include glob with passWithNoTests, everything skipped).
  const ok = counts.failed === 0 && run.exitCode === 0 && counts.passed > 0;
  return {
    ...counts,
    ok,
    summary: summarizeTests(counts, run.durationMs, ok),
    duration_ms: run.durationMs,
    exit_code: run.exitCode,
  };
}

/** `✗ 2 failed, 40 passed, 1 skipped (43 tests) · 3.1s`; `✗ no test passed: …` when none failed and none passed. */
export function summarizeTests(c: TestCounts, durationMs: number, ok = c.failed === 0 && c.passed > 0): string {
  const parts = [
    c.failed > 0 ? `${c.failed} failed` : '',
    `${c.passed} passed`,
    c.skipped > 0 ? `${c.skipped} skipped` : '',
  ].filter(Boolean);
  const none = c.failed === 0 && c.passed === 0 ? 'no test passed: ' : '';
  return `${ok ? '✓' : '✗'} ${none}${parts.join(', ')} (${c.total} test${c.total === 1 ? '' : 's'}) · ${(durationMs / 1000).toFixed(1)}s`;
}

/** Reporters on stdout may be preceded by other output: take from the first `{` line. */
function extractJson(text: string): string {
  const t = text.trim();
  if (t.startsWith('{')) return t;
  const m = /^\{/m.exec(t);
  return m ? t.slice(m.index) : t;
}
