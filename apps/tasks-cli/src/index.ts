import type { CliDefinition, RunStage } from '@st3/cli-kit';
import pkg from '../package.json' with { type: 'json' };
import { evidenceStage } from './stage.js';

/**
 * The commands of this app, loaded lazily: `st3-tasks <command>` runs them alone and the
 * `st3` entry dispatches to the same table.
 */
export const cli: CliDefinition = {
  name: 'st3-tasks',
  version: pkg.version,
  description:
    'task files, task context, evidence, ledger, quarantine, standards, validation commands and QA artifacts',
  commands: {
    tasks: {
      summary: 'task files, task context, evidence, ledger, quarantine, standards excerpts, validation commands',
      load: async () => (await import('./commands/tasks.js')).command,
    },
    qa: {
      summary: 'QA artifacts: record lint, type-check, test and coverage runs as evidence; drift against the baseline',
      load: async () => (await import('./commands/qa.js')).command,
    },
  },
};

/** This app's stage of `st3 run`: a task of the example workspace through init, attach, validate, verify. */
export const stage: RunStage = evidenceStage;
