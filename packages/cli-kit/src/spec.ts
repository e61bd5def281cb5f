import type { St3Error } from '@st3/schemas/errors';
import { COMMON_OPTIONS, type CommonFlags } from './common.js';
import type { CliIO } from './io.js';

/** How a shell completes a value: file names, folder names, or nothing (free text). */
export type Completion = 'file' | 'directory' | 'none';

interface OptionBase {
  /** One sentence for --help (wrapped to the terminal-independent width of 100 columns). */
  description: string;
  /** A one-letter alias: `short: 'q'` accepts `-q`. */
  short?: string;
  /** The placeholder help shows after the flag (`--out FILE`); by type when absent. */
  valueName?: string;
  /** Other long names, shown in help and completed. */
  aliases?: readonly string[];
  /** Old long names still accepted, with a deprecation warning on stderr; neither shown nor completed. */
  deprecatedAliases?: readonly string[];
  /** Accepted but left out of help and completion. */
  hidden?: boolean;
  /** The option still works but is on its way out: help marks it, using it warns with this text. */
  deprecated?: string;
  /** Repeatable: every occurrence is kept, in order (`values.x` is an array). */
  multiple?: boolean;
  /** What the shell completes for the value (default: by value name — FILE/PATH → file, DIR → directory). */
  complete?: Completion;
}

export interface StringOptionSpec extends OptionBase {
  type: 'string';
  default?: string;
}

export interface BooleanOptionSpec extends OptionBase {
  type: 'boolean';
  default?: boolean;
}

/** A number; `integer`, `min` and `max` are checked by the parser (a usage error names the flag). */
export interface NumberOptionSpec extends OptionBase {
  type: 'number';
  integer?: boolean;
  min?: number;
  max?: number;
  default?: number;
}

/** One of `choices`; a wrong value is a usage error with a "did you mean" (code `errorCode`, default E_USAGE). */
export interface EnumOptionSpec<C extends string = string> extends OptionBase {
  type: 'enum';
  choices: readonly C[];
  default?: C;
  errorCode?: string;
}

export type OptionSpec = StringOptionSpec | BooleanOptionSpec | NumberOptionSpec | EnumOptionSpec;
export type OptionsSpec = Readonly<Record<string, OptionSpec>>;

/** A positional argument. Only the last may be variadic. */
export interface ArgSpec {
  name: string;
  description: string;
  /** A missing required argument is a usage error (a required variadic one needs at least one value). */
  required?: boolean;
  /** Takes every remaining positional (an array, possibly empty unless required). */
  variadic?: boolean;
  /** Allowed values, checked by the parser and completed by the shell (code `errorCode`, default E_USAGE). */
  choices?: readonly string[];
  errorCode?: string;
  /** What the shell completes (default: files, or the choices). */
  complete?: Completion;
}

/** Arguments after `--` handed through untouched (`st3 test -- pytest -x`). */
export interface PassthroughSpec {
  name: string;
  description: string;
}

type Scalar<S> = S extends { type: 'boolean' }
  ? boolean
  : S extends { type: 'number' }
    ? number
    : S extends { type: 'enum'; choices: readonly (infer C)[] }
      ? C
      : string;
type OptionValue<S> = S extends { multiple: true } ? Scalar<S>[] : Scalar<S>;

/** The parsed values of an options spec: absent options are undefined unless they have a default. */
export type Values<O> = {
  -readonly [K in keyof O]: O[K] extends { default: unknown } ? OptionValue<O[K]> : OptionValue<O[K]> | undefined;
};

type ArgValue<S> = S extends { variadic: true } ? string[] : S extends { required: true } ? string : string | undefined;

/** The parsed positionals of an args spec, by name. */
export type ArgsOf<A extends readonly ArgSpec[]> = { -readonly [S in A[number] as S['name']]: ArgValue<S> };

/** What a command's `run` receives: typed values, the common flags, and its place in the command tree. */
export interface RunContext<V = Record<string, unknown>, A = Record<string, unknown>> {
  values: V;
  args: A;
  /** Every positional in order (after `--` too, unless the command declares `passthrough`). */
  positionals: string[];
  /** The arguments after `--` of a command with `passthrough` (else empty). */
  rest: string[];
  common: CommonFlags;
  io: CliIO;
  /** The arguments this command was given (after its name). */
  argv: string[];
  /** The command path as typed, e.g. `st3 tasks context init`. */
  path: string;
  /** The generated usage line, e.g. `st3 tasks context init [options] <id>`. */
  usage: string;
  /** A usage error (exit 2) whose hint is the usage line. */
  usageError(message: string, hint?: string): St3Error;
}

