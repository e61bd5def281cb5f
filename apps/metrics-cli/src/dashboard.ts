import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '@st3/fs';
import { formatDiagnostic, type Diagnostic, type MetricsRollup } from '@st3/schemas';
import {
  dashboardData,
  loadRollupHistory,
  loadTelemetryDir,
  recordRollup,
  renderDashboard,
  scanTaskContexts,
} from '@st3/telemetry';
import {
  collectedRollup,
  collectTasks,
  hasMetricsSources,
  loadMetricsFile,
  metricsPaths,
  type MetricsPaths,
} from './collect.js';

/** `file:line:col: message (hint)`, as the other verbs print a diagnostic; printed as a warning, so without its label. */
const located = (e: Diagnostic): string => formatDiagnostic({ ...e, severity: 'error' });

/** The baseline the dashboard compares with when none is given: `.st3/metrics/baseline.json`, if present. */
export const DEFAULT_BASELINE = join('.st3', 'metrics', 'baseline.json');

export interface DashboardOptions {
  outDir?: string;
  /** Add this run to the trend history (default true). */
  record?: boolean;
  /** `false` computes only. */
  write?: boolean;
  paths?: MetricsPaths;
  /** A baseline rollup or task metrics file (default: {@link DEFAULT_BASELINE} when it exists). */
  baseline?: string;
  now?: Date;
}

/**
 * Collects every task's metrics (telemetry, QA coverage), judges the pilot across them, records the
 * rollup in the history and writes `dashboard.json`, `rollup.json` and the self-contained `index.html`.
 */
export async function writeDashboard(root: string, options: DashboardOptions = {}) {
  const paths = options.paths ?? (await metricsPaths(root));
  const outDir = options.outDir ?? join(root, '.st3', 'metrics', 'dashboard');
  const warnings: string[] = [];
  // An entry that cannot be read is judged as a task without measurements (never left out of the pilot).
  const scan = await scanTaskContexts(paths.tasksDir);
  const taskIds = scan.tasks.filter((t) => hasMetricsSources(join(paths.tasksDir, t)));
  const baselineFile =
    options.baseline ?? (existsSync(join(root, DEFAULT_BASELINE)) ? join(root, DEFAULT_BASELINE) : undefined);
  const baseline: MetricsRollup | undefined = baselineFile ? await loadMetricsFile(baselineFile) : undefined;
  const collected = await collectTasks(paths, taskIds, {
    write: false,
    now: options.now,
    unseen: scan.unreadable,
    ...(baseline && baselineFile ? { baseline: { rollup: baseline, file: baselineFile } } : {}),
  });
  for (const e of collected.warnings) warnings.push(located(e));
  // Task contexts, plus runs not tied to a task (`--telemetry` without `--task`, `st3 run`) for the tool panels.
  const loaded = await Promise.all([
    ...taskIds.map((t) => loadTelemetryDir(join(paths.tasksDir, t), { taskId: t })),
    loadTelemetryDir(join(root, '.st3', 'telemetry')),
  ]);
  const records = loaded.flatMap((r) => r.records);
  for (const r of loaded) for (const e of r.errors) warnings.push(located(e));
  // The pilot as collected: criteria fed by an unreadable telemetry file are not measured.
  const current = collectedRollup(collected, options.now);
  const history = await loadRollupHistory(paths.historyDir);
  for (const e of history.errors) warnings.push(located(e));
  const data = dashboardData({
    current,
    history: history.rollups,
    records,
    now: options.now,
    ...(baseline && baselineFile
      ? { baseline: { rollup: baseline, label: relative(root, baselineFile) || baselineFile } }
      : {}),
  });
  const html = join(outDir, 'index.html');
  const json = join(outDir, 'dashboard.json');
  const result = {
    html,
    json,
    tasks: taskIds.length,
    /** Task contexts that could not be read (each also a warning): the pilot is not measured without them. */
    unreadable: scan.unreadable,
    // A task's telemetry errors come from both collectTasks and the panels' load: each is said once.
    warnings: [...new Set(warnings)],
    rollup: current,
    pilot: current.pilot!,
    baseline: baselineFile ?? null,
  };
  if (options.write === false) return { ...result, written: false };
  await mkdir(outDir, { recursive: true });
  await writeJsonAtomic(json, data);
  await writeJsonAtomic(join(outDir, 'rollup.json'), current);
  await writeFileAtomic(html, renderDashboard(data));
  if (options.record !== false) await recordRollup(paths.historyDir, current);
  return { ...result, written: true };
}
