import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@st3/fs';
import { St3Error, type ValidationCommand, type ValidationResult } from '@st3/schemas';
import { contextDirFor, type EvidenceWorkspace } from '../config.js';
import { readContext, updateContext } from '../context/store.js';
import { attachEvidence } from '../evidence/attach.js';
import { findTask } from '../tasks/find.js';
import { validateTaskFile } from '../tasks/load.js';
import { systemClock, type Clock } from '../util.js';
import { runsThroughShell, runValidationCommand, type RunValidationOptions } from './commands.js';
import { parseCommands } from './task-commands.js';
import { driftResult, validationCommandDrift, type CommandDrift } from './drift.js';

export interface RunTaskValidationOptions extends Omit<RunValidationOptions, 'root' | 'taskStatus' | 'onOutput'> {
  /** Run only these command ids (an unknown id is E_USAGE). */
  commandIds?: readonly string[];
  /** Keep each command's output as `qa_output` evidence (default true): the task's QA artifact of that command. */
  keepOutput?: boolean;
  /** Called before each command runs (progress): the command, its 0-based place and how many will run. */
  onStart?: (command: ValidationCommand, place: { index: number; total: number }) => void;
  clock?: Clock;
}

export interface TaskValidationRun {
  results: ValidationResult[];
  /** The `qa_output` evidence holding each command's output. */
  artifacts: { command_id: string; evidence_id: string }[];
}

/** The status of a task by id (for `blocker_id`), or undefined when no single task file has it. */
export function taskStatusLookup(ws: EvidenceWorkspace): (taskId: string) => Promise<string | undefined> {
  return async (taskId) => {
    try {
      const location = await findTask(ws.root, ws.config.task_dirs, taskId);
      return (await validateTaskFile(location.path, location.file)).status;
    } catch {
      return undefined;
    }
  };
}

/**
 * E_VALIDATION_NO_COMMANDS: the context records no command; the hint names the entries init could not
 * read (once each: init records a finding of the task file with its line:col and again without).
 */
export function noValidationCommands(taskId: string, warnings: readonly { code: string; message: string }[]): St3Error {
  const unreadable = new Map<string, string>();
  for (const w of warnings) {
    if (w.code !== 'W_VALIDATION_COMMAND' && w.code !== 'E_COMMAND_SYNTAX') continue;
    const bare = w.message.replace(/^\d+:\d+ /, '');
    if (!unreadable.has(bare) || bare !== w.message) unreadable.set(bare, w.message);
  }
  const found = [...unreadable.values()];
  const redo = `\`st3 tasks context purge ${taskId}\` and \`st3 tasks context init ${taskId}\``;
  return new St3Error(
    'E_VALIDATION_NO_COMMANDS',
    `${taskId} has no validation command to run: its context records none`,
    {
      hint:
        found.length > 0
          ? `${found.length} entr${found.length === 1 ? 'y' : 'ies'} of the task's validation commands could not be read (${found.join('; ')}); fix them in the task file, then ${redo}`
          : `add validation commands to the task file (validation.pipeline, or validation.commands in schema 1.0), then ${redo}; a context made before they were there records none`,
      details: { task_id: taskId },
    },
  );
}

/** One command's run, whose output is kept as its QA artifact. */
interface RanCommand {
  command: ValidationCommand;
  result: ValidationResult;
  output: string;
  clock: Clock;
}

/** Writes a command's output to the context's qa/ folder and attaches it as `qa_output`; returns the evidence id. */
async function keepCommandOutput(
  ws: EvidenceWorkspace,
  taskId: string,
  { command, result, output, clock }: RanCommand,
  allowShell: boolean | undefined,
): Promise<string> {
  const qaDir = join(contextDirFor(ws, taskId), 'qa');
  const log = join(qaDir, `validation-${command.id}-${clock().toISOString().replace(/[:.]/g, '-')}.log`);
  await mkdir(qaDir, { recursive: true });
  const commandLine = Array.isArray(command.command) ? command.command.join(' ') : command.command;
  const viaShell = runsThroughShell(command, allowShell);
  // The header names the command, so two commands with the same output are still two artifacts.
  await writeFileAtomic(
    log,
    `# st3 validation ${command.id}: ${commandLine}${viaShell ? ' (through sh -c)' : ''} (${result.status}, exit ${result.exit_code ?? 'none'}, ${result.duration_ms} ms)\n${output}`,
  );
  const attached = await attachEvidence(ws, taskId, {
    type: 'qa_output',
    source: log,
    description: `validation ${command.id}: ${commandLine}`.slice(0, 200),
    metadata: {
      command: commandLine,
      command_id: command.id,
      exit_code: result.exit_code ?? -1,
      duration_ms: result.duration_ms,
      status: result.status,
      ...(viaShell ? { shell: true } : {}),
    },
    clock,
  });
  return attached.entry.id;
}

