import { parseArgs, type ParseArgsConfig } from 'node:util';
import { St3Error } from '@st3/schemas/errors';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Flags every verb accepts (DESIGN.md "Command line conventions"). */
export const COMMON_OPTIONS = {
  json: { type: 'boolean' },
  cwd: { type: 'string' },
  config: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
  'no-color': { type: 'boolean' },
} as const satisfies OptionSpec;

export interface CommonFlags {
  json: boolean;
  cwd?: string;
  config?: string;
  quiet: boolean;
  help: boolean;
  noColor: boolean;
}

export interface ParsedArgs<V> {
  values: V;
  positionals: string[];
  common: CommonFlags;
}

type ValuesOf<O extends OptionSpec> = {
  [K in keyof O]?: O[K] extends { type: 'boolean'; multiple: true }
    ? boolean[]
    : O[K] extends { type: 'boolean' }
      ? boolean
      : O[K] extends { multiple: true }
        ? string[]
        : string;
};

/**
 * Parses a verb's arguments with Node's own parser (strict: an unknown flag is a usage error, exit 2).
 * The common flags are always accepted and returned apart.
 */
export function parseCommandArgs<const O extends OptionSpec>(
  argv: string[],
  options: O,
  usage?: string,
): ParsedArgs<ValuesOf<O> & ValuesOf<typeof COMMON_OPTIONS>> {
  // `st3 x <positional> --help`: the runner prints the help of the command that is parsing.
  if (argv.includes('--help') || argv.includes('-h')) throw new HelpRequested();
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...COMMON_OPTIONS, ...options },
      allowPositionals: true,
      strict: true,
    });
    const v = values as Record<string, unknown>;
    return {
      values: values as ValuesOf<O> & ValuesOf<typeof COMMON_OPTIONS>,
      positionals,
      common: {
        json: v.json === true,
        cwd: typeof v.cwd === 'string' ? v.cwd : undefined,
        config: typeof v.config === 'string' ? v.config : undefined,
        quiet: v.quiet === true,
        help: v.help === true,
        noColor: v['no-color'] === true,
      },
    };
  } catch (error) {
    throw new St3Error('E_USAGE', (error as Error).message, { hint: usage ? `usage: ${usage}` : 'run with --help' });
  }
}

/** Was `--json` asked for? Read before full parsing so even a usage error can be reported as JSON. */
export function wantsJson(argv: readonly string[]): boolean {
  return argv.includes('--json');
}

/** Parses `--set k=v` style pairs; values stay strings unless they are JSON literals. */
export function parseKeyValues(pairs: readonly string[] | undefined, flag = '--set'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0)
      throw new St3Error('E_USAGE', `${flag} expects key=value, got "${pair}"`, { hint: `e.g. ${flag} name=value` });
    const key = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    out[key] = parseLiteral(raw);
  }
  return out;
}

function parseLiteral(raw: string): unknown {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (raw === 'null') return null;
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if ((raw.startsWith('[') && raw.endsWith(']')) || (raw.startsWith('{') && raw.endsWith('}'))) {
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  return raw;
}

/** Parses a positive integer flag value or throws a usage error naming the flag. */
export function intFlag(value: string | undefined, flag: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new St3Error('E_USAGE', `${flag} expects an integer ≥ ${min}, got "${value}"`);
  return n;
}

/** Thrown by `parseCommandArgs` when `--help` is among the arguments; `runCommand` prints that command's help. */
export class HelpRequested extends Error {
  readonly code = 'E_HELP';
  constructor() {
    super('help requested');
    this.name = 'HelpRequested';
  }
}

export function isHelpRequested(error: unknown): error is HelpRequested {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'E_HELP';
}
