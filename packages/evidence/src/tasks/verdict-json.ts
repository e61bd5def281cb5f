import type { Diagnostic } from '@st3/schemas';
import type { TaskVerdict } from './load.js';

/** A task file's verdict as `st3 tasks validate --json` and the task_validate MCP tool write it. */
export interface TaskVerdictJson {
  file: string;
  id: string | null;
  ok: boolean;
  parse_failed: boolean;
  schema_version: string | null;
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

/** The JSON form of a verdict: snake_case keys, null for what is unknown, no parsed task. */
export function taskVerdictJson(v: TaskVerdict): TaskVerdictJson {
  return {
    file: v.file,
    id: v.id ?? null,
    ok: v.ok,
    parse_failed: v.parseFailed,
    schema_version: v.schemaVersion ?? null,
    errors: v.errors,
    warnings: v.warnings,
  };
}
