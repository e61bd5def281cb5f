import type { CliDefinition, RunStage } from '@st3/cli-kit';
import pkg from '../package.json' with { type: 'json' };

/**
 * The commands of this app, loaded lazily: `st3-atomize <command>` runs them alone and the
 * `st3` entry dispatches to the same table.
 */
export const cli: CliDefinition = {
  name: 'st3-atomize',
  version: pkg.version,
  description: 'measured, context-rich atoms of TypeScript, JavaScript and Python',
  commands: {
    'atomize': { summary: 'atomize', load: async () => (await import('./commands/atomize.js')).command },
    'complexity': { summary: 'complexity', load: async () => (await import('./commands/complexity.js')).command },
  },
};

/** This app's stage of `st3 run`, when it has one. */
export const stage: RunStage | undefined = undefined;
