import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import picomatch from 'picomatch';
import { commandArgv, runProcess, splitCommand, tail } from '@st3/process';
import {
  St3Error,
  ValidationCommandSchema,
  type Diagnostic,
  type ValidationCommand,
  type ValidationResult,
} from '@st3/schemas';
import { isInside, systemClock, type Clock } from '../util.js';
import { pipelineOf, type TaskRecord } from '../tasks/completeness.js';

/** Where a task keeps its commands: 1.1 `validation.pipeline`, 1.0 `validation.commands`, or a bare `validation` list. */
export function pipelinePath(task: TaskRecord): (string | number)[] {
  if (Array.isArray(task.validation)) return ['validation'];
  const v = task.validation as Record<string, unknown> | undefined;
  return Array.isArray(v?.pipeline) ? ['validation', 'pipeline'] : ['validation', 'commands'];
}

const NEEDS_SHELL_HINT =
  'write the command as a list of arguments, set `shell: true` on it, or run `st3 tasks run-validation <task> --shell` to run it through sh -c as the original tasks CLI did';

/** `validation.commands[2]`: the display form of a path in the task. */
const pathText = (path: readonly (string | number)[]): string =>
  path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');

/**
 * The command of one pipeline entry and the key it is under: the entry itself when it is a string,
 * else its `command`, or its `cmd` (how the original tasks CLI's 1.0 files write it:
 * `validation.commands: [{cmd: "pnpm turbo run typecheck", description: …}]`).
 */
function entryCommand(raw: unknown): { command: unknown; key?: 'command' | 'cmd' } {
  if (typeof raw === 'string') return { command: raw };
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { command: undefined };
  const record = raw as Record<string, unknown>;
  if (record.command !== undefined) return { command: record.command, key: 'command' };
  if (record.cmd !== undefined) return { command: record.cmd, key: 'cmd' };
  return { command: undefined };
}

/** One pipeline entry as a command record (id `cmd-<n>` when it has none; `cmd` read as `command`; a string split into argv). */
function entryRecord(raw: unknown, i: number): Record<string, unknown> {
  const entry: Record<string, unknown> =
    typeof raw === 'string'
      ? { command: raw }
      : raw && typeof raw === 'object' && !Array.isArray(raw)
        ? { ...(raw as Record<string, unknown>) }
        : {};
  const { command, key } = entryCommand(raw);
  if (key === 'cmd') {
    entry.command = command;
    delete entry.cmd;
  }
  if (entry.id === undefined) entry.id = `cmd-${i + 1}`;
  if (typeof entry.command === 'string' && entry.shell !== true) {
    const split = splitCommand(entry.command);
    if (split.ok) entry.command = split.argv;
  }
  return entry;
}

const UNREADABLE_HINT =
  'write the entry as a command string, or as a mapping with `command:` (a string or a list of arguments; 1.0 files may write `cmd:`) and optionally description, cwd, env, expected_paths, blocker_id, timeout_ms, retry, expected_exit_codes';

/**
 * The `W_VALIDATION_COMMAND` finding on a pipeline entry that cannot be read as a command (no command,
 * a value of the wrong type), or undefined. Its path is where the problem is in the task: the entry, or
 * the field of it that is wrong (`validation.commands[0].cmd`), so the file position can be reported.
 */
