import type { CliDefinition, RunStage } from '@st3/cli-kit';
import pkg from '../package.json' with { type: 'json' };

/**
 * The commands of this app, loaded lazily: `st3-gates <command>` runs them alone and the
 * `st3` entry dispatches to the same table.
 */
export const cli: CliDefinition = {
  name: 'st3-gates',
  version: pkg.version,
  description: 'quality gates scoped to what changed',
  commands: {
    'gates': { summary: 'gates', load: async () => (await import('./commands/gates.js')).command },
    'test': { summary: 'test', load: async () => (await import('./commands/test.js')).command },
  },
};

/** This app's stage of `st3 run`, when it has one. */
export const stage: RunStage | undefined = undefined;
