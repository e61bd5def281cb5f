import { existsSync, readdirSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { loadTasksConfig, qaCoverage, taskIdOfRef, type EvidenceWorkspace } from '@st3/evidence';
import { writeJsonAtomic } from '@st3/fs';
import {
  loadFile,
  MetricsRollupSchema,
  St3Error,
  TaskMetricsSchema,
  type CriterionId,
  type Diagnostic,
  type MetricsRollup,
  type PilotVerdict,
  type SuccessCriterion,
  type TaskMetrics,
} from '@st3/schemas';
import {
  collectTaskMetrics,
  compareRollups,
  notMeasured,
  pilotVerdict,
  rollup,
  type CriteriaInputs,
  type RollupComparison,
  verdictOverCriteria,
} from '@st3/telemetry';

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
  let names: string[];
  try {
    names = readdirSync(contextDir);
  } catch (error) {
    // A folder that cannot be listed is not "no context": its figures would be missing unnoticed.
    throw new St3Error(
      'E_FILE_READ',
      `task context ${basename(contextDir)} cannot be listed (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      { file: contextDir, hint: 'make the folder readable (and searchable) by this user' },
    );
  }
  return names.some((n) => n === 'context.json' || /^telemetry-.+\.json$/.test(n));
}

/** A baseline run given as a rollup (`rollup.json`, history snapshot) or one task's `metrics.json`. */
export async function loadMetricsFile(path: string): Promise<MetricsRollup> {
  const asRollup = await loadFile(path, { schema: MetricsRollupSchema });
  if (asRollup.value) return asRollup.value;
  const asTask = await loadFile(path, { schema: TaskMetricsSchema });
  if (asTask.value) {
    const task = asTask.value;
    const r = rollup([task], new Date(task.collected_at));
    // A task's criteria (1.1) are its pilot as collected: recomputed from its measures alone, a criterion
    // left not measured because a telemetry file could not be read would be judged again.
    return task.measures ? { ...r, pilot: verdictOverCriteria(task.criteria, [task.task_id]) } : r;
  }
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
  /** Telemetry files that could not be read or parsed (located), and other problems met on the way. */
  warnings: Diagnostic[];
}

/** The criteria the agents' telemetry files feed; QA coverage comes from the task context instead. */
const TELEMETRY_CRITERIA: ReadonlySet<CriterionId> = new Set<CriterionId>([
  'file_reads_per_agent',
  'repeated_warnings',
  'prompt_size_savings',
  'json_parse_failures',
]);

/**
 * A criterion fed by telemetry when some telemetry file could not be read: the agents, warnings,
 * prompts or parses in that file may decide it, so it is `not measured` — never judged on the
 * readable files alone (which could pass it falsely). Other criteria are kept as they are.
 */
function unmeasured(c: SuccessCriterion, because: string): SuccessCriterion {
  if (!TELEMETRY_CRITERIA.has(c.id)) return c;
  const partial = c.status !== 'not measured' && c.detail ? `; the readable files alone: ${c.detail}` : '';
  return notMeasured(c, `not measured: ${because}${partial}`);
}

/** `telemetry-a.json (E_PARSE), …`: the files a task's telemetry errors name. */
function unreadableFiles(errors: readonly Diagnostic[], prefix = ''): string {
  const names = new Map<string, string>();
  for (const e of errors) {
    const name = `${prefix}${e.file ? basename(e.file) : 'a telemetry file'}`;
    if (!names.has(name)) names.set(name, e.code);
  }
  return [...names].map(([name, code]) => `${name} (${code})`).join(', ');
}

export interface CollectOptions {
  baseline?: { rollup: MetricsRollup; file: string };
  now?: Date;
  write?: boolean;
  /**
   * Task contexts that exist but could not be read (a dangling symlink, a folder without permission):
   * judged with the others as tasks with no measurement, so the pilot is never met without them.
   */
  unseen?: readonly Diagnostic[];
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
  options: CollectOptions = {},
): Promise<Collected> {
  const ids = taskIds.map(taskIdOfRef);
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
  const unreadable: string[] = [];
  for (const id of ids) {
    const dir = join(paths.tasksDir, id);
    const inputs: CriteriaInputs = {};
    if (existsSync(join(dir, 'context.json'))) {
      const qa = await qaCoverage(paths.ws, id);
      // An uncovered command whose QA run measured nothing says so (it was recorded, and is still no artifact).
      const uncovered = qa.commands
        .filter((c) => c.covered_by.length === 0)
        .map((c) => (c.not_measured[0] ? `${c.id} (its QA run measured nothing: ${c.not_measured[0].reason})` : c.id));
      inputs.qa = { expected: qa.expected, covered: qa.covered, uncovered, source: qa.source };
    }
    const prompts = options.baseline && promptBaselineOf(options.baseline.rollup, id, options.baseline.file);
    if (prompts) inputs.promptBaseline = prompts;
    const collected = await collectTaskMetrics(dir, id, { inputs, now: options.now });
    let metrics = collected.metrics;
    // A telemetry file that cannot be read or parsed is an agent's figures missing: reported where it
    // is, and the criteria it feeds are not measured (the verdict is incomplete, never pass).
    warnings.push(...collected.errors.map((e) => ({ ...e, severity: 'warning' as const })));
    if (collected.errors.length > 0) {
      const because = `${unreadableFiles(collected.errors)} could not be read`;
      const criteria = metrics.criteria.map((c) => unmeasured(c, because));
      metrics = { ...metrics, criteria, verdict: verdictOverCriteria(criteria, [id]).verdict };
      unreadable.push(unreadableFiles(collected.errors, `${id}/`));
    }
    if (options.write !== false) {
      await writeJsonAtomic(join(dir, 'metrics.json'), metrics);
      written.push(join(dir, 'metrics.json'));
    }
    tasks.push(metrics);
  }
  const unseen = (options.unseen ?? []).map((d) => ({
    task_id: d.file ? basename(d.file) : 'a task context',
    unmeasured: `its context folder could not be read (${d.code})`,
  }));
  warnings.push(...(options.unseen ?? []).map((e) => ({ ...e, severity: 'warning' as const })));
  let pilot = pilotVerdict([...tasks, ...unseen]);
  if (unreadable.length > 0) {
    const because = `${unreadable.join(', ')} could not be read`;
    pilot = verdictOverCriteria(
      pilot.criteria.map((c) => unmeasured(c, because)),
      pilot.tasks,
    );
  }
  return { tasks, pilot, written, warnings };
}

/**
 * The rollup of collected tasks with their pilot as {@link collectTasks} judged it (a pilot recomputed
 * from the tasks' measures alone would not know that a telemetry file could not be read).
 */
export function collectedRollup(collected: Collected, now?: Date): MetricsRollup {
  return { ...rollup(collected.tasks, now), pilot: collected.pilot };
}

/** What `st3 metrics collect --json` prints and the MCP tool `metrics_collect` returns. */
export interface CollectReport {
  /** True only when the pilot passes. */
  ok: boolean;
  /** With one task. */
  task_id?: string;
  verdict: PilotVerdict['verdict'];
  summary: string;
  criteria: SuccessCriterion[];
  pilot: PilotVerdict;
  tasks: TaskMetrics[];
  /** The metrics.json files written, relative to the root. */
  files: string[];
  comparison?: RollupComparison;
}

/**
 * `st3 metrics collect` (and the MCP tool `metrics_collect`): the baseline is read first (a bad one
 * writes nothing), the tasks are collected ({@link collectTasks}: an unknown task is
 * E_CONTEXT_NOT_FOUND and nothing is written), the pilot judged across them and, with a baseline,
 * compared with it. `ok` only when the verdict is pass.
 */
export async function collectReport(
  paths: MetricsPaths,
  taskIds: readonly string[],
  options: { baselineFile?: string; now?: Date } = {},
): Promise<{ report: CollectReport; collected: Collected }> {
  const baseline = options.baselineFile
    ? { rollup: await loadMetricsFile(options.baselineFile), file: options.baselineFile }
    : undefined;
  const collected = await collectTasks(paths, taskIds, {
    ...(baseline ? { baseline } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const comparison = baseline ? compareRollups(baseline.rollup, collectedRollup(collected, options.now)) : undefined;
  const report: CollectReport = {
    ok: collected.pilot.verdict === 'pass',
    ...(collected.tasks.length === 1 ? { task_id: collected.tasks[0]!.task_id } : {}),
    verdict: collected.pilot.verdict,
    summary: collected.pilot.summary,
    criteria: collected.pilot.criteria,
    pilot: collected.pilot,
    tasks: collected.tasks,
    files: collected.written.map((f) => relative(paths.ws.root, f)),
    ...(comparison ? { comparison } : {}),
  };
  return { report, collected };
}
