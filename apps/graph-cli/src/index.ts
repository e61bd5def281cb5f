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
  commands: {},
};

/** This app's stage of `st3 run`, when it has one. */
export const stage: RunStage | undefined = undefined;
