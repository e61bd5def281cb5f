// The telemetry a task verb writes (`st3 tasks …`, `st3 qa record` and their MCP tools): one rule for both.
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { TaskContext } from '@st3/schemas';
import { contextDirFor, type EvidenceWorkspace } from './config.js';

/** The telemetry file a verb writes when no agent is named (`telemetry-st3-tasks.json`). */
export const TASK_TOOL_AGENT = 'st3-tasks';

/** Where a verb's figures go: the task's context folder, the agent's file. */
export interface TaskTelemetryTarget {
  dir: string;
  agent: string;
  taskId: string;
}

/**
 * Writes a collector's figures to a target (`recordTelemetry` of `@st3/telemetry`, passed in: this
 * package does not depend on the telemetry package).
 */
export type TaskTelemetryRecorder<C> = (target: TaskTelemetryTarget, fn: (collector: C) => void) => Promise<unknown>;

export interface TaskTelemetryOptions<C> {
  /** The agent working on the task (default: `env.ST3_AGENT`, else `st3-tasks`). */
  agent?: string | undefined;
  /** The caller's environment, for ST3_AGENT. */
  env?: Record<string, string | undefined>;
  record: TaskTelemetryRecorder<C>;
}

/**
 * Records a verb's reads, cache hits, commands and warnings in the task's telemetry (`telemetry-<agent>.json`
 * in its context folder, added under the lock), where `st3 metrics collect` measures the task's criteria.
 * Nothing is written for a task without a context. A telemetry file that cannot be written is no failure
 * of the verb: its message is returned as `warning` for the caller to show.
 */
export async function taskTelemetry<C>(
  ws: EvidenceWorkspace,
  taskId: string,
  options: TaskTelemetryOptions<C>,
  fn: (collector: C) => void,
): Promise<{ written: boolean; warning?: string }> {
  const dir = contextDirFor(ws, taskId);
  if (!existsSync(dir)) return { written: false };
  const agent = options.agent ?? (options.env?.ST3_AGENT || undefined) ?? TASK_TOOL_AGENT;
  try {
    await options.record({ dir, agent, taskId }, fn);
    return { written: true };
  } catch (error) {
    return { written: false, warning: `telemetry not recorded: ${(error as Error).message}` };
  }
}

/** Bytes a context serves instead of the files it was made from (task snapshot, excerpts, checklists). */
export async function contextCachedBytes(ws: EvidenceWorkspace, context: TaskContext): Promise<number> {
  const dir = contextDirFor(ws, context.manifest.task_id);
  const files = [
    context.immutable.snapshot.path,
    ...context.standards.map((s) => s.cached),
    ...context.immutable.checklists.map((c) => c.path),
  ];
  const sizes = await Promise.all(
    files.map((f) =>
      stat(join(dir, f)).then(
        (s) => s.size,
        () => 0,
      ),
    ),
  );
  return sizes.reduce((a, b) => a + b, 0);
}