/** A command as written: everything --help, parsing and completion need, declared once. */
export interface CommandSpec<O extends OptionsSpec, A extends readonly ArgSpec[]> {
  name: string;
  /** One line: the command list of the parent shows it. */
  summary: string;
  /** Further paragraphs for --help. */
  description?: string | readonly string[];
  args?: A;
  options?: O;
  passthrough?: PassthroughSpec;
  /** Sub-verbs (`st3 review list`); a command may have both subcommands and its own `run`. */
  subcommands?: Readonly<Record<string, Command>>;
  /** The subcommand run when none is named (`st3 gates` = `st3 gates run`). */
  defaultSubcommand?: string;
  /** Example invocations for --help, full command lines. */
  examples?: readonly string[];
  /** Extra usage lines for forms the generated one does not show (e.g. `st3 execute --resume <id>`). */
  usage?: readonly string[];
  /**
   * Older command-line forms this command still accepts (the seed's `st3 tasks --init-context ID`): given
   * the arguments, returns the command and arguments they stand for, or undefined to parse them as usual.
   */
  argvAliases?: ArgvAliases;
  run?(context: RunContext<Values<O>, ArgsOf<A>>): Promise<number>;
}

/** Rewrites an older argv form into the command (and path, for help and errors) that runs it. */
export type ArgvAliases = (
  argv: readonly string[],
) => Promise<{ command: Command; argv: string[]; path: string } | undefined>;

/** A command after `defineCommand`: the spec with its defaults filled in. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly description: readonly string[];
  readonly args: readonly ArgSpec[];
  readonly options: OptionsSpec;
  readonly passthrough?: PassthroughSpec;
  readonly subcommands: Readonly<Record<string, Command>>;
  readonly defaultSubcommand?: string;
  readonly examples: readonly string[];
  readonly usage: readonly string[];
  readonly argvAliases?: ArgvAliases;
  // Method syntax: a command typed by its own spec stays assignable to Command.
  run?(context: RunContext<any, any>): Promise<number>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Sub-verbs of a command (`st3 review list|show|...`). */
export type Subcommands = Readonly<Record<string, Command>>;

/**
 * Declares a command once: parsing, --help, shell completion and "did you mean" all come from this
 * spec, and `run` gets values typed by it.
 */
export function defineCommand<const O extends OptionsSpec = {}, const A extends readonly ArgSpec[] = []>( // eslint-disable-line @typescript-eslint/no-empty-object-type
  spec: CommandSpec<O, A>,
): Command {
  checkSpec(spec);
  const description =
    spec.description === undefined ? [] : typeof spec.description === 'string' ? [spec.description] : spec.description;
  return {
    name: spec.name,
    summary: spec.summary,
    description,
    args: spec.args ?? [],
    options: spec.options ?? {},
    ...(spec.passthrough ? { passthrough: spec.passthrough } : {}),
    subcommands: spec.subcommands ?? {},
    ...(spec.defaultSubcommand ? { defaultSubcommand: spec.defaultSubcommand } : {}),
    examples: spec.examples ?? [],
    usage: spec.usage ?? [],
    ...(spec.argvAliases ? { argvAliases: spec.argvAliases } : {}),
    ...(spec.run ? { run: spec.run as Command['run'] } : {}),
  };
}

/** Options shared by several commands, typed as written (spread them into a spec's `options`). */
export function defineOptions<const O extends OptionsSpec>(options: O): O {
  return options;
}

/** Mistakes in a spec are programming errors: they fail at load time, in every test that loads the command. */
function checkSpec(spec: CommandSpec<OptionsSpec, readonly ArgSpec[]>): void {
  const fail = (what: string) => {
    throw new Error(`command "${spec.name}": ${what}`);
  };
  const args = spec.args ?? [];
  args.forEach((a, i) => {
    if (a.variadic && i !== args.length - 1) fail(`only the last argument may be variadic ("${a.name}")`);
    if (a.required && i > 0 && !args[i - 1]!.required) fail(`required argument "${a.name}" after an optional one`);
  });
  if (spec.defaultSubcommand && !spec.subcommands?.[spec.defaultSubcommand])
    fail(`default subcommand "${spec.defaultSubcommand}" is not a subcommand`);
  if (spec.defaultSubcommand && spec.run) fail('a command with a default subcommand has no run of its own');
  const seen = new Set<string>(Object.keys(COMMON_OPTIONS));
  const shorts = new Set<string>(['q', 'h']);
  for (const [key, o] of Object.entries(spec.options ?? {})) {
    for (const name of [key, ...(o.aliases ?? []), ...(o.deprecatedAliases ?? [])]) {
      if (seen.has(name)) fail(`option name "--${name}" declared twice`);
      seen.add(name);
    }
    if (o.short !== undefined && (o.short.length !== 1 || shorts.has(o.short)))
      fail(`short alias -${o.short} of --${key}`);
    if (o.short !== undefined) shorts.add(o.short);
    if (o.type === 'enum' && o.choices.length === 0) fail(`--${key} has no choices`);
  }
}
