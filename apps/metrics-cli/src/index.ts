import type { CliDefinition, RunStage } from '@st3/cli-kit';
import pkg from '../package.json' with { type: 'json' };

/**
 * The commands of this app, loaded lazily: `st3-metrics <command>` runs them alone and the
 * `st3` entry dispatches to the same table.
 */
export const cli: CliDefinition = {
  name: 'st3-metrics',
  version: pkg.version,
  description: 'telemetry collection, comparison, Prometheus exposition and the metrics dashboard',
  commands: {
    metrics: {
      summary: "the seed's pilot metrics: collect, compare, serve, dashboard",
      load: async () => (await import('./commands/metrics.js')).command,
    },
    telemetry: {
      summary: "record an agent's telemetry for a task (files read, cache hits, commands, warnings, prompt sizes)",
      load: async () => (await import('./commands/telemetry.js')).command,
    },
  },
};

/** The telemetry stage of `st3 run`: collect every task's metrics and write the dashboard. */
export const stage: RunStage = {
  name: 'metrics',
  title: 'telemetry metrics and dashboard',
  async run(ctx) {
    const { writeDashboard } = await import('./dashboard.js');
    const result = await writeDashboard(ctx.root, { record: !ctx.dryRun, write: !ctx.dryRun });
    // The stage's job is the dashboard; the pilot verdict it shows is reported, not turned into a stage failure.
    return {
      stage: 'metrics',
      ok: true,
      summary: result.written
        ? `dashboard of ${result.tasks} task(s): ${result.html} — ${result.pilot.summary}`
        : `dry run: would write the dashboard of ${result.tasks} task(s) to ${result.html} — ${result.pilot.summary}`,
      lines: result.warnings,
      data: {
        html: result.html,
        json: result.json,
        verdict: result.pilot.verdict,
        criteria: result.pilot.criteria.map((c) => ({ id: c.id, value: c.value, status: c.status })),
        compliance: result.rollup.compliance,
      },
    };
  },
};

export {
  collectedRollup,
  collectReport,
  collectTasks,
  hasMetricsSources,
  loadMetricsFile,
  metricsPaths,
  type Collected,
  type CollectReport,
  type MetricsPaths,
} from './collect.js';
export { writeDashboard, DEFAULT_BASELINE, type DashboardOptions } from './dashboard.js';
export {
  batchOf,
  checkEvents,
  recordBatch,
  recordEvents,
  type TelemetryBatch,
  type TelemetryEvents,
} from './record.js';
