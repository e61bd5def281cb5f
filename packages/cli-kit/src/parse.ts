import { St3Error } from '@st3/schemas/errors';
import { COMMON_OPTIONS, type CommonFlags } from './common.js';
import { argLabel, usageLine, valuePlaceholder } from './help.js';
import type { ArgSpec, Command, OptionSpec } from './spec.js';
import { suggest } from './suggest.js';

/** One spelling the parser accepts (`--dry-run`, `-q`, an alias), and what it stands for. */
export interface AcceptedOption {
  key: string;
  spec: OptionSpec;
  common: boolean;
  /** Set when this spelling is a deprecated alias. */
  deprecatedName?: boolean;
}

export interface ParseResult {
  values: Record<string, unknown>;
  args: Record<string, string | string[] | undefined>;
  positionals: string[];
  rest: string[];
  common: CommonFlags;
  /** Deprecation notes for stderr. */
  warnings: string[];
}

/**
 * Every spelling the parser accepts for `command`, keyed as typed (`--name`, `-n`). Help and the
 * completion scripts are generated from the same specs; the help test compares the two.
 */
export function acceptedOptions(command: Command): Map<string, AcceptedOption> {
  const table = new Map<string, AcceptedOption>();
  const add = (specs: Readonly<Record<string, OptionSpec>>, common: boolean) => {
    for (const [key, spec] of Object.entries(specs)) {
      for (const name of [key, ...(spec.aliases ?? [])]) table.set(`--${name}`, { key, spec, common });
      for (const name of spec.deprecatedAliases ?? [])
        table.set(`--${name}`, { key, spec, common, deprecatedName: true });
      if (spec.short) table.set(`-${spec.short}`, { key, spec, common });
    }
  };
  add(COMMON_OPTIONS, true);
  add(command.options, false);
  return table;
}

/** Names offered in "did you mean": what help shows (no hidden options, no deprecated spellings). */
function visibleNames(table: Map<string, AcceptedOption>): string[] {
  return [...table].filter(([name, o]) => name.startsWith('--') && !o.spec.hidden && !o.deprecatedName).map(([n]) => n);
}

function usageError(message: string, hint: string, details?: Record<string, unknown>): St3Error {
  return new St3Error('E_USAGE', message, { hint, ...(details ? { details } : {}) });
}

const isNegativeNumber = (token: string) => /^-\d/.test(token);

/** Parses `argv` by `command`'s spec; every problem is a usage error (exit 2) with a hint. */
export function parseCommand(command: Command, argv: readonly string[], path: string): ParseResult {
  const table = acceptedOptions(command);
  const raw = new Map<string, { spec: OptionSpec; name: string; values: unknown[] }>();
  const positionals: string[] = [];
  const rest: string[] = [];
  const warnings: string[] = [];
  const record = (name: string, option: AcceptedOption, value: unknown) => {
    if (option.deprecatedName) warnings.push(`${name} is deprecated; use --${option.key}`);
    else if (option.spec.deprecated) warnings.push(`${name} is deprecated: ${option.spec.deprecated}`);
    const entry = raw.get(option.key) ?? { spec: option.spec, name, values: [] };
    entry.values.push(value);
    raw.set(option.key, entry);
  };
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') {
      for (const t of argv.slice(i + 1)) (command.passthrough ? rest : positionals).push(t);
      break;
    }
    if (token.startsWith('--')) {
      const eq = token.indexOf('=');
      const name = eq === -1 ? token : token.slice(0, eq);
      const option = lookup(table, name, path);
      if (option.spec.type === 'boolean') {
        if (eq !== -1) throw usageError(`${name} does not take a value`, `write ${name} alone`);
        record(name, option, true);
      } else {
        const value = eq !== -1 ? token.slice(eq + 1) : takeValue(argv[i + 1], name, option.spec);
        if (eq === -1) i++;
        record(name, option, coerce(name, option.spec, value));
      }
    } else if (token.startsWith('-') && token.length > 1 && !isNegativeNumber(token)) {
      i += parseShortGroup(token, argv[i + 1], table, path, record);
    } else positionals.push(token);
  }
  const values: Record<string, unknown> = {};
  const all: Readonly<Record<string, OptionSpec>> = { ...COMMON_OPTIONS, ...command.options };
  for (const [key, spec] of Object.entries(all)) {
    const entry = raw.get(key);
    if (entry) values[key] = spec.multiple ? entry.values : entry.values.at(-1);
    else if (spec.default !== undefined) values[key] = spec.multiple ? [spec.default] : spec.default;
  }
  const args = assignArgs(command, positionals, path);
  return { values: ownValues(command, values), args, positionals, rest, common: commonFlags(values), warnings };
}

function lookup(table: Map<string, AcceptedOption>, name: string, path: string): AcceptedOption {
  const option = table.get(name);
  if (option) return option;
  const close = suggest(name, visibleNames(table));
  const more = `run "${path} --help" for the options`;
  throw usageError(
    `unknown option ${name}`,
    close.length > 0 ? `did you mean ${close.join(' or ')}? (${more})` : more,
    close.length > 0 ? { suggestions: close } : undefined,
  );
}

function takeValue(next: string | undefined, name: string, spec: OptionSpec): string {
  const placeholder = valuePlaceholder(spec);
  if (next === undefined) throw usageError(`${name} needs a value`, `e.g. ${name} ${placeholder}`);
  if (next.startsWith('-') && next.length > 1 && !isNegativeNumber(next))
    throw usageError(
      `${name} needs a value, got the option ${next}`,
      `for a value starting with "-", write ${name}=${next}`,
    );
  return next;
}

