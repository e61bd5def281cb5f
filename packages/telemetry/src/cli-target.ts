import { join } from 'node:path';
import { createCollector, type TelemetryCollector } from './collector.js';
import { defaultLayout } from './store.js';

export interface CliTelemetryOptions {
  /** Workspace root (holds `.st3/`). */
  root: string;
  /** The tool, used as the agent name: the file is `telemetry-<tool>.json`. */
  tool: string;
  /** With a task: the task's context folder (`.st3/tasks/<id>/`, where `st3 metrics collect` reads). */
  taskId?: string;
  /** Folder of task contexts (default `.st3/tasks`). */
  tasksDir?: string;
  /** The agent the run works for (e.g. from `ST3_AGENT`): the file is then `telemetry-<agent>.json`. */
  agent?: string;
}

/**
 * Where a CLI run with `--telemetry` saves its record: the task's context folder with `--task ID`,
 * else `.st3/telemetry/` of the workspace (runs not tied to a task).
 */
export function cliTelemetryDir(options: CliTelemetryOptions): string {
  if (options.taskId) return join(options.tasksDir ?? defaultLayout(options.root).tasksDir, options.taskId);
  return join(options.root, '.st3', 'telemetry');
}

/**
 * A collector for one CLI run, saved to {@link cliTelemetryDir} by `save()` or `await using`. Saving
 * adds the run's figures to `telemetry-<agent>.json` under its lock (every run of a verb adds to the
 * task's telemetry; concurrent runs lose nothing).
 */
export function cliTelemetry(options: CliTelemetryOptions): TelemetryCollector {
  return createCollector({
    agent: options.agent ?? options.tool,
    taskId: options.taskId ?? null,
    dir: cliTelemetryDir(options),
    append: true,
  });
}
