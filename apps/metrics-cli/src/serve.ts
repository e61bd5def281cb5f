import { join, relative } from 'node:path';
import type { Diagnostic } from '@st3/schemas';
import { loadTelemetryDir, scanTaskContexts, type TelemetryLoad } from '@st3/telemetry';

/**
 * The loader of `st3 metrics serve`, called on every scrape: every task context's telemetry files and
 * the workspace's (`.st3/telemetry`). A file (or a task folder) that cannot be read is not dropped: it comes back in
 * `unreadable` (file relative to `root`, so the scrape's labels do not depend on where the workspace
 * lives) and is passed to `report` — once per distinct error, since Prometheus scrapes every few seconds.
 */
export function telemetryLoader(
  root: string,
  tasksDir: string,
  report: (error: Diagnostic) => void,
): () => Promise<TelemetryLoad> {
  const reported = new Set<string>();
  return async () => {
    // A task folder that cannot be read is served as unreadable (its telemetry is missing), not skipped.
    const scan = await scanTaskContexts(tasksDir);
    // A task's folder counts only that task's records (one of another task would be counted twice).
    const all = await Promise.all([
      ...scan.tasks.map((t) => loadTelemetryDir(join(tasksDir, t), { taskId: t })),
      loadTelemetryDir(join(root, '.st3', 'telemetry')),
    ]);
    const errors = [...scan.unreadable, ...all.flatMap((r) => r.errors)];
    for (const e of errors) {
      const key = `${e.file ?? ''}:${e.line ?? ''}:${e.column ?? ''}:${e.code}:${e.message}`;
      if (reported.has(key)) continue;
      reported.add(key);
      report(e);
    }
    return {
      records: all.flatMap((r) => r.records),
      unreadable: errors.map((e) => (e.file ? { ...e, file: relative(root, e.file) } : e)),
    };
  };
}
