import { errorToJson, exitCodeFor, formatDiagnostic, isSt3Error, St3Error } from '@st3/schemas/errors';
import { isHelpRequested, wantsJson } from './args.js';
import { colorsFor } from './color.js';
import { helpText, type Command, type Subcommands } from './command.js';
import { EXIT, isExitError } from './exit.js';
import type { CliIO } from './io.js';

/**
 * Runs one command and turns whatever it throws into an exit code and, under --json,
 * the DESIGN.md error document `{"ok": false, "error": {...}}`. Never exits the process.
 */
export async function runCommand(command: Command, argv: string[], io: CliIO): Promise<number> {
  try {
    // `x --help` is this command's help; `x sub --help` goes to `sub` (a subcommand's runner, or the
    // argument parser of this command, which throws HelpRequested).
    const first = argv[0];
    if ((argv.includes('--help') || argv.includes('-h')) && (first === undefined || first.startsWith('-'))) {
      io.stdout.write(helpText(command));
      return EXIT.ok;
    }
    const code = await command.run(argv, io);
    return io.signal.aborted ? EXIT.interrupted : code;
  } catch (error) {
    if (isHelpRequested(error)) {
      io.stdout.write(helpText(command));
      return EXIT.ok;
    }
    return reportError(error, argv, io);
  }
}

/** Reports an error the way every ST3 verb does and returns the exit code for it. */
export function reportError(error: unknown, argv: readonly string[], io: CliIO): number {
  if (isExitError(error)) return error.exitCode;
  if (io.signal.aborted || (error as { name?: string })?.name === 'AbortError') {
    if (wantsJson(argv))
      io.stdout.write(`${JSON.stringify({ ok: false, error: { code: 'E_INTERRUPTED', message: 'interrupted' } })}\n`);
    else io.stderr.write('interrupted\n');
    return EXIT.interrupted;
  }
  const st3 = isSt3Error(error)
    ? (error as St3Error)
    : new St3Error('E_INTERNAL', (error as Error)?.message ?? String(error), {
        cause: error,
        hint: 'set ST3_DEBUG=1 for the stack trace',
      });
  if (wantsJson(argv)) {
    io.stdout.write(`${JSON.stringify({ ok: false, error: errorToJson(st3) }, null, 2)}\n`);
  } else {
    const c = colorsFor(io.stderr, io.env);
    const where = st3.file ? `${st3.file}${st3.line ? `:${st3.line}${st3.column ? `:${st3.column}` : ''}` : ''}: ` : '';
    io.stderr.write(`${c.red('error')} ${c.dim(st3.code)} ${where}${st3.message}\n`);
    for (const d of (st3.diagnostics ?? []).slice(1)) io.stderr.write(`  ${formatDiagnostic(d)}\n`);
    if (st3.hint) io.stderr.write(`${c.dim('hint:')} ${st3.hint}\n`);
  }
  if (io.env.ST3_DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  return exitCodeFor(st3.code);
}

/** Dispatches `argv[0]` to one of `subcommands` (e.g. `st3 review approve ...`), with help for the group. */
export async function dispatchSubcommand(
  parent: Command,
  subcommands: Subcommands,
  argv: string[],
  io: CliIO,
  defaultSub?: string,
): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h') {
    if (first === undefined && defaultSub) return runCommand(subcommands[defaultSub]!, [], io);
    io.stdout.write(helpText(parent, subcommands));
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  const sub = subcommands[first];
  if (!sub) {
    if (defaultSub && first.startsWith('-')) return runCommand(subcommands[defaultSub]!, argv, io);
    return reportError(
      new St3Error('E_USAGE', `unknown command "${parent.name} ${first}"`, {
        hint: `one of: ${Object.keys(subcommands).join(', ')}`,
      }),
      argv,
      io,
    );
  }
  return runCommand(sub, rest, io);
}

/** A lazily loaded top-level command: the summary is known without importing anything heavy. */
export interface LazyCommand {
  summary: string;
  load(): Promise<Command>;
}

export interface CliDefinition {
  name: string;
  version: string;
  description: string;
  commands: Record<string, LazyCommand>;
}

/** The git-style entry: `<name> <command> [args]`, `--help`, `--version`. Returns the exit code. */
export async function runCli(cli: CliDefinition, argv: string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--version' || first === '-v') {
    io.stdout.write(`${cli.version}\n`);
    return EXIT.ok;
  }
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.stdout.write(cliHelp(cli));
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  const entry = cli.commands[first];
  if (!entry) {
    return reportError(
      new St3Error('E_USAGE', `unknown command "${first}"`, {
        hint: `run "${cli.name} --help" for the list of commands`,
      }),
      argv,
      io,
    );
  }
  let command: Command;
  try {
    command = await entry.load();
  } catch (error) {
    return reportError(error, argv, io);
  }
  return runCommand(command, rest, io);
}

export function cliHelp(cli: CliDefinition): string {
  const names = Object.keys(cli.commands);
  const width = Math.max(...names.map((n) => n.length));
  const lines = [
    `${cli.name} ${cli.version}: ${cli.description}`,
    '',
    `Usage: ${cli.name} <command> [args] [--json]`,
    '',
    'Commands:',
  ];
  for (const name of names) lines.push(`  ${name.padEnd(width)}  ${cli.commands[name]!.summary}`);
  lines.push(
    '',
    `Run "${cli.name} <command> --help" for a command's options and examples.`,
    'Exit codes: 0 ok, 1 problems found, 2 usage or configuration error, 3 tool or runtime failure, 130 interrupted.',
  );
  return `${lines.join('\n')}\n`;
}

/**
 * A lazy entry for a command that lives in an area app's `cli.commands` table, so the
 * `st3` entry can list it (summary) without importing the app.
 */
export function lazyFromArea(
  summary: string,
  loadArea: () => Promise<{ cli: CliDefinition }>,
  name: string,
): LazyCommand {
  return {
    summary,
    async load() {
      const { cli } = await loadArea();
      const entry = cli.commands[name];
      if (!entry)
        throw new St3Error('E_USAGE', `"${name}" is not available in this build of ${cli.name}`, {
          hint: 'run "st3 --help" for the list of commands',
        });
      return entry.load();
    },
  };
}