/** `-q`, `-qh`, `-o value`, `-ovalue`; returns how many extra tokens were used (0 or 1). */
function parseShortGroup(
  token: string,
  next: string | undefined,
  table: Map<string, AcceptedOption>,
  path: string,
  record: (name: string, option: AcceptedOption, value: unknown) => void,
): number {
  for (let j = 1; j < token.length; j++) {
    const name = `-${token[j]}`;
    const option = table.get(name);
    if (!option)
      throw usageError(
        `unknown option ${name}${token.length > 2 ? ` (in ${token})` : ''}`,
        `run "${path} --help" for the options`,
      );
    if (option.spec.type === 'boolean') {
      record(name, option, true);
      continue;
    }
    const inline = token.slice(j + 1);
    record(name, option, coerce(name, option.spec, inline !== '' ? inline : takeValue(next, name, option.spec)));
    return inline !== '' ? 0 : 1;
  }
  return 0;
}

function coerce(name: string, spec: OptionSpec, value: string): unknown {
  if (spec.type === 'number') return toNumber(name, spec, value);
  if (spec.type === 'enum' && !spec.choices.includes(value)) {
    const close = suggest(value, spec.choices);
    throw new St3Error(
      spec.errorCode ?? 'E_USAGE',
      `${name} must be one of ${spec.choices.join(', ')}, got "${value}"`,
      {
        hint:
          close.length > 0
            ? `did you mean ${close.map((c) => `"${c}"`).join(' or ')}?`
            : `one of: ${spec.choices.join(', ')}`,
        ...(close.length > 0 ? { details: { suggestions: close } } : {}),
      },
    );
  }
  return value;
}

function toNumber(name: string, spec: Extract<OptionSpec, { type: 'number' }>, value: string): number {
  const n = value.trim() === '' ? Number.NaN : Number(value);
  const kind = spec.integer ? 'an integer' : 'a number';
  const bounds =
    spec.min !== undefined && spec.max !== undefined
      ? ` from ${spec.min} to ${spec.max}`
      : spec.min !== undefined
        ? ` ≥ ${spec.min}`
        : spec.max !== undefined
          ? ` ≤ ${spec.max}`
          : '';
  const bad =
    !Number.isFinite(n) ||
    (spec.integer === true && !Number.isInteger(n)) ||
    (spec.min !== undefined && n < spec.min) ||
    (spec.max !== undefined && n > spec.max);
  if (bad)
    throw usageError(
      `${name} expects ${kind}${bounds}, got "${value}"`,
      `e.g. ${name} ${spec.default ?? spec.min ?? 1}`,
    );
  return n;
}

function assignArgs(
  command: Command,
  positionals: string[],
  path: string,
): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = {};
  const hint = `usage: ${usageLine(command, path)}`;
  let next = 0;
  for (const arg of command.args) {
    if (arg.variadic) {
      const taken = positionals.slice(next);
      next = positionals.length;
      if (arg.required && taken.length === 0) throw usageError(`missing ${argLabel(arg)}: ${arg.description}`, hint);
      for (const v of taken) checkChoice(arg, v);
      out[arg.name] = taken;
      continue;
    }
    const value = positionals[next];
    if (value === undefined) {
      if (arg.required) throw usageError(`missing ${argLabel(arg)}: ${arg.description}`, hint);
      out[arg.name] = undefined;
      continue;
    }
    checkChoice(arg, value);
    out[arg.name] = value;
    next++;
  }
  if (next < positionals.length) {
    const extra = positionals[next]!;
    const subs = Object.keys(command.subcommands);
    const close = subs.length > 0 ? suggest(extra, subs) : [];
    throw usageError(
      command.args.length === 0
        ? `unexpected argument "${extra}" (${path} takes no arguments)`
        : `unexpected argument "${extra}"`,
      close.length > 0 ? `did you mean ${close.map((c) => `"${c}"`).join(' or ')}? (${hint})` : hint,
      close.length > 0 ? { suggestions: close } : undefined,
    );
  }
  return out;
}

function checkChoice(arg: ArgSpec, value: string): void {
  if (!arg.choices || arg.choices.includes(value)) return;
  const close = suggest(value, arg.choices);
  throw new St3Error(
    arg.errorCode ?? 'E_USAGE',
    `${argLabel(arg)} must be one of ${arg.choices.join(', ')}, got "${value}"`,
    {
      hint:
        close.length > 0
          ? `did you mean ${close.map((c) => `"${c}"`).join(' or ')}?`
          : `one of: ${arg.choices.join(', ')}`,
      ...(close.length > 0 ? { details: { suggestions: close } } : {}),
    },
  );
}

function ownValues(command: Command, all: Record<string, unknown>): Record<string, unknown> {
  const own: Record<string, unknown> = {};
  for (const key of Object.keys(command.options)) if (key in all) own[key] = all[key];
  return own;
}

function commonFlags(v: Record<string, unknown>): CommonFlags {
  return {
    json: v.json === true,
    cwd: typeof v.cwd === 'string' ? v.cwd : undefined,
    config: typeof v.config === 'string' ? v.config : undefined,
    quiet: v.quiet === true,
    help: v.help === true,
    noColor: v['no-color'] === true,
  };
}
