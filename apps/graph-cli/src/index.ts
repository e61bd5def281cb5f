import type { CliDefinition, RunStage } from '@st3/cli-kit';
import pkg from '../package.json' with { type: 'json' };

/**
 * The commands of this app, loaded lazily: `st3-graph <command>` runs them alone and the
 * `st3` entry dispatches to the same table.
 */
export const cli: CliDefinition = {
  name: 'st3-graph',
  version: pkg.version,
  description: 'dependency graphs of atoms, waves, plan validation, execution and review',
  commands: {
    'graph': { summary: 'graph', load: async () => (await import('./commands/graph.js')).command },
    'waves': { summary: 'waves', load: async () => (await import('./commands/waves.js')).command },
    'validate-plan': { summary: 'validate-plan', load: async () => (await import('./commands/validate-plan.js')).command },
    'execute': { summary: 'execute', load: async () => (await import('./commands/execute.js')).command },
    'review': { summary: 'review', load: async () => (await import('./commands/review.js')).command },
  },
};

/** This app's stage of `st3 run`, when it has one. */
export const stage: RunStage | undefined = undefined;