function unreadableEntry(raw: unknown, i: number, base: (string | number)[]): Diagnostic | undefined {
  const parsed = ValidationCommandSchema.safeParse(entryRecord(raw, i));
  if (parsed.success) return undefined;
  const at = [...base, i];
  const { key } = entryCommand(raw);
  const isRecord = raw !== null && typeof raw === 'object' && !Array.isArray(raw);
  const issue = parsed.error.issues[0];
  let path: (string | number)[] = at;
  let reason: string;
  if (!isRecord && typeof raw !== 'string')
    reason = `it is ${raw === null ? 'null' : Array.isArray(raw) ? 'a list' : `a ${typeof raw}`}, not a command string or a mapping`;
  else if (!key) reason = 'it has no `command` (or `cmd`)';
  else {
    const field = issue?.path.map((p) => (typeof p === 'symbol' ? String(p) : p)) ?? [];
    // The schema's `command` is the file's `cmd` when the entry writes that.
    const inFile = field[0] === 'command' ? [key, ...field.slice(1)] : field;
    const record = raw as Record<string, unknown>;
    if (inFile.length > 0 && typeof inFile[0] === 'string' && record[inFile[0]] !== undefined)
      path = [...at, ...inFile];
    reason =
      field[0] === 'command'
        ? `its \`${key}\` is not a command string or a list of argument strings`
        : `${inFile.length > 0 ? `${inFile.join('.')}: ` : ''}${issue?.message ?? 'invalid'}`;
  }
  return {
    code: 'W_VALIDATION_COMMAND',
    severity: 'warning',
    path,
    message: `${pathText(at)} is not a runnable command (${reason}); it is left out of the task's validation commands`,
    hint: UNREADABLE_HINT,
  };
}

/**
 * Findings on a task's validation commands, each with its path in the task (`file:line:col` is added by
 * `validateTaskText`; `offset` is the 0-based position of the offending character in the string at that path):
 * - a command written as one string (without `shell: true`) that needs a shell (`&&`, `||`, `|`, `$(`,
 *   backticks, redirections, `$VAR`, globs) is a `W_COMMAND_NEEDS_SHELL` warning — task files written for
 *   the original tasks CLI, which ran such strings through a shell, are valid as they are (ADR 0103); ST3
 *   still never runs a shell nobody asked for: `run-validation` refuses the command unless the task or the
 *   run says so;
 * - one with an unterminated quote or a trailing backslash is an `E_COMMAND_SYNTAX` error (no shell
 *   would run it either);
 * - an entry that cannot be read as a command at all (no `command`/`cmd`, a value of the wrong type) is a
 *   `W_VALIDATION_COMMAND` warning: it is left out of the commands `commandsFromTask` returns.
 */
export function commandSyntaxErrors(task: TaskRecord): (Diagnostic & { offset: number })[] {
  const out: (Diagnostic & { offset: number })[] = [];
  const base = pipelinePath(task);
  (pipelineOf(task) ?? []).forEach((raw, i) => {
    const unreadable = unreadableEntry(raw, i, base);
    if (unreadable) {
      out.push({ ...unreadable, offset: 0 });
      return;
    }
    const record = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : undefined;
    const { command, key } = entryCommand(raw);
    if (typeof command !== 'string' || record?.shell === true) return;
    const split = splitCommand(command);
    if (split.ok) return;
    const needsShell = split.error.token !== undefined;
    out.push({
      code: needsShell ? 'W_COMMAND_NEEDS_SHELL' : 'E_COMMAND_SYNTAX',
      severity: needsShell ? 'warning' : 'error',
      path: key ? [...base, i, key] : [...base, i],
      offset: split.error.index,
      message: needsShell
        ? `validation command ${JSON.stringify(command)} needs a shell: ${split.error.message} at column ${split.error.column} of the command; run-validation refuses it without a shell`
        : `validation command ${JSON.stringify(command)}: ${split.error.message} at column ${split.error.column} of the command`,
      hint: needsShell ? NEEDS_SHELL_HINT : 'close the quote, or write the command as a list of arguments',
    });
  });
  return out;
}

/**
 * Validation commands from a task's `validation.pipeline` (or 1.0 `validation.commands`). An entry
 * may be a full command record (id, command, cwd, env, expected_paths, blocker_id, timeout_ms, retry,
 * expected_exit_codes); a plain `{command, description}`, a 1.0 `{cmd, description}` or a string becomes
 * one. A command string is split into argv by POSIX quoting rules and runs without a shell. One that
 * needs a shell is kept as written (so it still counts, e.g. for QA coverage) with a
 * `W_COMMAND_NEEDS_SHELL` warning: `runValidationCommand` refuses it unless `shell: true` or
 * `allowShell`. One that no shell could run either (unterminated quote) is left out with its
 * E_COMMAND_SYNTAX finding, and an entry that is no command at all with its W_VALIDATION_COMMAND
 * finding (see `commandSyntaxErrors`, which `validateTaskText` reports at file:line:col).
 */
