import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  loadFile,
  MetricsRollupSchema,
  TelemetryRecordSchema,
  writeJsonAtomic,
  type Diagnostic,
  type MetricsRollup,
  type TaskMetrics,
  type TelemetryRecord,
} from '@st3/schemas';
import { taskMetrics, type CriteriaInputs } from './aggregate.js';

/** Reads every `telemetry-*.json` in a folder (a task context); bad files come back as errors, not throws. */
export async function loadTelemetryDir(dir: string): Promise<{ records: TelemetryRecord[]; errors: Diagnostic[] }> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /^telemetry-.+\.json$/.test(n)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], errors: [] };
    throw error;
  }
  const records: TelemetryRecord[] = [];
  const errors: Diagnostic[] = [];
  for (const name of names) {
    const r = await loadFile(join(dir, name), { schema: TelemetryRecordSchema });
    if (r.value) records.push(r.value);
    errors.push(...r.errors);
  }
  return { records, errors };
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

/** Task ids that have a context folder. */
export async function listTaskContexts(tasksDir: string): Promise<string[]> {
  try {
    const entries = await readdir(tasksDir, { withFileTypes: true });
    return entries
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * QA coverage inputs read from a task context's `context.json` when it has them: the validation
 * commands the task declares and the `qa_output` evidence recorded for it.
 */
export async function qaInputsFromContext(contextDir: string): Promise<CriteriaInputs> {
  const r = await loadFile(join(contextDir, 'context.json'));
  const ctx = r.value as
    | {
        immutable?: { validation?: { pipeline?: unknown[] } };
        validation?: { pipeline?: unknown[] };
        evidence?: { type?: string }[];
      }
    | undefined;
  if (!ctx || typeof ctx !== 'object') return {};
  const pipeline = ctx.immutable?.validation?.pipeline ?? ctx.validation?.pipeline;
  const expected = Array.isArray(pipeline) ? pipeline.length : 0;
  const recorded = Array.isArray(ctx.evidence) ? ctx.evidence.filter((e) => e && e.type === 'qa_output').length : 0;
  return expected > 0 ? { qa: { expected, recorded } } : {};
}

/** Metrics of one task from its context folder (telemetry files + context.json). */
export async function collectTaskMetrics(
  contextDir: string,
  taskId: string,
  options: { inputs?: CriteriaInputs; now?: Date } = {},
): Promise<{ metrics: TaskMetrics; errors: Diagnostic[] }> {
  const { records, errors } = await loadTelemetryDir(contextDir);
  const inputs = { ...(await qaInputsFromContext(contextDir)), ...options.inputs };
  return { metrics: taskMetrics(taskId, records, inputs, options.now), errors };
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
