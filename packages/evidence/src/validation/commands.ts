import { resolve } from 'node:path';
import { commandArgv, runProcess, splitCommand, tail } from '@st3/process';
import type { ValidationCommand, ValidationResult } from '@st3/schemas';
import { systemClock, type Clock } from '../util.js';
import { preflight } from './preflight.js';
import { skippedResult } from './tally.js';
import { NEEDS_SHELL_HINT } from './task-commands.js';

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
