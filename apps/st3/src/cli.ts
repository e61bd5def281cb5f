import { lazyFromArea, type CliDefinition, type Command } from '@st3/cli-kit';
import pkg from '../package.json' with { type: 'json' };

// Summaries live here so `st3 --help` imports nothing; each command's code loads on use.
const scaffold = () => import('@st3/scaffold-cli');
const gates = () => import('@st3/gates-cli');
const atomize = () => import('@st3/atomize-cli');
const graph = () => import('@st3/graph-cli');
const tasks = () => import('@st3/tasks-cli');
const metrics = () => import('@st3/metrics-cli');

const own = (load: () => Promise<{ command: Command }>) => async () => (await load()).command;

export const cli: CliDefinition = {
  name: 'st3',
  version: pkg.version,
  description: 'scaffold, gate, atomize, plan and record code changes made by people and AI agents',
  commands: {
    run: {
      summary: 'run every stage on a workspace (default: examples/)',
      load: own(() => import('./commands/run.js')),
    },
    validate: {
      summary: 'validate ST3 files (kind inferred from the name)',
      load: own(() => import('./commands/validate.js')),
    },
    schema: { summary: 'export the JSON Schemas of every ST3 format', load: own(() => import('./commands/schema.js')) },
    scaffold: lazyFromArea('render artifacts from versioned templates (list, check, batch)', scaffold, 'scaffold'),
    patterns: lazyFromArea('check a pattern registry for compliance', scaffold, 'patterns'),
    parity: lazyFromArea('prove two renderers give equivalent output', scaffold, 'parity'),
    gates: lazyFromArea('run quality gates scoped to what changed (init, list)', gates, 'gates'),
    test: lazyFromArea('run the configured test command and summarise it', gates, 'test'),
    atomize: lazyFromArea('split source files into measured atoms', atomize, 'atomize'),
    complexity: lazyFromArea('per-function cyclomatic complexity (ESLint/flake8 compatible)', atomize, 'complexity'),
    graph: lazyFromArea('build the dependency graph of atoms', graph, 'graph'),
    waves: lazyFromArea('plan parallel waves of a dependency graph', graph, 'waves'),
    'validate-plan': lazyFromArea('validate atoms, tasks, milestones and plan', graph, 'validate-plan'),
    execute: lazyFromArea('execute a graph with retries and resume', graph, 'execute'),
    worker: lazyFromArea('run the nodes of bullmq runs: a worker over Redis', graph, 'worker'),
    review: lazyFromArea('the human review queue', graph, 'review'),
    tasks: lazyFromArea('task files, context, evidence, ledger, quarantine, standards, validation', tasks, 'tasks'),
    qa: lazyFromArea('record QA artifacts and compare them for drift', tasks, 'qa'),
    metrics: lazyFromArea("the seed's pilot metrics: collect, compare, serve, dashboard", metrics, 'metrics'),
    telemetry: lazyFromArea(
      "record an agent's telemetry for a task (reads, cache hits, prompts)",
      metrics,
      'telemetry',
    ),
    mcp: lazyFromArea(
      'serve the ST3 operations as MCP tools (stdio, or Streamable HTTP with --http)',
      () => import('@st3/mcp-server'),
      'mcp',
    ),
    completion: {
      summary: 'print the shell completion script (bash, zsh or fish)',
      load: own(() => import('./commands/completion.js')),
    },
  },
};
