import type { RunStage } from '@st3/cli-kit';

/** The stages of `st3 run`, in order; each area app exports `stage` (undefined until it has one). */
export const STAGE_ORDER: { name: string; load: () => Promise<{ stage?: RunStage }>; pkg: string }[] = [
  { name: 'scaffold', pkg: '@st3/scaffold-cli', load: () => import('@st3/scaffold-cli') },
  { name: 'gates', pkg: '@st3/gates-cli', load: () => import('@st3/gates-cli') },
  { name: 'atomize', pkg: '@st3/atomize-cli', load: () => import('@st3/atomize-cli') },
  { name: 'graph', pkg: '@st3/graph-cli', load: () => import('@st3/graph-cli') },
  { name: 'tasks', pkg: '@st3/tasks-cli', load: () => import('@st3/tasks-cli') },
  // After tasks (whose stage starts its task's context afresh): the agents' patch is evidence of a task.
  {
    name: 'execute',
    pkg: '@st3/graph-cli',
    load: async () => ({ stage: (await import('@st3/graph-cli')).executeStage }),
  },
  { name: 'metrics', pkg: '@st3/metrics-cli', load: () => import('@st3/metrics-cli') },
];
