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
      summary: 'telemetry metrics: collect, compare, serve, dashboard',
      load: async () => (await import('./commands/metrics.js')).command,
    },
  },
};

/** The telemetry stage of `st3 run`: collect every task's metrics and write the dashboard. */
export const stage: RunStage = {
  name: 'metrics',
  title: 'telemetry metrics and dashboard',
  async run(ctx) {
    const { writeDashboard } = await import('./commands/metrics.js');
    const result = await writeDashboard(ctx.root, { record: !ctx.dryRun, write: !ctx.dryRun });
    return {
      stage: 'metrics',
      ok: true,
      summary: result.written
        ? `dashboard of ${result.tasks} task(s): ${result.html}`
        : `dry run: would write the dashboard of ${result.tasks} task(s) to ${result.html}`,
      lines: result.warnings,
      data: { html: result.html, json: result.json, compliance: result.rollup.compliance },
    };
  },
};
