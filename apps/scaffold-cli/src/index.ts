import type { CliDefinition, RunStage } from '@st3/cli-kit';
import pkg from '../package.json' with { type: 'json' };

/**
 * The commands of this app, loaded lazily: `st3-scaffold <command>` runs them alone and the
 * `st3` entry dispatches to the same table.
 */
export const cli: CliDefinition = {
  name: 'st3-scaffold',
  version: pkg.version,
  description: 'artifacts from versioned templates, pattern batches and parity proofs',
  commands: {
    'scaffold': { summary: 'scaffold', load: async () => (await import('./commands/scaffold.js')).command },
    'patterns': { summary: 'patterns', load: async () => (await import('./commands/patterns.js')).command },
    'parity': { summary: 'parity', load: async () => (await import('./commands/parity.js')).command },
  },
};

/** This app's stage of `st3 run`, when it has one. */
export const stage: RunStage | undefined = undefined;