export function commandsFromTask(task: TaskRecord): { commands: ValidationCommand[]; warnings: Diagnostic[] } {
  const pipeline = pipelineOf(task) ?? [];
  const commands: ValidationCommand[] = [];
  const warnings: Diagnostic[] = [];
  const base = pipelinePath(task);
  const findings = new Map(commandSyntaxErrors(task).map((d) => [d.path![base.length] as number, d]));
  pipeline.forEach((raw, i) => {
    const finding = findings.get(i);
    if (finding) {
      const { offset: _offset, ...rest } = finding;
      warnings.push(rest);
      if (finding.severity === 'error' || finding.code === 'W_VALIDATION_COMMAND') return;
    }
    const parsed = ValidationCommandSchema.safeParse(entryRecord(raw, i));
    // Every entry that does not parse has its W_VALIDATION_COMMAND finding above.
    if (!parsed.success) return;
    if (commands.some((c) => c.id === parsed.data.id)) {
      warnings.push({
        code: 'W_VALIDATION_COMMAND',
        severity: 'warning',
        path: [...base, i],
        message: `${pathText([...base, i])}: duplicate command id ${parsed.data.id}; the later one is left out`,
      });
      return;
    }
    commands.push(parsed.data);
  });
  return { commands, warnings };
}

export function parseCommands(raw: readonly unknown[]): ValidationCommand[] {
  const out: ValidationCommand[] = [];
  raw.forEach((c, i) => {
    const parsed = ValidationCommandSchema.safeParse(c);
    if (!parsed.success)
      throw new St3Error(
        'E_VALIDATION_COMMAND',
        `validation command ${i}: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      );
    if (out.some((o) => o.id === parsed.data.id))
      throw new St3Error('E_VALIDATION_COMMAND', `duplicate validation command id ${parsed.data.id}`);
    out.push(parsed.data);
  });
  return out;
}

export interface RunValidationOptions {
  /** Workspace root; `cwd` of a command is relative to it and may not leave it. */
  root: string;
  /** Base environment (the CLI passes the process environment); the command's env and `extraEnv` go on top. */
  env?: Record<string, string | undefined>;
  extraEnv?: Record<string, string>;
  /** The status of a task by id, for `blocker_id` (undefined = unknown task). */
  taskStatus?: (taskId: string) => Promise<string | undefined>;
  signal?: AbortSignal;
  clock?: Clock;
  /** Waits between retries; tests pass a fake one. */
  sleep?: (ms: number) => Promise<void>;
  /** Lines kept of stdout and stderr (default 40). */
  tailLines?: number;
  /** Receives the whole output of the last attempt (to keep it as a QA artifact). */
  onOutput?: (stdout: string, stderr: string) => void | Promise<void>;
  /**
   * Run a command string that needs a shell through `sh -c`, as the original tasks CLI did (the user's
   * explicit choice, e.g. `st3 tasks run-validation --shell`). Without it such a string is refused:
   * status `error` with E_COMMAND_SYNTAX, nothing run.
   */
  allowShell?: boolean;
}

/** The skip reason of a command whose blocker task is not completed (see {@link notRunReason}). */
const BLOCKER_WAIT = /^blocker .+ is .+, not completed$/;

/**
 * Why a command cannot run now, or undefined when it can: its blocker task is not completed (the wait
 * the task file asks for), or a pre-flight problem (cwd missing, not a folder or outside the workspace,
 * an expected path missing). The command is then `skipped` with this as its `skip_reason`; see
 * {@link tallyValidation} for which of these count as a pass (none does).
 */
export async function preflight(
  command: ValidationCommand,
  options: RunValidationOptions,
): Promise<string | undefined> {
  if (command.blocker_id) {
    const status = await options.taskStatus?.(command.blocker_id);
    // A blocker that names no task is a mistake in the task file, not a wait: the command would never
    // run, so it is "not run" (a failure), never a neutral skip.
    if (status === undefined)
      return `blocker ${command.blocker_id} names no task: no single task file with that id has a status`;
    if (status !== 'completed') return `blocker ${command.blocker_id} is ${status}, not completed`;
  }
  const cwd = resolve(options.root, command.cwd);
  if (!isInside(resolve(options.root), cwd)) return `cwd ${command.cwd} is outside the workspace`;
  try {
    if (!(await stat(cwd)).isDirectory()) return `cwd ${command.cwd} is not a folder`;
  } catch {
    return `cwd ${command.cwd} does not exist`;
  }
  for (const pattern of command.expected_paths) {
    if (!(await globExists(cwd, pattern))) return `expected path ${pattern} is missing`;
  }
  return undefined;
}

/** Does anything under `base` match `pattern` (a path or a glob, relative to base)? */
async function globExists(base: string, pattern: string): Promise<boolean> {
  const scan = picomatch.scan(pattern);
  if (!scan.isGlob) {
    try {
      await stat(resolve(base, pattern));
      return true;
    } catch {
      return false;
    }
  }
  const match = picomatch(pattern, { dot: true });
  const start = resolve(base, scan.base || '.');
  const walk = async (dir: string, depth: number): Promise<boolean> => {
    if (depth > 32) return false;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return false;
    }
    for (const e of entries) {
      const abs = join(dir, e.name);
      const rel = abs
        .slice(base.length + 1)
        .split('\\')
        .join('/');
      if (match(rel)) return true;
      if (e.isDirectory() && e.name !== 'node_modules' && e.name !== '.git' && (await walk(abs, depth + 1)))
        return true;
    }
    return false;
  };
  return walk(start, 0);
}

/**
 * The argv a command runs as: a list as is; a string split by POSIX rules, or `sh -c` when `shell: true`
 * or when it needs a shell and the run allows one; otherwise why it is refused (E_COMMAND_SYNTAX).
 */
export function argvFor(command: ValidationCommand, allowShell = false): string[] | { refused: string } {
  if (typeof command.command !== 'string' || command.shell)
    return commandArgv(command.command, { shell: command.shell });
  const split = splitCommand(command.command);
  if (split.ok) return split.argv;
  if (split.error.token !== undefined && allowShell) return ['sh', '-c', command.command];
  return {
    refused: `E_COMMAND_SYNTAX: ${JSON.stringify(command.command)}: ${split.error.message} at column ${split.error.column}; not run (${split.error.token !== undefined ? NEEDS_SHELL_HINT : 'close the quote, or write the command as a list of arguments'})`,
  };
}

/** Does this command run through `sh -c` (its own `shell: true`, or a string that needs a shell in a run that allows one)? */
export function runsThroughShell(command: ValidationCommand, allowShell = false): boolean {
  const argv = argvFor(command, allowShell);
  return (
    Array.isArray(argv) &&
    typeof command.command === 'string' &&
    argv[0] === 'sh' &&
    argv[1] === '-c' &&
    argv.length === 3 &&
    argv[2] === command.command
  );
}

/** Runs one command: pre-flight, then up to `retry.attempts` runs with backoff, the process tree killed on timeout. */
export async function runValidationCommand(
  command: ValidationCommand,
  options: RunValidationOptions,
): Promise<ValidationResult> {
  const clock = options.clock ?? systemClock;
  const startedAt = clock().toISOString();
  const tailLines = options.tailLines ?? 40;
  const skip = await preflight(command, options);
  if (skip) return skippedResult(command.id, skip, startedAt);
  const argv = argvFor(command, options.allowShell === true);
  if (!Array.isArray(argv)) {
    const { skip_reason: _, ...notStarted } = skippedResult(command.id, '', startedAt);
    return { ...notStarted, status: 'error', error: argv.refused };
  }
  const env = { ...(options.env ?? {}), ...command.env, ...(options.extraEnv ?? {}) };
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let attempts = 0;
  let total = 0;
  for (;;) {
    attempts++;
    const result = await runProcess({
      argv,
      cwd: resolve(options.root, command.cwd),
      env,
      timeoutMs: command.timeout_ms,
      signal: options.signal,
    });
    total += result.durationMs;
    const expected = result.exitCode !== null && command.expected_exit_codes.includes(result.exitCode);
    const done =
      expected || attempts >= command.retry.attempts || result.aborted || result.error?.code === 'E_TOOL_NOT_FOUND';
    if (done) {
      await options.onOutput?.(result.stdout, result.stderr);
      const error = result.error ? `${result.error.code}: ${result.error.message}` : undefined;
      return {
        id: command.id,
        status: expected ? 'passed' : result.error && !result.timedOut ? 'error' : 'failed',
        exit_code: result.exitCode,
        expected,
        duration_ms: total,
        attempts,
        timed_out: result.timedOut,
        stdout_tail: tail(result.stdout, tailLines),
        stderr_tail: tail(result.stderr, tailLines),
        ...(error ? { error } : {}),
        started_at: startedAt,
      };
    }
    await sleep(command.retry.backoff_ms * command.retry.factor ** (attempts - 1));
  }
}

/**
 * Why a selected command did not run because of a pre-flight problem (its cwd is missing, not a folder
 * or outside the workspace; an expected path is missing), or undefined (it ran, was refused, or waits
 * on its blocker task). Such a command is not a pass: nothing was checked. A skip whose reason is not a
 * blocker wait counts as not run, whatever the reason says.
 */
export function notRunReason(result: Pick<ValidationResult, 'status' | 'skip_reason'>): string | undefined {
  if (result.status !== 'skipped') return undefined;
  const reason = result.skip_reason ?? 'skipped without a reason';
  return BLOCKER_WAIT.test(reason) ? undefined : reason;
}

/** The verdict over the results of a validation run: what `run-validation`, `st3 run` and MCP report. */
export interface ValidationTally {
  /**
   * True when at least one command passed and none failed, errored (could not start, timed out, refused)
   * or was not run because of a pre-flight problem. Commands waiting on a blocker task are neutral: they
   * neither pass nor fail, but a run in which nothing passed (every command waiting, or no command at
   * all) checked nothing and is not ok.
   */
  ok: boolean;
  total: number;
  passed: number;
  /** `failed` or `error`. */
  failed: number;
  /** Selected but not run because of a pre-flight problem (see {@link notRunReason}): not a pass. */
  not_run: number;
  /** Skipped while their blocker task is not completed (neutral: not checked, not failed). */
  skipped: number;
  /** Each command not run, with why. */
  notRun: { id: string; reason: string }[];
}

export function tallyValidation(results: readonly ValidationResult[]): ValidationTally {
  const notRun: ValidationTally['notRun'] = [];
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const r of results) {
    const reason = notRunReason(r);
    if (reason !== undefined) notRun.push({ id: r.id, reason });
    else if (r.status === 'passed') passed++;
    else if (r.status === 'skipped') skipped++;
    else failed++;
  }
  return {
    // Nothing ran, nothing checked: no pass (as E_VALIDATION_NO_COMMANDS refuses a run with no command).
    ok: passed > 0 && failed === 0 && notRun.length === 0,
    total: results.length,
    passed,
    failed,
    not_run: notRun.length,
    skipped,
    notRun,
  };
}

/** The result of a command that was not run, with why (`skip_reason`). */
export function skippedResult(id: string, reason: string, startedAt: string): ValidationResult {
  return {
    id,
    status: 'skipped',
    skip_reason: reason,
    exit_code: null,
    expected: false,
    duration_ms: 0,
    attempts: 0,
    timed_out: false,
    stdout_tail: '',
    stderr_tail: '',
    started_at: startedAt,
  };
}
