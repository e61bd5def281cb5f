import {
  createOutput,
  parseCommandArgs,
  resolveWorkspace,
  type CliIO,
  type CommonFlags,
  type OptionSpec,
  type Output,
} from '@st3/cli-kit';
import { loadTasksConfig, type EvidenceWorkspace } from '@st3/evidence';
import { St3Error } from '@st3/schemas';

export interface VerbContext<V> {
  values: V;
  positionals: string[];
  common: CommonFlags;
  out: Output;
  ws: EvidenceWorkspace;
}

/** Parses a verb's flags, finds the workspace and its tasks config. */
export async function setup<const O extends OptionSpec>(argv: string[], io: CliIO, options: O, usage: string) {
  const parsed = parseCommandArgs(argv, options, usage);
  const out = createOutput(io, parsed.common);
  const workspace = resolveWorkspace(io, parsed.common);
  const ws = await loadTasksConfig(workspace.root, workspace.configPath);
  return { ...parsed, out, ws };
}

export function needArg(value: string | undefined, what: string, usage: string): string {
  if (!value) throw new St3Error('E_USAGE', `missing ${what}`, { hint: `usage: ${usage}` });
  return value;
}

/** `--env KEY=VALUE` pairs (values stay strings). */
export function parseEnvPairs(pairs: readonly string[] | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0)
      throw new St3Error('E_USAGE', `--env expects KEY=VALUE, got "${pair}"`, { hint: 'e.g. --env NODE_ENV=test' });
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}

/** `--meta key=value` pairs; numbers and booleans become JSON values (exit_code=0 → 0). */
export function parseMeta(pairs: readonly string[] | undefined): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new St3Error('E_USAGE', `--meta expects key=value, got "${pair}"`);
    const raw = pair.slice(eq + 1);
    meta[pair.slice(0, eq)] = /^-?\d+(\.\d+)?$/.test(raw)
      ? Number(raw)
      : raw === 'true'
        ? true
        : raw === 'false'
          ? false
          : raw;
  }
  return meta;
}

export function ignoredPaths(ws: EvidenceWorkspace): string[] {
  return [ws.config.context_dir, ws.config.ledger, `${ws.config.ledger}.lock`, ws.config.quarantine_dir];
}
