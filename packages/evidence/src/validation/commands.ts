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
function pipelinePath(task: TaskRecord): (string | number)[] {
  if (Array.isArray(task.validation)) return ['validation'];
  const v = task.validation as Record<string, unknown> | undefined;
  return Array.isArray(v?.pipeline) ? ['validation', 'pipeline'] : ['validation', 'commands'];
}

/**
 * Commands written as one string that need a shell (`;`, `&&`, `|`, `$(`, backticks, redirections...)
 * without `shell: true`: E_COMMAND_SYNTAX errors with the path of the string and, in `column`, the
 * 1-based position of the offending character inside it. ST3 never runs such a string through a shell
 * by itself (issue: a `command:` string ran through `sh -c`).
 */
export function commandSyntaxErrors(task: TaskRecord): (Diagnostic & { offset: number })[] {
  const out: (Diagnostic & { offset: number })[] = [];
  const base = pipelinePath(task);
  (pipelineOf(task) ?? []).forEach((raw, i) => {
    const record = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : undefined;
    const command = typeof raw === 'string' ? raw : record?.command;
    if (typeof command !== 'string' || record?.shell === true) return;
    const split = splitCommand(command);
    if (split.ok) return;
    out.push({
      code: 'E_COMMAND_SYNTAX',
      severity: 'error',
      path: typeof raw === 'string' ? [...base, i] : [...base, i, 'command'],
      offset: split.error.index,
      message: `validation command ${JSON.stringify(command)}: ${split.error.message} at column ${split.error.column} of the command`,
      hint:
        split.error.token !== undefined
          ? 'write the command as a list of arguments, or set `shell: true` to run it through sh -c on purpose'
          : 'close the quote, or write the command as a list of arguments',
    });
  });
  return out;
}

/**
 * Validation commands from a task's `validation.pipeline` (or 1.0 `validation.commands`). An entry
 * may be a full command record (id, command, cwd, env, expected_paths, blocker_id, timeout_ms, retry,
 * expected_exit_codes); a plain `{command, description}` or string becomes one. A command string is
 * split into argv by POSIX quoting rules and runs without a shell; one that needs a shell runs only
 * with `shell: true` and is otherwise left out with an E_COMMAND_SYNTAX finding (see `commandSyntaxErrors`).
 */
export function commandsFromTask(task: TaskRecord): { commands: ValidationCommand[]; warnings: Diagnostic[] } {
  const pipeline = pipelineOf(task) ?? [];
  const commands: ValidationCommand[] = [];
  const warnings: Diagnostic[] = [];
  const refused = new Map(commandSyntaxErrors(task).map((d) => [d.path![pipelinePath(task).length] as number, d]));
  pipeline.forEach((raw, i) => {
    const syntax = refused.get(i);
    if (syntax) {
      warnings.push({
        code: syntax.code,
        severity: 'error',
        path: syntax.path,
        message: syntax.message,
        hint: syntax.hint,
      });
      return;
    }
    const entry: Record<string, unknown> =
      typeof raw === 'string'
        ? { command: raw }
        : raw && typeof raw === 'object'
          ? { ...(raw as Record<string, unknown>) }
          : {};
    if (entry.id === undefined) entry.id = `cmd-${i + 1}`;
    if (typeof entry.command === 'string' && entry.shell !== true) {
      const split = splitCommand(entry.command);
      if (split.ok) entry.command = split.argv;
    }
    const parsed = ValidationCommandSchema.safeParse(entry);
    if (!parsed.success) {
      warnings.push({
        code: 'W_VALIDATION_COMMAND',
        severity: 'warning',
        path: ['validation', 'pipeline', i],
        message: `validation.pipeline[${i}] is not a runnable command: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      });
      return;
    }
    if (commands.some((c) => c.id === parsed.data.id)) {
      warnings.push({
        code: 'W_VALIDATION_COMMAND',
        severity: 'warning',
        path: ['validation', 'pipeline', i],
        message: `duplicate command id ${parsed.data.id}; the later one is left out`,
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
}

/** Why a command cannot run now, or undefined when it can. */
export async function preflight(
  command: ValidationCommand,
  options: RunValidationOptions,
): Promise<string | undefined> {
  if (command.blocker_id) {
    const status = await options.taskStatus?.(command.blocker_id);
    if (status !== 'completed') return `blocker ${command.blocker_id} is ${status ?? 'not found'}, not completed`;
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

/** Runs one command: pre-flight, then up to `retry.attempts` runs with backoff, the process tree killed on timeout. */
export async function runValidationCommand(
  command: ValidationCommand,
  options: RunValidationOptions,
): Promise<ValidationResult> {
  const clock = options.clock ?? systemClock;
  const startedAt = clock().toISOString();
  const tailLines = options.tailLines ?? 40;
  const skip = await preflight(command, options);
  if (skip)
    return {
      id: command.id,
      status: 'skipped',
      skip_reason: skip,
      exit_code: null,
      expected: false,
      duration_ms: 0,
      attempts: 0,
      timed_out: false,
      stdout_tail: '',
      stderr_tail: '',
      started_at: startedAt,
    };
  const argv = commandArgv(command.command, { shell: command.shell });
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
