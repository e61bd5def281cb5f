import type { Dirent } from 'node:fs';
import { readdir, readFile, readlink, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { writeJsonAtomic } from '@st3/fs';
import {
  loadFile,
  MetricsRollupSchema,
  St3Error,
  TelemetryRecordSchema,
  type Diagnostic,
  type MetricsRollup,
  type TaskMetrics,
  type TelemetryRecord,
} from '@st3/schemas';
import { taskMetrics } from './aggregate.js';
import { createCollector, legacyTelemetryFileName, telemetryFileName, type TelemetryCollector } from './collector.js';
import type { CriteriaInputs } from './criteria.js';

/**
 * Reads every `telemetry-*.json` in a folder (a task context); bad files come back as errors, not
 * throws. `sources` are the names of the files read, in the order of `records`. A file that is not
 * its agent's record of this task — a record of another task (`taskId`), or one whose agent's file has
 * another name (a copy) — is an error too: counted, it would pass this task on another task's figures
 * or count an agent twice.
 */
export async function loadTelemetryDir(
  dir: string,
  options: { taskId?: string } = {},
): Promise<{ records: TelemetryRecord[]; sources: string[]; errors: Diagnostic[] }> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /^telemetry-.+\.json$/.test(n)).sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { records: [], sources: [], errors: [] };
    // Its files may hold any agent's figures: an error for the caller to judge without them, not "no telemetry".
    const message = `the telemetry folder ${dir} cannot be listed (${code ?? 'error'}): its telemetry files are not read`;
    const hint = 'make the folder readable (and searchable) by this user';
    return { records: [], sources: [], errors: [{ code: 'E_FILE_READ', severity: 'error', message, file: dir, hint }] };
  }
  const records: TelemetryRecord[] = [];
  const sources: string[] = [];
  const errors: Diagnostic[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const r = await loadFile(path, { schema: TelemetryRecordSchema });
    const misfiled = r.value && (await misfiledRecord(path, name, r.value, options.taskId));
    if (misfiled) errors.push(misfiled);
    else if (r.value) {
      records.push(r.value);
      sources.push(name);
    }
    errors.push(...r.errors);
  }
  return { records, sources, errors };
}

/** Why a valid record does not belong in this file of this task's folder (located at its key), if it does not. */
async function misfiledRecord(
  path: string,
  name: string,
  record: TelemetryRecord,
  taskId: string | undefined,
): Promise<Diagnostic | undefined> {
  const otherTask =
    taskId !== undefined && record.task_id !== null && record.task_id.toUpperCase() !== taskId.toUpperCase();
  const expectedName = telemetryFileName(record.agent);
  // The seed's writer named the file after the agent as is (`telemetry-{agent}.json`); earlier ST3
  // versions replaced other characters by `_` (a file written then is still the agent's).
  const names = [expectedName, `telemetry-${record.agent}.json`, legacyTelemetryFileName(record.agent)];
  if (!otherTask && names.includes(name)) return undefined;
  const key = otherTask ? 'task_id' : 'agent';
  const message = otherTask
    ? `${name} is agent ${record.agent}'s telemetry of ${record.task_id}, not of ${taskId}: it is not counted for ${taskId}`
    : `${name} holds agent ${record.agent}'s telemetry, whose file is ${expectedName}: a copy would count that agent twice, so it is not counted`;
  const hint = otherTask
    ? `move it to ${record.task_id}'s context folder, or remove it`
    : `merge it into ${expectedName} (\`st3 telemetry record\` writes there), or remove it`;
  return { code: 'E_TELEMETRY_MISFILED', severity: 'error', message, file: path, ...(await keyAt(path, key)), hint };
}

/** The 1-based line and column of a top-level key in a JSON file (for the diagnostic's location). */
async function keyAt(path: string, key: string): Promise<{ line?: number; column?: number }> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const at = text.indexOf(`"${key}"`);
  if (at < 0) return {};
  const before = text.slice(0, at).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

/** Where ST3 keeps task contexts and metrics inside a workspace (overridable by the caller). */
export interface MetricsLayout {
  /** Folder holding one sub-folder per task context (default `<root>/.st3/tasks`). */
  tasksDir: string;
  /** Folder of rollup snapshots, one per dashboard run (default `<root>/.st3/metrics/history`). */
  historyDir: string;
}

export function defaultLayout(root: string): MetricsLayout {
  return { tasksDir: join(root, '.st3', 'tasks'), historyDir: join(root, '.st3', 'metrics', 'history') };
}

/** A tasks folder's task contexts, and the entries that may be one but could not be read (located, never skipped). */
export interface TaskContextScan {
  tasks: string[];
  unreadable: Diagnostic[];
}

