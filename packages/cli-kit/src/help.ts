import { COMMON_OPTIONS } from './common.js';
import type { ArgSpec, Command, OptionSpec, OptionsSpec } from './spec.js';

const WIDTH = 100;
const LEFT_MAX = 34;

/** `<id>`, `[paths...]`: how help and usage lines show a positional. */
export function argLabel(arg: ArgSpec): string {
  const name = `${arg.name}${arg.variadic ? '...' : ''}`;
  return arg.required ? `<${name}>` : `[${name}]`;
}

/** The one-line usage of a runnable command: `st3 graph [options] <paths...>`. */
export function usageLine(command: Command, path: string): string {
  const parts = [path, '[options]', ...command.args.map(argLabel)];
  if (command.passthrough) parts.push(`[-- <${command.passthrough.name}...>]`);
  return parts.join(' ');
}

/** Every usage line of a command: its own form, its default subcommand's, the subcommand form, extra forms. */
export function usageLines(command: Command, path: string): string[] {
  const lines: string[] = [];
  if (command.run) lines.push(usageLine(command, path));
  const fallback = command.defaultSubcommand ? command.subcommands[command.defaultSubcommand] : undefined;
  if (fallback) lines.push(usageLine(fallback, path));
  if (Object.keys(command.subcommands).length > 0) lines.push(`${path} <command> [args]`);
  lines.push(...command.usage);
  return lines;
}

/** Word-wraps `text` to the help width; continuation lines start at `indent`. */
function wrap(text: string, indent: number, first: number): string[] {
  const lines: string[] = [];
  let line = '';
  let room = WIDTH - first;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > room) {
      lines.push(line);
      line = word;
      room = WIDTH - indent;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines;
}

/** Rows of a two-column section; long left cells put their text on the next line. */
function table(rows: [string, string][]): string[] {
  const width = Math.min(LEFT_MAX, Math.max(0, ...rows.map(([l]) => l.length)));
  const out: string[] = [];
  for (const [left, text] of rows) {
    const indent = 2 + width + 2;
    if (left.length > width) {
      out.push(`  ${left}`);
      if (text) out.push(...wrap(text, indent, indent).map((l) => `${' '.repeat(indent)}${l}`));
      continue;
    }
    const [head, ...tail] = wrap(text, indent, indent);
    out.push(`  ${left.padEnd(width)}  ${head}`.trimEnd(), ...tail.map((l) => `${' '.repeat(indent)}${l}`));
  }
  return out;
}

/** The left cell of an option: `-q, --quiet`, `--scope auto|branch`, `--out FILE`. */
export function optionLabel(key: string, spec: OptionSpec): string {
  const names = [key, ...(spec.aliases ?? [])].map((n) => `--${n}`).join(', ');
  const short = spec.short ? `-${spec.short}, ` : '';
  return spec.type === 'boolean' ? `${short}${names}` : `${short}${names} ${valuePlaceholder(spec)}`;
}

/** The placeholder for an option's value in help and hints: `FILE`, `N`, `auto|branch`. */
export function valuePlaceholder(spec: OptionSpec): string {
  if (spec.valueName) return spec.valueName;
  if (spec.type === 'enum') return spec.choices.join('|');
  if (spec.type === 'number') return 'N';
  return 'VALUE';
}

function optionText(spec: OptionSpec): string {
  const notes: string[] = [];
  if (spec.type === 'enum' && spec.valueName) notes.push(`one of: ${spec.choices.join(', ')}`);
  if (spec.default !== undefined && spec.type !== 'boolean') notes.push(`default: ${String(spec.default)}`);
  if (spec.multiple) notes.push('repeatable');
  if (spec.deprecated) notes.push(`deprecated: ${spec.deprecated}`);
  return notes.length > 0 ? `${spec.description} (${notes.join('; ')})` : spec.description;
}

/** The options help lists for a spec (hidden ones left out). */
export function optionRows(options: OptionsSpec): [string, string][] {
  return Object.entries(options)
    .filter(([, spec]) => !spec.hidden)
    .map(([key, spec]) => [optionLabel(key, spec), optionText(spec)]);
}

/** The --help text of a command at `path` (e.g. `st3 gates run`). */
export function helpText(command: Command, path: string = command.name): string {
  const lines = [command.summary, ''];
  const [firstUsage, ...moreUsage] = usageLines(command, path);
  lines.push(`Usage: ${firstUsage}`, ...moreUsage.map((u) => `       ${u}`));
  for (const paragraph of command.description) lines.push('', ...wrap(paragraph, 0, 0));
  const subs = Object.entries(command.subcommands);
  const fallback = command.defaultSubcommand ? command.subcommands[command.defaultSubcommand] : undefined;
  const runnable = command.run ? command : fallback;
  if (runnable && runnable.args.length > 0) {
    lines.push('', 'Arguments:', ...table(runnable.args.map((a) => [argLabel(a), a.description])));
  }
  if (runnable?.passthrough) {
    const p = runnable.passthrough;
    lines.push(
      ...(runnable.args.length > 0 ? [] : ['', 'Arguments:']),
      ...table([[`-- <${p.name}...>`, p.description]]),
    );
  }
  if (subs.length > 0) {
    const rows = subs.map(([name, sub]): [string, string] => [
      name,
      `${sub.summary}${name === command.defaultSubcommand ? ' (default)' : ''}`,
    ]);
    lines.push('', 'Commands:', ...table(rows));
  }
  const own = runnable ? optionRows(runnable.options) : [];
  if (own.length > 0) {
    const title =
      runnable === fallback ? `Options (of the default command, ${command.defaultSubcommand}):` : 'Options:';
    lines.push('', title, ...table(own));
  }
  lines.push('', 'Common options:', ...table(optionRows(COMMON_OPTIONS)));
  if (subs.length > 0) lines.push('', `Run "${path} <command> --help" for a command's options and examples.`);
  if (command.examples.length > 0) lines.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  return `${lines.join('\n')}\n`;
}
