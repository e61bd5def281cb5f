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
    graph: {
      summary: 'dependency graph of atoms: cycles cut, waves, critical path; JSON, DOT or Mermaid',
      load: async () => (await import('./commands/graph.js')).command,
    },
    waves: {
      summary: 'parallel waves of a graph of atoms (cycles cut first, optional width limit)',
      load: async () => (await import('./commands/waves.js')).command,
    },
    'validate-plan': {
      summary: 'validate a plan of atoms at four levels: atom, task, milestone, plan',
      load: async () => (await import('./commands/validate-plan.js')).command,
    },
    execute: {
      summary: 'agents generate each atom (validated, applied or queued) or a command runs per node; resumable runs',
      load: async () => (await import('./commands/execute.js')).command,
    },
    worker: {
      summary: 'run the nodes of st3 execute --backend bullmq runs: a BullMQ worker over Redis',
      load: async () => (await import('./commands/worker.js')).command,
    },
    review: {
      summary: 'the human review queue: list, show, assign, approve, reject, edit, regenerate, serve (the page), stats',
      load: async () => (await import('./commands/review.js')).command,
    },
  },
};

/** The graph stage of `st3 run`: the dependency graph of the workspace's atoms and its waves. */
export const stage: RunStage = {
  name: 'graph',
  title: 'dependency graph of the atoms and its parallel waves',
  run: async (ctx) => (await import('./stage.js')).runGraphStage(ctx),
};

/**
 * The agent stage of `st3 run`: the workspace's TODO atoms go to its default agent in a scratch copy,
 * validated with its gates and applied there; the patch becomes evidence of the task covering them.
 */
export const executeStage: RunStage = {
  name: 'execute',
  title: 'agents implement the TODO atoms: validated, gated, applied (in a scratch copy)',
  run: async (ctx) => (await import('./execute-stage.js')).runExecuteStage(ctx),
};
