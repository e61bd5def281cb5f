import { mkdir, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { runProcess } from '@st3/process';
import { writeFileAtomic, writeJsonAtomic } from '@st3/fs';
import {
  St3Error,
  type Diagnostic,
  type EvidenceEntry,
  type QaKind,
  type QaSummary,
  type TelemetryHandle,
  type ValidationResult,
} from '@st3/schemas';
import { contextDirFor, type EvidenceWorkspace } from '../config.js';
import { readContext, updateContext } from '../context/store.js';
import { attachEvidence } from '../evidence/attach.js';
import { systemClock, type Clock } from '../util.js';
import { compareQa, type QaDriftReport } from './drift.js';
import { qaNotMeasured } from './measured.js';
import { keptOutput, QA_OUTPUT_LIMIT } from './output.js';
import { MAX_RUNS, qaMetadataOf, readRunsDocument, readRunsFile, RUNS_FILE } from './runs.js';
import { summarizeQa } from './summarize.js';

export interface RecordQaOptions {
  /** The command as the user ran it (recorded, and the key of its baseline). */
  command: string;
  exitCode: number | null;
  durationMs: number;
  /** The log: a path (relative to the workspace root or absolute). */
  log: string;
  kind?: QaKind;
  /** The folder the command ran in (relative paths in its output resolve from it). */
  cwd?: string;
  /** `auto` (default): the first run of a command becomes its baseline. `always`: this run replaces it. `never`. */
  baseline?: 'auto' | 'always' | 'never';
  clock?: Clock;
  /** Counts the JSON documents read from the log (see `summarizeQa`). */
  telemetry?: TelemetryHandle;
  /** The log is only the head of the output (see `keptOutput`): why. The run is then not measured. */
  cut?: string;
}

export interface RecordQaResult {
  summary: QaSummary;
  evidence: EvidenceEntry;
  /** True when this run is now the baseline of its command. */
  baseline: boolean;
  /** The drift against the baseline that was in place (absent when this run became the first baseline). */
  drift?: QaDriftReport;
  /** Why this run measured nothing (killed, failed with nothing read, no test ran, nothing covered): it is no baseline. */
  notMeasured?: string;
  warnings: Diagnostic[];
}

/** Every recorded QA summary of a task, oldest first (the last {@link MAX_RUNS}). */
export function readQaRuns(ws: EvidenceWorkspace, taskId: string): Promise<QaSummary[]> {
  return readRunsFile(contextDirFor(ws, taskId));
}

/** The baseline QA summaries of a task, by `<kind>:<command>` key. */
export async function readQaBaselines(ws: EvidenceWorkspace, taskId: string): Promise<Record<string, QaSummary>> {
  const context = await readContext(ws, taskId);
  return context.validation_baseline?.qa ?? {};
}

/** The text of a QA log, or E_FILE_NOT_FOUND / E_FILE_READ naming the log as the user gave it. */
async function readQaLog(logPath: string, log: string): Promise<string> {
  try {
    return await readFile(logPath, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new St3Error(
      missing ? 'E_FILE_NOT_FOUND' : 'E_FILE_READ',
      `cannot read the QA log ${log}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      { file: log, hint: 'give the log file the command wrote (relative to the workspace root)' },
    );
  }
}

/** A QA run as a validation result (its id `qa:<key>`), started its duration before `now`. */
function qaValidationResult(summary: QaSummary, now: Date): ValidationResult {
  return {
    id: `qa:${summary.key}`.slice(0, 200),
    status: summary.exit_code === 0 ? 'passed' : summary.exit_code === null ? 'error' : 'failed',
    exit_code: summary.exit_code,
    expected: summary.exit_code === 0,
    duration_ms: summary.duration_ms,
    attempts: 1,
    timed_out: false,
    stdout_tail: summary.headline,
    stderr_tail: '',
    started_at: new Date(now.getTime() - summary.duration_ms).toISOString(),
  };
}

/** Appends a summary to the context's `qa/runs.json`, which keeps the last {@link MAX_RUNS}. */
async function appendQaRun(dir: string, summary: QaSummary): Promise<void> {
  const runsFile = join(dir, RUNS_FILE);
  await mkdir(join(dir, 'qa'), { recursive: true });
  // Fields the schema does not know (another tool's) are written back as they were.
  const file = await readRunsDocument(dir, true);
  await writeJsonAtomic(runsFile, { ...file, runs: [...file.runs, summary].slice(-MAX_RUNS) });
}

/**
 * Records one QA run: reads its log into a summary (see `summarizeQa`), attaches the log as
 * `qa_output` evidence (metadata command, exit_code, duration_ms, kind, format, headline), appends
 * the summary to `qa/runs.json` and a validation result to the context's `validation_runs`, and
 * keeps the first run of each command as its baseline in `validation_baseline.qa`. A run that measured
 * nothing (`notMeasured`) is recorded but never becomes the baseline, whatever `baseline` says; a
 * measured run replaces a stored baseline that measured nothing (one recorded before this rule).
 */
export async function recordQa(
  ws: EvidenceWorkspace,
  taskId: string,
  options: RecordQaOptions,
): Promise<RecordQaResult> {
  const clock = options.clock ?? systemClock;
  const logPath = isAbsolute(options.log) ? options.log : resolve(ws.root, options.log);
  const text = await readQaLog(logPath, options.log);
  const now = clock();
  const cwd = options.cwd === undefined ? undefined : resolve(ws.root, options.cwd);
  const draft = summarizeQa({
    text,
    command: options.command,
    exitCode: options.exitCode,
    durationMs: options.durationMs,
    root: ws.root,
    recordedAt: now.toISOString(),
    ...(options.kind ? { kind: options.kind } : {}),
    ...(cwd ? { cwd } : {}),
    ...(options.telemetry ? { telemetry: options.telemetry } : {}),
    ...(options.cut !== undefined ? { cut: options.cut } : {}),
  });
  const attached = await attachEvidence(ws, taskId, {
    type: 'qa_output',
    source: logPath,
    allowOutside: true,
    description: `QA ${draft.kind}: ${options.command}`.slice(0, 200),
    // qa_output metadata needs an integer exit code: -1 stands for "killed, no exit code" (the summary keeps null).
    metadata: qaMetadataOf(draft),
    clock,
  });
  const summary: QaSummary = { ...draft, evidence_id: attached.entry.id };
  const notMeasured = qaNotMeasured(summary);
  const mode = options.baseline ?? 'auto';
  return updateContext(
    ws,
    taskId,
    async (context, dir) => {
      const previous = context.validation_baseline?.qa?.[summary.key];
      const makeBaseline =
        !notMeasured && (mode === 'always' || (mode === 'auto' && (!previous || !!qaNotMeasured(previous))));
      const result = qaValidationResult(summary, now);
      // The latest run of each command, as `st3 tasks run-validation` keeps them; the history is qa/runs.json.
      context.validation_runs = [...context.validation_runs.filter((r) => r.id !== result.id), result];
      if (makeBaseline) {
        const baseline = context.validation_baseline ?? { recorded_at: summary.recorded_at, results: [] };
        baseline.qa = { ...baseline.qa, [summary.key]: summary };
        baseline.results = [...baseline.results.filter((r) => r.id !== result.id), result];
        context.validation_baseline = baseline;
      }
      await appendQaRun(dir, summary);
      return {
        summary,
        evidence: attached.entry,
        baseline: makeBaseline,
        ...(previous ? { drift: compareQa(previous, summary) } : {}),
        ...(notMeasured ? { notMeasured } : {}),
        warnings: attached.warnings,
      };
    },
    clock,
  );
}

export interface RunQaOptions extends Omit<RecordQaOptions, 'log' | 'exitCode' | 'durationMs'> {
  /** The program and its arguments (never through a shell). */
  argv: readonly string[];
  timeoutMs?: number;
  signal?: AbortSignal;
  env?: Record<string, string | undefined>;
  /** A report file the command writes (e.g. `coverage/coverage-summary.json`), recorded instead of its output. */
  report?: string;
}

/**
 * Runs a QA command (argv, no shell) with the quality-gates process runner, keeps its output as
 * `qa/<kind-or-run>-<time>.log` in the task context, and records it — or, with `report`, the report
 * file the command wrote (coverage runs: `coverage/coverage-summary.json`, relative to the command's folder).
 * Output over the qa_output evidence limit is kept cut at it, and such a run is not measured (see `keptOutput`).
 */
export async function runQa(
  ws: EvidenceWorkspace,
  taskId: string,
  options: RunQaOptions,
): Promise<RecordQaResult & { exitCode: number | null }> {
  await readContext(ws, taskId);
  const cwd = options.cwd === undefined ? ws.root : resolve(ws.root, options.cwd);
  const report = options.report === undefined ? undefined : resolve(cwd, options.report);
  const before = report === undefined ? undefined : await fileStamp(report);
  const run = await runProcess({
    argv: options.argv,
    cwd,
    // No more than the log may hold as evidence; whatever the cap, a truncated run is cut (keptOutput).
    maxOutputBytes: QA_OUTPUT_LIMIT,
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  if (run.error && run.exitCode === null && !run.timedOut) throw run.error;
  const clock = options.clock ?? systemClock;
  const stamp = clock().toISOString().replace(/[:.]/g, '-');
  const log = join(contextDirFor(ws, taskId), 'qa', `${options.kind ?? 'run'}-${stamp}.log`);
  await mkdir(join(contextDirFor(ws, taskId), 'qa'), { recursive: true });
  const output = keptOutput(run);
  await writeFileAtomic(log, output.text);
  if (report !== undefined) await checkReportWritten(report, before, { ...options, exitCode: run.exitCode, log });
  const recorded = await recordQa(ws, taskId, {
    ...options,
    log: report ?? log,
    exitCode: run.exitCode,
    durationMs: run.durationMs,
    command: options.command,
    // A report file is read whole; only the output itself can have been cut.
    ...(report === undefined && output.cut !== undefined ? { cut: output.cut } : {}),
  }).catch((error: unknown) => {
    // Nothing was recorded: say where the output st3 kept is.
    if (!(error instanceof St3Error) || error.code !== 'E_QA_LOG_UNREADABLE' || report !== undefined) throw error;
    throw new St3Error(error.code, error.message, { hint: `${error.hint ?? ''}; its output is kept in ${log}` });
  });
  return { ...recorded, exitCode: run.exitCode };
}

/** What tells one write of a file from another: inode, size, change and modification times (ns). */
async function fileStamp(file: string): Promise<string | undefined> {
  try {
    const s = await stat(file, { bigint: true });
    return `${s.ino}:${s.size}:${s.ctimeNs}:${s.mtimeNs}`;
  } catch {
    return undefined;
  }
}

/**
 * The report must be this run's: missing, or the very file that was there before the run (a
 * command that crashed before writing leaves the previous run's report in place), is E_FILE_NOT_FOUND
 * — never summarized as this run's figures. Compared by stat rather than by clock, so a coarse or
 * skewed file-system clock cannot make an old report look new.
 */
async function checkReportWritten(
  report: string,
  before: string | undefined,
  run: { command: string; report?: string; exitCode: number | null; log: string },
): Promise<void> {
  const after = await fileStamp(report);
  if (after !== undefined && after !== before) return;
  const stale = after !== undefined;
  throw new St3Error(
    'E_FILE_NOT_FOUND',
    `"${run.command}" exited with ${run.exitCode ?? 'no exit code'} and wrote no ${run.report}` +
      (stale ? ": the one there is from before the run (not written during it), so it is not this run's report" : ''),
    { file: run.report, hint: `its output is kept in ${run.log}` },
  );
}

/**
 * The verdict of a recorded run (DESIGN.md: exit 1 = the check ran and found problems), the same for
 * `st3 qa record` and the MCP `qa_record`: the run failed (non-zero exit), was killed, measured nothing,
 * its own figures show failing tests or errors, or its drift against the baseline regressed. The
 * figures count apart from the exit code: a log recorded without `--exit-code` is taken as exit 0,
 * and a command run as `… || true` exits 0 whatever it found.
 */
export function qaRecordFailed(r: RecordQaResult): boolean {
  const s = r.summary;
  const found = (s.tests?.failed ?? 0) > 0 || (s.issues?.errors ?? 0) > 0;
  return s.exit_code !== 0 || found || r.notMeasured !== undefined || r.drift?.regression === true;
}
