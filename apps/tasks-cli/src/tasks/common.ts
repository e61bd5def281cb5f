import { createOutput, resolveWorkspace, type CliIO, type CommonFlags, type Output } from '@st3/cli-kit';
import { loadTasksConfig, type EvidenceWorkspace } from '@st3/evidence';
import { St3Error } from '@st3/schemas';

/** Finds the workspace of a verb and its tasks config. */
export async function setup({ common, io }: { common: CommonFlags; io: CliIO }): Promise<{
  out: Output;
  ws: EvidenceWorkspace;
}> {
  const out = createOutput(io, common);
  const workspace = resolveWorkspace(io, common);
  const ws = await loadTasksConfig(workspace.root, workspace.configPath);
  return { out, ws };
}

/** The `<id>` argument of the verbs that act on one task. */
export const TASK_ID = [
  { name: 'id', description: 'the task id (e.g. TASK-0123)', required: true, complete: 'none' },
] as const;

/** A required option the parser cannot require (it is an option): a usage error naming it. */
export function needOption(value: string | undefined, flag: string, usage: string): string {
  if (!value) throw new St3Error('E_USAGE', `missing ${flag}`, { hint: `usage: ${usage}` });
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
