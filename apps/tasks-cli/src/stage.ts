import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { RunStage, StageContext, StageReport } from '@st3/cli-kit';
import type * as EvidenceModule from '@st3/evidence';
import type { EvidenceWorkspace, TaskFileDrift, TaskLocation, TaskVerdict, VerifyReport } from '@st3/evidence';
import type { TaskContext, ValidationResult } from '@st3/schemas';
import type { TelemetryCollector } from '@st3/telemetry';

type Evidence = typeof EvidenceModule;

/** The task's context: the one it has, used as it is, or a new one when it has none. */
interface OpenedContext {
  context: TaskContext;
  created: boolean;
  warnings: { code: string; message: string }[];
}

/**
 * Opens the context of the stage's task without ever destroying one: an existing context (with the
 * evidence, QA runs, snapshots and telemetry a user or agent put in it) is used as it is; only a task
 * without one gets a new context (`init` never overwrites one either: its task snapshot is immutable).
 */
async function openContext(ev: Evidence, ws: EvidenceWorkspace, id: string, file: string): Promise<OpenedContext> {
  if (existsSync(join(ev.contextDirFor(ws, id), ev.CONTEXT_FILE)))
    return { context: await ev.readContext(ws, id), created: false, warnings: [] };
  try {
    const init = await ev.initContext(ws, file, { tool: 'st3 run' });
    return { context: init.context, created: true, warnings: init.warnings };
  } catch (error) {
    // Another process created it meanwhile: use that one.
    if ((error as { code?: unknown } | null)?.code !== 'E_CONTEXT_EXISTS') throw error;
    return { context: await ev.readContext(ws, id), created: false, warnings: [] };
  }
}

/**
 * Runs the context's validation commands one after the other; each command that ran (not a skipped
 * one) goes into the stage's telemetry.
 */
async function runValidationCommands(
  ev: Evidence,
  ws: EvidenceWorkspace,
  ctx: StageContext,
  context: TaskContext,
  telemetry: TelemetryCollector | undefined,
): Promise<ValidationResult[]> {
  const commands = ev.parseCommands(context.validation_commands);
  // As `st3 tasks run-validation`: a command on which the task file now disagrees with the context is
  // not run and counts as not run (the context's list is stale; re-init it to take the file's).
  const drift = await ev.validationCommandDrift(ws, context);
  const drifted = new Map(drift.map((d) => [d.id, d]));
  const results = [];
  for (const command of commands) {
    const stale = drifted.get(command.id);
    if (stale) {
      results.push(ev.driftResult(stale));
      continue;
    }
    const result = await ev.runValidationCommand(command, {
      root: ctx.root,
      env: ctx.io.env,
      signal: ctx.io.signal,
      taskStatus: ev.taskStatusLookup(ws),
    });
    if (result.status !== 'skipped')
      telemetry?.command(
        Array.isArray(command.command) ? command.command : [command.command],
        result.exit_code ?? null,
        result.duration_ms ?? 0,
      );
    results.push(result);
  }
  for (const d of drift) if (d.change === 'added') results.push(ev.driftResult(d));
  return results;
}

/** What the stage found on its task, for its report. */
interface TaskEvidence {
  task: TaskLocation;
  opened: OpenedContext;
  results: ValidationResult[];
  verify: VerifyReport;
  /** Absent when the stage created the context: only an existing one is checked for drift. */
  drift: TaskFileDrift | undefined;
}

/** The report's notes on an existing context: it was used as it is, and whether its snapshot or task file drifted. */
function existingContextNotes({ task, opened, drift }: TaskEvidence): string[] {
  if (opened.created) return [];
  const snapshotIntact = drift?.snapshot_intact ?? true;
  return [
    `using the existing context of ${task.id} (created ${opened.context.manifest.created_at}): nothing in it removed`,
    ...(snapshotIntact ? [] : [`the task snapshot of ${task.id} no longer matches its SHA-256`]),
    ...(drift?.task_file_changed
      ? [`the task file changed since the context's snapshot (st3 tasks context diff ${task.id})`]
      : []),
  ];
}

/** One report line for a validation result: not run (and why), or its status with its skip reason, refusal or exit code. */
function resultLine(ev: Evidence, r: ValidationResult): string {
  const reason = ev.notRunReason(r);
  if (reason !== undefined) return `not run ${r.id} (${reason})`;
  return `${r.status} ${r.id}${r.skip_reason ? ` (${r.skip_reason})` : r.attempts === 0 && r.error ? ` not run: ${r.error}` : ` exit ${r.exit_code}`}`;
}