/**
 * Task ids that have a context folder. A symlink to a folder is one (`collect <id>` reads it, so the
 * dashboard and `serve` must too: a task left unseen could not keep the pilot from passing). A folder
 * that cannot be listed and a symlink that leads nowhere (dangling, a loop, no permission) may be a task
 * whose figures are then missing: each is an `E_FILE_READ` diagnostic naming it, for the caller to judge
 * the pilot without it as not measured. Plain files (a README) are not tasks.
 */
export async function scanTaskContexts(tasksDir: string): Promise<TaskContextScan> {
  let entries: Dirent[];
  try {
    entries = await readdir(tasksDir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { tasks: [], unreadable: [] };
    throw new St3Error('E_FILE_READ', `the tasks folder ${tasksDir} cannot be listed (${code ?? 'error'})`, {
      file: tasksDir,
      hint: 'check its permissions, or pass --tasks-dir',
    });
  }
  const tasks: string[] = [];
  const unreadable: Diagnostic[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (!e.isDirectory() && !e.isSymbolicLink()) continue;
    const problem = await unreadableContext(join(tasksDir, e.name), e.isSymbolicLink());
    if (problem === null) continue;
    if (problem) unreadable.push(problem);
    else tasks.push(e.name);
  }
  return { tasks, unreadable };
}

/** Undefined for a readable task folder, null for no folder (a link to a file), else why it cannot be read. */
async function unreadableContext(path: string, link: boolean): Promise<Diagnostic | null | undefined> {
  const failed = (error: unknown, what: string): Diagnostic => {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    const why =
      code === 'ENOENT' ? 'leads to nothing' : code === 'ELOOP' ? 'is a loop of symbolic links' : `failed (${code})`;
    return {
      code: 'E_FILE_READ',
      severity: 'error',
      message: `task context ${basename(path)} could not be read: ${what} ${why}; its telemetry and QA coverage are not counted`,
      file: path,
      hint: link ? 'restore the folder it links to, or remove the link' : 'make it readable, or remove it',
    };
  };
  if (link) {
    const target = await stat(path).catch((error: unknown) => error as Error);
    if (target instanceof Error) return failed(target, `the symbolic link to ${await linkTarget(path)}`);
    if (!target.isDirectory()) return null;
  }
  return readdir(path).then(
    () => undefined,
    (error: unknown) => failed(error, 'listing the folder'),
  );
}

const linkTarget = (path: string) => readlink(path).catch(() => '?');

/** The task ids of {@link scanTaskContexts}, without the entries it could not read (use it to see those). */
export async function listTaskContexts(tasksDir: string): Promise<string[]> {
  return (await scanTaskContexts(tasksDir)).tasks;
}

/**
 * Metrics of one task from its context folder: every telemetry file in it, plus the inputs only the
 * caller knows (QA coverage from the task's validation commands and QA artifacts, a prompt baseline).
 * Without `inputs.qa` the QA criterion is not measured.
 */
export async function collectTaskMetrics(
  contextDir: string,
  taskId: string,
  options: { inputs?: CriteriaInputs; now?: Date } = {},
): Promise<{ metrics: TaskMetrics; errors: Diagnostic[] }> {
  const { records, sources, errors } = await loadTelemetryDir(contextDir, { taskId });
  return { metrics: taskMetrics(taskId, records, options.inputs, options.now, sources), errors };
}

/**
 * Records telemetry for an agent (or an ST3 verb) in a folder: `fn` records on a collector whose
 * figures are then added to `telemetry-<agent>.json` under the file's lock (concurrent writers lose
 * nothing). Returns the file written.
 */
export async function recordTelemetry(
  target: { dir: string; agent: string; taskId?: string | null },
  fn: (collector: TelemetryCollector) => void | Promise<void>,
): Promise<string> {
  const collector = createCollector({
    agent: target.agent,
    taskId: target.taskId ?? null,
    dir: target.dir,
    append: true,
  });
  await fn(collector);
  return collector.save();
}

/** Rollup snapshots recorded so far, oldest first; unreadable ones are reported, not thrown. */
export async function loadRollupHistory(
  historyDir: string,
): Promise<{ rollups: MetricsRollup[]; errors: Diagnostic[] }> {
  let names: string[];
  try {
    names = (await readdir(historyDir)).filter((n) => n.endsWith('.json')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { rollups: [], errors: [] };
    throw error;
  }
  const rollups: MetricsRollup[] = [];
  const errors: Diagnostic[] = [];
  for (const name of names) {
    const r = await loadFile(join(historyDir, name), { schema: MetricsRollupSchema });
    if (r.value) rollups.push(r.value);
    errors.push(...r.errors);
  }
  rollups.sort((a, b) => a.generated_at.localeCompare(b.generated_at));
  return { rollups, errors };
}

/** Records a rollup snapshot in the history folder (atomic; file named by its timestamp). */
export async function recordRollup(historyDir: string, value: MetricsRollup): Promise<string> {
  const path = join(historyDir, `${value.generated_at.replace(/[:.]/g, '-')}.json`);
  await writeJsonAtomic(path, value);
  return path;
}
