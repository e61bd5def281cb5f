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
    'metrics': { summary: 'metrics', load: async () => (await import('./commands/metrics.js')).command },
  },
};

/** This app's stage of `st3 run`, when it has one. */
export const stage: RunStage | undefined = undefined;
