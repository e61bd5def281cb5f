import { existsSync, readdirSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { loadTasksConfig, qaCoverage, type EvidenceWorkspace } from '@st3/evidence';
import { writeJsonAtomic } from '@st3/fs';
import {
  loadFile,
  MetricsRollupSchema,
  St3Error,
  TaskMetricsSchema,
  type Diagnostic,
  type MetricsRollup,
  type PilotVerdict,
  type TaskMetrics,
} from '@st3/schemas';
import { collectTaskMetrics, pilotVerdict, rollup, type CriteriaInputs } from '@st3/telemetry';

/** Where a workspace keeps task contexts and rollup history (the tasks config's `context_dir` unless overridden). */
export interface MetricsPaths {
  ws: EvidenceWorkspace;
  tasksDir: string;
  historyDir: string;
}

export async function metricsPaths(
  root: string,
  options: { tasksDir?: string; historyDir?: string; configPath?: string } = {},
): Promise<MetricsPaths> {
  const base = await loadTasksConfig(root, options.configPath);
  const tasksDir = options.tasksDir ? resolve(root, options.tasksDir) : join(root, base.config.context_dir);
  const ws = { root, config: { ...base.config, context_dir: relative(root, tasksDir) || '.' } };
  return {
    ws,
    tasksDir,
    historyDir: options.historyDir ? resolve(root, options.historyDir) : join(root, '.st3', 'metrics', 'history'),
  };
}

/** A task is known to the metrics when its context folder holds a context or telemetry. */
export function hasMetricsSources(contextDir: string): boolean {
  if (!existsSync(contextDir)) return false;
  return readdirSync(contextDir).some((n) => n === 'context.json' || /^telemetry-.+\.json$/.test(n));
}

/** A baseline run given as a rollup (`rollup.json`, history snapshot) or one task's `metrics.json`. */
export async function loadMetricsFile(path: string): Promise<MetricsRollup> {
  const asRollup = await loadFile(path, { schema: MetricsRollupSchema });
  if (asRollup.value) return asRollup.value;
  const asTask = await loadFile(path, { schema: TaskMetricsSchema });
  if (asTask.value) return rollup([asTask.value], new Date(asTask.value.collected_at));
  const e = asRollup.errors[0];
  throw new St3Error(
    e?.code === 'E_FILE_NOT_FOUND' || e?.code === 'E_PARSE' ? e.code : 'E_SCHEMA',
    `${path}: ${e?.code === 'E_FILE_NOT_FOUND' ? 'not found' : 'neither a metrics rollup nor a task metrics file'}${e && e.code !== 'E_FILE_NOT_FOUND' ? ` (${e.message})` : ''}`,
    {
      file: path,
      line: e?.line,
      column: e?.column,
      hint: 'pass a rollup.json written by `st3 metrics dashboard`, a history snapshot, or a task metrics.json',
      diagnostics: asRollup.errors,
    },
  );
}

/** The mean prompt size of a task in a baseline run, for prompts recorded without their own baseline. */
function promptBaselineOf(baseline: MetricsRollup | undefined, taskId: string, file: string) {
  const task = baseline?.tasks.find((t) => t.task_id === taskId);
  const p = task?.measures?.prompts;
  if (!p || p.count === 0) return undefined;
  return {
    bytesPerPrompt: p.bytes / p.count,
    source: `mean of ${p.count} prompt(s) of ${taskId} in ${basename(file)}`,
  };
}

export interface Collected {
  tasks: TaskMetrics[];
  pilot: PilotVerdict;
  written: string[];
  warnings: Diagnostic[];
}

/**
 * Collects the metrics of the given tasks: every telemetry file of each task's context, its QA coverage
 * (validation commands against QA artifacts) and, with a baseline, the baseline's prompt sizes; writes each
 * task's `metrics.json` and judges the pilot across them. An unknown task is E_CONTEXT_NOT_FOUND and
 * nothing is written (every task is checked before any file is).
 */
export async function collectTasks(
  paths: MetricsPaths,
  taskIds: readonly string[],
  options: { baseline?: { rollup: MetricsRollup; file: string }; now?: Date; write?: boolean } = {},
): Promise<Collected> {
  const ids = taskIds.map((t) => t.toUpperCase());
  for (const id of ids) {
    const dir = join(paths.tasksDir, id);
    if (!hasMetricsSources(dir))
      throw new St3Error(
        'E_CONTEXT_NOT_FOUND',
        `no task context or telemetry for ${id} in ${relative(paths.ws.root, paths.tasksDir) || '.'}`,
        {
          hint: `\`st3 tasks context init ${id}\` creates it; \`st3 metrics dashboard\` lists the tasks that have one`,
        },
      );
  }
  const tasks: TaskMetrics[] = [];
  const warnings: Diagnostic[] = [];
  const written: string[] = [];
  for (const id of ids) {
    const dir = join(paths.tasksDir, id);
    const inputs: CriteriaInputs = {};
    if (existsSync(join(dir, 'context.json'))) {
      const qa = await qaCoverage(paths.ws, id);
      inputs.qa = { expected: qa.expected, covered: qa.covered, uncovered: qa.uncovered, source: qa.source };
    }
    const prompts = options.baseline && promptBaselineOf(options.baseline.rollup, id, options.baseline.file);
    if (prompts) inputs.promptBaseline = prompts;
    const { metrics, errors } = await collectTaskMetrics(dir, id, { inputs, now: options.now });
    warnings.push(...errors.map((e) => ({ ...e, severity: 'warning' as const })));
    if (options.write !== false) {
      await writeJsonAtomic(join(dir, 'metrics.json'), metrics);
      written.push(join(dir, 'metrics.json'));
    }
    tasks.push(metrics);
  }
  return { tasks, pilot: pilotVerdict(tasks), written, warnings };
}