/**
 * Records a run's results in `validation_runs`, and its first results as the validation baseline. The
 * commands not run because the task file drifted from the context are recorded as runs, never as the
 * baseline: a baseline says what the commands gave, and these gave nothing.
 */
async function recordRun(
  ws: EvidenceWorkspace,
  taskId: string,
  results: ValidationResult[],
  drifted: ReadonlySet<ValidationResult>,
  clock: Clock,
): Promise<void> {
  const ran = results.filter((r) => !drifted.has(r));
  await updateContext(
    ws,
    taskId,
    (ctx) => {
      ctx.validation_runs = [...ctx.validation_runs.filter((r) => !results.some((n) => n.id === r.id)), ...results];
      // A baseline holding only `st3 qa record` runs (ids `qa:…`) still takes the first validation results.
      const baseline = ctx.validation_baseline;
      if (ran.length > 0 && (!baseline || baseline.results.every((r) => r.id.startsWith('qa:'))))
        ctx.validation_baseline = {
          ...(baseline ?? {}),
          recorded_at: baseline?.recorded_at ?? clock().toISOString(),
          results: [...(baseline?.results ?? []), ...ran],
        };
    },
    clock,
  );
}

/**
 * Runs a task's validation commands (pre-flight skips, env, cwd, timeout, retries), keeps each ran
 * command's output as `qa_output` evidence (metadata `command`, `command_id`, `exit_code`,
 * `duration_ms`), records the results in the context's `validation_runs`, and the first results as
 * its validation baseline. A run with no command to run (the context records none) is
 * E_VALIDATION_NO_COMMANDS, not an empty pass. A command on which the task file now disagrees with the
 * context (`validationCommandDrift`) is not run: its result is `skipped` with the drift as its reason,
 * which `tallyValidation` counts as not run.
 */
export async function runTaskValidation(
  ws: EvidenceWorkspace,
  taskId: string,
  options: RunTaskValidationOptions = {},
): Promise<TaskValidationRun> {
  const clock = options.clock ?? systemClock;
  const context = await readContext(ws, taskId);
  let commands = parseCommands(context.validation_commands);
  const only = options.commandIds ?? [];
  if (only.length > 0) {
    const unknown = only.filter((c) => !commands.some((k) => k.id === c));
    if (unknown.length > 0)
      throw new St3Error('E_USAGE', `unknown command id ${unknown.join(', ')} for ${taskId}`, {
        hint: `ids: ${commands.map((c) => c.id).join(', ') || '(the task has no validation commands)'}`,
      });
    commands = commands.filter((c) => only.includes(c.id));
  }
  // Running nothing establishes nothing: no verdict, never a pass.
  if (commands.length === 0) throw noValidationCommands(taskId, context.warnings);
  // The context's commands are those of the task file at init. When the file's commands differ now, a
  // command that differs is not run and counts as not run (the run fails and says why): running the
  // context's stale list would silently skip what the file added or changed, and running the file's
  // instead would silently drop what the context was started with. Re-init the context to take the
  // file's commands. A command added to the file joins the run only when no selection was made.
  const drift = await validationCommandDrift(ws, context);
  const drifted = new Map(drift.map((d) => [d.id, d]));
  const results: ValidationResult[] = [];
  const notRun = new Set<ValidationResult>();
  const skip = (d: CommandDrift): ValidationResult => {
    const r = driftResult(d, clock);
    notRun.add(r);
    return r;
  };
  const artifacts: TaskValidationRun['artifacts'] = [];
  for (const [index, command] of commands.entries()) {
    if (options.signal?.aborted) break;
    const stale = drifted.get(command.id);
    if (stale) {
      results.push(skip(stale));
      continue;
    }
    options.onStart?.(command, { index, total: commands.length });
    let output: string | undefined;
    const result = await runValidationCommand(command, {
      ...options,
      root: ws.root,
      taskStatus: taskStatusLookup(ws),
      onOutput: (stdout, stderr) => {
        output = stderr.trim() ? `${stdout}${stdout.endsWith('\n') || stdout === '' ? '' : '\n'}${stderr}` : stdout;
      },
    });
    results.push(result);
    if (output === undefined || options.keepOutput === false) continue;
    const evidenceId = await keepCommandOutput(ws, taskId, { command, result, output, clock }, options.allowShell);
    artifacts.push({ command_id: command.id, evidence_id: evidenceId });
  }
  if (only.length === 0 && !options.signal?.aborted)
    for (const d of drift) if (d.change === 'added') results.push(skip(d));
  await recordRun(ws, taskId, results, notRun, clock);
  return { results, artifacts };
}
