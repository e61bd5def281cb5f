import { splitCommand } from '@st3/process';
import { St3Error, ValidationCommandSchema, type Diagnostic, type ValidationCommand } from '@st3/schemas';
import { pipelineOf, type TaskRecord } from '../tasks/completeness.js';

// A task's validation commands as written in its file: read into command records, with findings on
// the entries that cannot run as written.

/** Where a task keeps its commands: 1.1 `validation.pipeline`, 1.0 `validation.commands`, or a bare `validation` list. */
export function pipelinePath(task: TaskRecord): (string | number)[] {
  if (Array.isArray(task.validation)) return ['validation'];
  const v = task.validation as Record<string, unknown> | undefined;
  return Array.isArray(v?.pipeline) ? ['validation', 'pipeline'] : ['validation', 'commands'];
}

export const NEEDS_SHELL_HINT =
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
