import { join } from 'node:path';
import { loadFile, St3Error, TasksConfigSchema, type TasksConfig } from '@st3/schemas';
import { exists } from './util.js';

/** Where a workspace keeps its tasks, contexts, ledger and quarantine. */
export interface EvidenceWorkspace {
  /** Absolute workspace root; every configured path is relative to it. */
  root: string;
  config: TasksConfig;
}

export const DEFAULT_TASKS_CONFIG: TasksConfig = TasksConfigSchema.parse({});

/** Reads `.st3/config/tasks.yaml` (or `configPath`) when present; defaults otherwise. */
export async function loadTasksConfig(root: string, configPath?: string): Promise<EvidenceWorkspace> {
  const path = configPath ?? join(root, '.st3/config/tasks.yaml');
  if (!configPath && !(await exists(path))) return { root, config: DEFAULT_TASKS_CONFIG };
  const result = await loadFile(path, { schema: TasksConfigSchema });
  if (!result.value) {
    const first = result.errors[0];
    throw new St3Error('E_CONFIG_INVALID', `invalid tasks config ${path}${first ? `: ${first.message}` : ''}`, {
      file: path,
      line: first?.line,
      column: first?.column,
      diagnostics: result.errors,
    });
  }
  return { root, config: result.value };
}

export function contextDirFor(ws: EvidenceWorkspace, taskId: string): string {
  return join(ws.root, ws.config.context_dir, taskId);
}
