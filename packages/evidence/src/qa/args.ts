// The argument checks of `st3 qa record` and the MCP qa_record tool: one place decides what a request means.
import { splitCommandOrThrow } from '@st3/process';
import { St3Error } from '@st3/schemas';

/** What a caller of `qa record` gave: a command line, a program to run, or a log a command already wrote. */
export interface QaRecordRequest {
  /** The command as people read it (run, split into argv without a shell, when neither argv nor log is given). */
  command?: string;
  /** Run this program with these arguments (no shell). */
  argv?: readonly string[];
  /** An existing log to record instead of running anything. */
  log?: string;
  /** With `log`: the exit code of the command that wrote it (default 0). */
  exitCode?: number;
  /** With `log`: how long it ran (default 0). */
  durationMs?: number;
  /** With a command that is run: the report file it writes, recorded instead of its output. */
  report?: string;
}

/** A checked request: record `log`, or run `argv`; `command` is what is recorded either way. */
export type QaRecordPlan =
  | { mode: 'log'; command: string; log: string; exitCode: number; durationMs: number }
  | { mode: 'run'; command: string; argv: string[]; report?: string };

/**
 * Checks a `qa record` request (every problem is E_USAGE, exit 2): a command must be named (`command`
 * or `argv`, not blank); a duration is not negative; a log goes with neither `argv` nor `report`; `exitCode` goes only with a log (a command
 * that is run reports its own). A `command` alone is split into argv (E_COMMAND_SYNTAX when it needs a shell).
 */
export function planQaRecord(request: QaRecordRequest): QaRecordPlan {
  const argv = request.argv ?? [];
  const command = request.command ?? (argv.length > 0 ? argv.join(' ') : undefined);
  // A blank command would be recorded under the key `<kind>:`, naming no command.
  if (!command?.trim())
    throw new St3Error('E_USAGE', 'say which command: a command line, or a program and its arguments to run', {
      hint: 'st3 qa record <task> --command "…" or -- <argv…>; MCP qa_record: command or argv',
    });
  if (request.log !== undefined) {
    if (argv.length > 0)
      throw new St3Error('E_USAGE', 'give either a log (--log) or a command to run (after --, or argv), not both');
    if (request.report !== undefined)
      throw new St3Error('E_USAGE', 'a report goes with a command that is run; with a log, pass the report as the log');
    const durationMs = request.durationMs ?? 0;
    // A negative duration would fail as invalid evidence metadata, naming no argument of qa record.
    if (!Number.isFinite(durationMs) || durationMs < 0)
      throw new St3Error('E_USAGE', `a duration of ${durationMs} ms: how long the command ran is 0 ms or more`, {
        hint: 'st3 qa record … --duration-ms N (MCP qa_record: durationMs), or leave it out (0)',
      });
    return {
      mode: 'log',
      command,
      log: request.log,
      exitCode: request.exitCode ?? 0,
      durationMs,
    };
  }
  if (request.exitCode !== undefined)
    throw new St3Error('E_USAGE', 'an exit code needs a log (a command that is run reports its own exit code)');
  return {
    mode: 'run',
    command,
    argv: argv.length > 0 ? [...argv] : splitCommandOrThrow(command),
    ...(request.report !== undefined ? { report: request.report } : {}),
  };
}
