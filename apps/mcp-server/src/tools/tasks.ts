import { relative, sep } from 'node:path';
import { findTask, listTasks, loadTasksConfig, validateTaskFile } from '@st3/evidence';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { resolveInside } from '../paths.js';
import { jsonResult } from '../results.js';

/** `task_show`: one task, found by id (or file) in the configured folders, with its verdict. */
export async function taskShow(root: string, args: { id: string }): Promise<CallToolResult> {
  const ws = await loadTasksConfig(root);
  const location = await findTask(ws.root, ws.config.task_dirs, args.id);
  resolveInside(root, location.path);
  const verdict = await validateTaskFile(location.path, location.file);
  const text = `${location.id} ${String(verdict.task?.title ?? '')} (status ${verdict.status ?? '?'}, schema ${verdict.schemaVersion ?? '?'}): ${verdict.ok ? 'valid' : `${verdict.errors.length} error(s)`}`;
  return jsonResult(text, {
    ok: verdict.ok,
    location,
    task: verdict.task ?? null,
    errors: verdict.errors,
    warnings: verdict.warnings,
  });
}

/** `task_validate`: the given task files, or every task in the configured folders. */
export async function taskValidate(root: string, args: { paths?: string[] }): Promise<CallToolResult> {
  const ws = await loadTasksConfig(root);
  const verdicts =
    args.paths && args.paths.length > 0
      ? await Promise.all(
          args.paths.map((p) => {
            const abs = resolveInside(root, p);
            return validateTaskFile(abs, relative(root, abs).split(sep).join('/'));
          }),
        )
      : (await listTasks(ws.root, ws.config.task_dirs)).verdicts;
  const failed = verdicts.filter((v) => !v.ok);
  const text = `${verdicts.length} task file(s) checked: ${verdicts.length - failed.length} ok, ${failed.length} with errors${failed.length > 0 ? ` (${failed.map((v) => v.id ?? v.file).join(', ')})` : ''}`;
  return jsonResult(text, {
    ok: failed.length === 0,
    checked: verdicts.length,
    failed: failed.length,
    files: verdicts.map((v) => ({
      file: v.file,
      id: v.id ?? null,
      ok: v.ok,
      parse_failed: v.parseFailed,
      schema_version: v.schemaVersion ?? null,
      errors: v.errors,
      warnings: v.warnings,
    })),
  });
}
