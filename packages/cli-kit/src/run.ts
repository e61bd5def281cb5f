import { errorToJson, exitCodeFor, formatDiagnostic, isSt3Error, St3Error } from '@st3/schemas/errors';
import { colorsFor } from './color.js';
import { wantsHelp, wantsJson, wantsNoColor } from './common.js';
import { EXIT, isExitError } from './exit.js';
import { helpText, usageLine } from './help.js';
import type { CliIO } from './io.js';
import { parseCommand } from './parse.js';
import type { Command } from './spec.js';
import { didYouMean, suggest } from './suggest.js';

/** An own property of a name table (never `constructor` or `toString` from the prototype). */
export function entryOf<T>(table: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

/**
 * Runs a command (descending into its subcommands) and turns whatever it throws into an exit code
 * and, under --json, the DESIGN.md error document `{"ok": false, "error": {...}}`. Never exits the process.
 * `path` is the command as typed so far (`st3 gates`), for help and hints.
 */
export async function runCommand(
  command: Command,
  argv: string[],
  io: CliIO,
  path: string = command.name,
): Promise<number> {
  let args = argv;
  try {
    // An older form (`st3 tasks --init-context ID --format json`) runs as the command it stands for; its
    // errors are reported by the rewritten arguments (so `--json` there gives the JSON error document).
    const alias = command.argvAliases ? await command.argvAliases(argv) : undefined;
    if (alias) {
      args = alias.argv;
      return await dispatch(alias.command, alias.argv, io, alias.path);
    }
    return await dispatch(command, argv, io, path);
  } catch (error) {
    return reportError(error, args, io);
  }
}

/** The command `argv` names below `command` (subcommand words are consumed), and what is left for it. */
export function resolveCommand(command: Command, argv: readonly string[], path: string) {
  let node = command;
  let rest = [...argv];
  let where = path;
  for (let sub = entryOf(node.subcommands, rest[0] ?? ''); sub; sub = entryOf(node.subcommands, rest[0] ?? '')) {
    where = `${where} ${rest[0]}`;
    node = sub;
    rest = rest.slice(1);
  }
  return { node, rest, path: where };
}

async function dispatch(command: Command, argv: string[], io: CliIO, path: string): Promise<number> {
  const found = resolveCommand(command, argv, path);
  let { node, path: where } = found;
  const rest = found.rest;
  if (wantsHelp(rest)) {
    io.stdout.write(helpText(node, where));
    return EXIT.ok;
  }
  const hasSubcommands = Object.keys(node.subcommands).length > 0;
  if (hasSubcommands && !node.run) {
    const first = rest[0];
    // A word that is not a subcommand is a typo of one, unless the default subcommand takes arguments
    // and the word is not close to any subcommand name (`st3 gates src/a.ts` = `st3 gates run src/a.ts`).
    const fallback = node.defaultSubcommand ? node.subcommands[node.defaultSubcommand] : undefined;
    const names = Object.keys(node.subcommands);
    if (first !== undefined && !first.startsWith('-') && (!fallback?.args.length || suggest(first, names).length > 0))
      throw unknownCommand(where, first, names);
    if (!node.defaultSubcommand) {
      if (first === undefined) {
        io.stdout.write(helpText(node, where));
        return EXIT.usage;
      }
      throw new St3Error('E_USAGE', `"${where}" needs a command before ${first}`, {
        hint: `one of: ${Object.keys(node.subcommands).join(', ')}`,
      });
    }
    where = `${where} ${node.defaultSubcommand}`;
    node = node.subcommands[node.defaultSubcommand]!;
  }
  if (!node.run) throw new St3Error('E_INTERNAL', `"${where}" has nothing to run`);
  const parsed = parseCommand(node, rest, where);
  const warn = colorsFor(io.stderr, io.env, parsed.common.noColor).yellow('warning');
  if (!parsed.common.quiet) for (const w of parsed.warnings) io.stderr.write(`${warn}: ${w}\n`);
  const usage = usageLine(node, where);
  const code = await node.run({
    ...parsed,
    io,
    argv: rest,
    path: where,
    usage,
    usageError: (message, hint) => new St3Error('E_USAGE', message, { hint: hint ?? `usage: ${usage}` }),
  });
  return io.signal.aborted ? EXIT.interrupted : code;
}

/** `unknown command "st3 gates lsit"` with a "did you mean" hint (and the suggestions in the JSON details). */
export function unknownCommand(path: string, word: string, known: readonly string[]): St3Error {
  const close = suggest(word, known);
  const more = `run "${path} --help" for the list of commands`;
  return new St3Error('E_USAGE', `unknown command "${path} ${word}"`, {
    hint: close.length > 0 ? `${didYouMean(word, close)} (${more})` : more,
    ...(close.length > 0 ? { details: { suggestions: close } } : {}),
  });
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
    const c = colorsFor(io.stderr, io.env, wantsNoColor(argv));
    const where = st3.file ? `${st3.file}${st3.line ? `:${st3.line}${st3.column ? `:${st3.column}` : ''}` : ''}: ` : '';
    io.stderr.write(`${c.red('error')} ${c.dim(st3.code)} ${where}${st3.message}\n`);
    for (const d of (st3.diagnostics ?? []).slice(1)) io.stderr.write(`  ${formatDiagnostic(d)}\n`);
    if (st3.hint) io.stderr.write(`${c.dim('hint:')} ${st3.hint}\n`);
  }
  if (io.env.ST3_DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  return exitCodeFor(st3.code);
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

/** The git-style entry: `<name> <command> [args]`, `help [command...]`, `--help`, `--version`. Returns the exit code. */
export async function runCli(cli: CliDefinition, argv: string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--version' || first === '-v') {
    io.stdout.write(`${cli.version}\n`);
    return EXIT.ok;
  }
  if (first === undefined || first === '--help' || first === '-h' || (first === 'help' && rest.length === 0)) {
    io.stdout.write(cliHelp(cli));
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  if (first === 'help') return runCli(cli, [...rest.filter((a) => !a.startsWith('-')), '--help'], io);
  try {
    const entry = entryOf(cli.commands, first);
    if (!entry) {
      if (first.startsWith('-'))
        throw new St3Error('E_USAGE', `unknown option ${first}`, {
          hint: `options go after the command, e.g. "${cli.name} <command> ${first}"; run "${cli.name} --help"`,
        });
      throw unknownCommand(cli.name, first, Object.keys(cli.commands));
    }
    const command = await entry.load();
    return await runCommand(command, rest, io, `${cli.name} ${first}`);
  } catch (error) {
    return reportError(error, argv, io);
  }
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
    `Run "${cli.name} <command> --help" (or "${cli.name} help <command>") for a command's options and examples.`,
    'Exit codes: 0 ok, 1 problems found, 2 usage or configuration error, 3 tool or runtime failure, 130 interrupted (Ctrl-C), 143 stopped by SIGTERM.',
  );
  return `${lines.join('\n')}\n`;
}

/** Loads every command of a CLI (for completion scripts and the help test; `--help` itself loads none). */
export async function loadCommandTree(cli: CliDefinition): Promise<Record<string, Command>> {
  const tree: Record<string, Command> = {};
  for (const [name, entry] of Object.entries(cli.commands)) tree[name] = await entry.load();
  return tree;
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
      const entry = entryOf(cli.commands, name);
      if (!entry)
        throw new St3Error('E_USAGE', `"${name}" is not available in this build of ${cli.name}`, {
          hint: 'run "st3 --help" for the list of commands',
        });
      return entry.load();
    },
  };
}