/** The stage's report: the validation tally, the verified attachments and, for an existing context, its drift. */
function evidenceReport(ev: Evidence, found: TaskEvidence): StageReport {
  const { task, opened, results, verify: report, drift } = found;
  const { context } = opened;
  // A command not run because of a pre-flight problem is not a pass; one waiting on its blocker is neutral.
  const tally = ev.tallyValidation(results);
  const notRun =
    tally.not_run > 0
      ? `, ${tally.not_run} not run (${tally.notRun.map((n) => `${n.id}: ${n.reason}`).join('; ')})`
      : '';
  const skipped = tally.skipped > 0 ? `, ${tally.skipped} skipped (waiting on a blocker task)` : '';
  // Running nothing validates nothing (as `st3 tasks run-validation`): never a pass.
  const summaryText =
    results.length === 0
      ? `${task.id}: no validation command to run (nothing validated)`
      : `${task.id}: ${tally.passed}/${results.length} validation command(s) passed${notRun}${skipped}`;
  const snapshotIntact = drift?.snapshot_intact ?? true;
  return {
    stage: 'evidence',
    ok: results.length > 0 && tally.ok && report.ok && snapshotIntact,
    summary: `${summaryText}; ${report.checked} attachment(s) verified ${report.ok ? 'intact' : 'with problems'}; ${context.standards.length} standards excerpt(s)`,
    lines: [...existingContextNotes(found), ...results.map((r) => resultLine(ev, r))],
    data: {
      task: task.id,
      context: opened.created ? 'created' : 'existing',
      results,
      counts: { passed: tally.passed, failed: tally.failed, not_run: tally.not_run, skipped: tally.skipped },
      verify: report,
      standards: context.standards.map((s) => `${s.file}#${s.section}`),
    },
  };
}

/**
 * The stage's work on its task in `ws`: open its context, attach the task file, run the validation
 * commands, save the telemetry (not on a dry run) and verify the evidence.
 */
async function collectTaskEvidence(
  ev: Evidence,
  ctx: StageContext,
  ws: EvidenceWorkspace,
  task: TaskLocation,
  dryRun: boolean,
): Promise<TaskEvidence> {
  const opened = await openContext(ev, ws, task.id, task.file);
  // The stage's own telemetry file is replaced by each run (what this run read and ran); the
  // context's other files are left as they are.
  const telemetry = dryRun
    ? undefined
    : (await import('@st3/telemetry')).createCollector({
        agent: 'st3-run-evidence',
        taskId: task.id,
        dir: ev.contextDirFor(ws, task.id),
      });
  const attached = await ev.attachEvidence(ws, task.id, {
    type: 'file',
    source: task.file,
    description: 'the task file as worked on',
    signal: ctx.io.signal,
  });
  telemetry?.fileRead(relative(ctx.root, task.file), attached.entry.size);
  const results = await runValidationCommands(ev, ws, ctx, opened.context, telemetry);
  for (const w of opened.warnings) telemetry?.warn('warning', w.message);
  await telemetry?.save();
  const verify = await ev.verifyEvidence(ws, task.id);
  // A context the stage did not create is verified too: its task snapshot must still match its SHA-256.
  const drift = opened.created ? undefined : await ev.taskFileDrift(ws, opened.context);
  return { task, opened, results, verify, drift };
}

/**
 * `st3 run` evidence stage: on the workspace's first open task, validate it, create its context when it
 * has none (an existing context is used as it is, never purged), attach evidence, run its validation
 * commands and verify the evidence. The context is kept in the workspace (with the stage's telemetry, so
 * the metrics stage shows the task's criteria); on a dry run a new context goes to a scratch folder and
 * the workspace is not written to.
 */
export const evidenceStage: RunStage = {
  name: 'evidence',
  title: 'task context and evidence: init, attach, validate, verify',
  async run(ctx): Promise<StageReport> {
    const ev = await import('@st3/evidence');
    const base = await ev.loadTasksConfig(ctx.root);
    const { tasks, verdicts } = await ev.listTasks(ctx.root, base.config.task_dirs);
    // An invalid task file is a finding of this stage, never a reason to skip it: left out of the
    // choice of a task to work on, it would otherwise make a workspace of broken tasks look green.
    const invalid = verdicts.filter((v) => !v.ok);
    const task = tasks.find((t) => t.ok && t.status !== 'completed');
    const where = base.config.task_dirs.join(', ');
    if (!task)
      return invalid.length === 0
        ? { stage: 'evidence', ok: true, skipped: true, summary: `no complete, open task in ${where}` }
        : withInvalidTasks(ev, { stage: 'evidence', ok: true, summary: `no valid, open task in ${where}` }, invalid);
    const scratch = ctx.dryRun ? await mkdtemp(join(tmpdir(), 'st3-evidence-')) : undefined;
    try {
      const ws = scratch
        ? { root: ctx.root, config: { ...base.config, context_dir: relative(ctx.root, scratch) } }
        : { root: ctx.root, config: base.config };
      const report = evidenceReport(ev, await collectTaskEvidence(ev, ctx, ws, task, scratch !== undefined));
      return withInvalidTasks(ev, report, invalid);
    } finally {
      if (scratch) await rm(scratch, { recursive: true, force: true });
    }
  },
};

/**
 * The report with the invalid task files added: the stage fails, its summary says how many, and each
 * error is a located line (`file:line:col: CODE message`, as `st3 tasks validate` prints it).
 */
function withInvalidTasks(ev: Evidence, report: StageReport, invalid: readonly TaskVerdict[]): StageReport {
  if (invalid.length === 0) return report;
  const located = invalid.flatMap((v) =>
    v.errors.map(
      (d) => `${d.file ?? v.file}${d.line !== undefined ? `:${d.line}:${d.column ?? 1}` : ''}: ${d.code} ${d.message}`,
    ),
  );
  const data = report.data && typeof report.data === 'object' ? (report.data as Record<string, unknown>) : {};
  return {
    ...report,
    ok: false,
    summary: `${invalid.length} invalid task file(s) (st3 tasks validate); ${report.summary}`,
    lines: [...located, ...(report.lines ?? [])],
    data: { ...data, invalid_tasks: invalid.map((v) => ev.taskVerdictJson(v)) },
  };
}
