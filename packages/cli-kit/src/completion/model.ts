import { COMMON_OPTIONS } from '../common.js';
import type { CliDefinition } from '../run.js';
import type { Command, Completion, OptionSpec } from '../spec.js';

/** One option as a shell completes it. */
export interface CompletionOption {
  /** `--name`, its aliases, and `-x` when it has a short form. */
  names: string[];
  takesValue: boolean;
  /** Fixed values (enum choices), else `complete` says what to offer. */
  values?: readonly string[];
  complete: Completion;
  description: string;
}

/** What may follow a command's options: nothing, files, folders or fixed words. */
export type PositionalCompletion =
  { kind: 'none' } | { kind: 'file' } | { kind: 'directory' } | { kind: 'words'; words: readonly string[] };

/** One command of the tree (the root has the empty path). */
export interface CompletionNode {
  path: string[];
  subcommands: { name: string; summary: string }[];
  options: CompletionOption[];
  positional: PositionalCompletion;
  passthrough: boolean;
}

/** What a value is completed with: the spec's `complete`, else guessed from its placeholder. */
function valueCompletion(spec: OptionSpec): Completion {
  if (spec.complete) return spec.complete;
  if (spec.type !== 'string') return 'none';
  const name = spec.valueName ?? '';
  if (/DIR/.test(name)) return 'directory';
  if (/FILE|PATH/.test(name)) return 'file';
  return 'none';
}

function completionOptions(options: Readonly<Record<string, OptionSpec>>): CompletionOption[] {
  return Object.entries(options)
    .filter(([, spec]) => !spec.hidden)
    .map(([key, spec]) => ({
      names: [`--${key}`, ...(spec.aliases ?? []).map((a) => `--${a}`), ...(spec.short ? [`-${spec.short}`] : [])],
      takesValue: spec.type !== 'boolean',
      ...(spec.type === 'enum' ? { values: spec.choices } : {}),
      complete: valueCompletion(spec),
      description: spec.description,
    }));
}

function positionalOf(command: Command | undefined): PositionalCompletion {
  const args = command?.args ?? [];
  if (args.length === 0) return { kind: 'none' };
  const words = args.flatMap((a) => a.choices ?? []);
  if (words.length > 0) return { kind: 'words', words };
  const kinds = new Set(args.map((a) => a.complete ?? 'file'));
  if (kinds.has('file')) return { kind: 'file' };
  if (kinds.has('directory')) return { kind: 'directory' };
  return { kind: 'none' };
}

function nodesOf(command: Command, path: string[], out: CompletionNode[]): void {
  const fallback = command.defaultSubcommand ? command.subcommands[command.defaultSubcommand] : undefined;
  const runnable = command.run ? command : fallback;
  out.push({
    path,
    subcommands: Object.entries(command.subcommands).map(([name, sub]) => ({ name, summary: sub.summary })),
    options: completionOptions({ ...COMMON_OPTIONS, ...(runnable?.options ?? {}) }),
    positional: positionalOf(runnable),
    passthrough: runnable?.passthrough !== undefined,
  });
  for (const [name, sub] of Object.entries(command.subcommands)) nodesOf(sub, [...path, name], out);
}

/** Every command of a CLI as the completion scripts need it, root first. */
export function completionModel(cli: CliDefinition, tree: Readonly<Record<string, Command>>): CompletionNode[] {
  const nodes: CompletionNode[] = [
    {
      path: [],
      subcommands: [
        ...Object.entries(cli.commands).map(([name, entry]) => ({ name, summary: entry.summary })),
        { name: 'help', summary: 'the help of a command' },
      ],
      options: [
        { names: ['--help', '-h'], takesValue: false, complete: 'none', description: 'this help' },
        { names: ['--version', '-v'], takesValue: false, complete: 'none', description: 'print the version' },
      ],
      positional: { kind: 'none' },
      passthrough: false,
    },
  ];
  for (const [name, command] of Object.entries(tree)) nodesOf(command, [name], nodes);
  return nodes;
}

/** `'text'` for POSIX shells (bash, zsh). */
export function shQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A shell function name made from a program name (`st3-gates` → `st3_gates`). */
export function functionName(program: string): string {
  return program.replace(/[^A-Za-z0-9_]/g, '_');
}
