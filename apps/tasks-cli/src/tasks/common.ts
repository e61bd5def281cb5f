import { stat } from 'node:fs/promises';
import { createOutput, defineOptions, resolveWorkspace, type CliIO, type CommonFlags, type Output } from '@st3/cli-kit';
import {
  loadTasksConfig,
  resolveTaskRef,
  taskTelemetry as recordTaskTelemetry,
  type EvidenceWorkspace,
  type TaskLocation,
} from '@st3/evidence';
import { formatDiagnostic, formatPath, St3Error, type Diagnostic } from '@st3/schemas';
import { recordTelemetry, type TelemetryCollector } from '@st3/telemetry';

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

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (st) => st.isFile(),
    () => false,
  );
}

/** The `<id>` argument of the verbs that act on one task. */
export const TASK_ID = [
  {
    name: 'id',
    description: 'the task id (e.g. TASK-0123), or the path of its task file when two files carry the id',
    required: true,
    complete: 'none',
  },
] as const;

/** `--agent`: who works on the task; ST3 verbs record what they read for it in its telemetry. */
export const agentOption = defineOptions({
  agent: {
    type: 'string',
    valueName: 'NAME',
    description: "the agent working on the task (default: ST3_AGENT); this verb's reads go to its telemetry",
  },
});

/** The agent of a verb: `--agent`, else `ST3_AGENT`. */
export function agentOf(values: { agent?: string }, io: CliIO): string | undefined {
  return values.agent ?? (io.env.ST3_AGENT || undefined);
}

/** The id of the task a verb acts on (an ambiguous id is E_TASK_AMBIGUOUS: pass the path). */
export async function taskIdOf(ws: EvidenceWorkspace, ref: string): Promise<string> {
  return (await resolveTaskRef(ws, ref)).id;
}

/** The task file a verb reads (E_TASK_NOT_FOUND when no task file has the id). */
export async function locateTask(ws: EvidenceWorkspace, ref: string): Promise<TaskLocation> {
  const found = await resolveTaskRef(ws, ref);
  if (found.location) {
    // A path names its file whether or not it exists: one that does not is a missing file, not a task to show.
    if (!(await isFile(found.location.path)))
      throw new St3Error('E_FILE_NOT_FOUND', `no task file ${found.location.file}`, {
        file: found.location.file,
        hint: `a path is read from the workspace root (${ws.root}); \`st3 tasks list\` shows the task files found`,
      });
    return found.location;
  }
  throw new St3Error('E_TASK_NOT_FOUND', `no task ${found.id} in ${ws.config.task_dirs.join(', ')}`, {
    hint: '`st3 tasks list` shows the tasks found; task folders are set by task_dirs in .st3/config/tasks.yaml',
  });
}

/**
 * Records a verb's reads, cache hits and warnings in the task's telemetry (`taskTelemetry` of
 * `@st3/evidence`, as the MCP tools do); a telemetry file that cannot be written is a warning.
 */
export async function taskTelemetry(
  ws: EvidenceWorkspace,
  out: Output,
  taskId: string,
  agent: string | undefined,
  fn: (collector: TelemetryCollector) => void,
): Promise<void> {
  const result = await recordTaskTelemetry(ws, taskId, { agent, record: recordTelemetry }, fn);
  if (result.warning) out.warn(result.warning);
}

/** `file:line:col: CODE message (hint)`: the text form of a finding, with its code. */
export function codedLine(d: Diagnostic): string {
  const path = d.path && d.path.length > 0 ? formatPath(d.path) : '';
  return formatDiagnostic({ ...d, path: path && d.message.includes(path) ? undefined : d.path }, { code: true });
}

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
