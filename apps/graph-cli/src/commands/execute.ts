import { existsSync, rmdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  createOutput,
  defineCommand,
  defineOptions,
  resolveWorkspace,
  type ArgsOf,
  type RunContext,
  type Values,
  type Workspace,
} from '@st3/cli-kit';
import type * as Executor from '@st3/executor';
import type { FileRunStore } from '@st3/executor';

type ExecutorModule = typeof Executor;
import { St3Error, type GraphInput, type RunState } from '@st3/schemas';

const executeArgs = [
  { name: 'inputs', description: 'graph.json, atoms.json or source paths (not with --resume)', variadic: true },
] as const;

const executeOptions = defineOptions({
  agent: {
    type: 'string',
    valueName: 'NAME',
    description: 'the agent of .st3/config/agents.yaml (default: its default)',
  },
  'agent-url': {
    type: 'string',
    valueName: 'URL',
    description: 'an ad-hoc OpenAI-compatible agent: the server (e.g. http://127.0.0.1:8080/v1)',
  },
  'agent-model': { type: 'string', valueName: 'M', description: 'the model of the ad-hoc agent' },
  instruction: { type: 'string', valueName: 'TEXT', description: 'what the agent does to each atom' },
  task: {
    type: 'string',
    valueName: 'ID',
    description:
      "agents: the instruction comes from the task file and the run's patch becomes its diff evidence; " +
      'with --telemetry the telemetry goes to its context (.st3/tasks/ID/)',
  },
  'only-matching': {
    type: 'string',
    valueName: 'REGEX',
    description: 'run only the atoms whose code matches; the others are context only',
  },
  'review-below': {
    type: 'number',
    min: 0,
    max: 1,
    valueName: 'C',
    description:
      'agents: queue a change for review instead of applying it when its confidence is below C (default 0.7)',
  },
  'dry-run': { type: 'boolean', description: 'agents: apply nothing; write the changes to .st3/runs/<run-id>.patch' },
  run: { type: 'string', valueName: 'CMD', description: 'a command per node instead of an agent (see above)' },
  concurrency: { type: 'number', integer: true, min: 1, description: 'nodes running at once (default 100)' },
  retries: {
    type: 'number',
    integer: true,
    min: 0,
    description: 'retries after a failed attempt (default 2); temperature 0.7 → 0.5 → 0.3, backoff 1 s → 2 s → 4 s',
  },
  mode: {
    type: 'enum',
    choices: ['eager', 'waves'],
    description: 'eager (default: a node starts when its dependencies are done) or waves (wave barriers)',
  },
  timeout: {
    type: 'number',
    valueName: 'SEC',
    description: 'time limit per attempt (a timed-out attempt is retried with twice the time)',
  },
  backoff: {
    type: 'number',
    min: 0,
    valueName: 'SEC',
    description: 'first wait before a retry, doubling each time, ±10% jitter (default 1)',
  },
  resume: {
    type: 'string',
    valueName: 'ID',
    description: 'continue a saved run (.st3/runs/ID.json) without redoing the nodes that succeeded',
  },
  review: {
    type: 'boolean',
    description: '--run: add succeeded nodes to the review queue (.st3/review/) with their confidence and issues',
  },
  telemetry: {
    type: 'boolean',
    description: 'record executor.nodes|attempts|retries|failed and durations to .st3/telemetry/telemetry-execute.json',
  },
  backend: {
    type: 'enum',
    choices: ['local', 'bullmq'],
    description:
      'where nodes run: local (this process, default) or bullmq (st3 worker processes over Redis); ' +
      'default from .st3/config/executor.yaml',
  },
  redis: {
    type: 'string',
    valueName: 'URL',
    description: 'bullmq: the Redis URL (default $ST3_REDIS_URL, then redis.url of .st3/config/executor.yaml)',
  },
  queue: { type: 'string', valueName: 'NAME', description: 'bullmq: the queue its workers serve (default st3)' },
  'metrics-port': {
    type: 'number',
    integer: true,
    min: 0,
    max: 65535,
    valueName: 'N',
    description: 'serve the execution metrics live on http://127.0.0.1:N/metrics while the run goes (0: any port)',
  },
  'metrics-host': {
    type: 'string',
    valueName: 'H',
    description: 'address of --metrics-port (default 127.0.0.1)',
  },
});

export const command = defineCommand({
  name: 'execute',
  summary: 'run every node of a graph, dependencies first: an agent generates each atom, or a command runs per node',
  description: [
    'With --agent (or --agent-url and --agent-model) each atom goes to an agent of .st3/config/agents.yaml: the prompt ' +
      "holds the instruction, the atom's context and code, and on a retry the failure; the answer (a fenced code block " +
      'or a unified diff) is validated — it parses, it is still an atom, the quality gates pass on it in a scratch copy ' +
      '— then applied, or queued for review when its confidence is below --review-below. Nodes applied by an earlier ' +
      'run, approved or waiting in the review queue are skipped; rejected ones are regenerated with the feedback.',
    'With --run the command runs without a shell; placeholders {id} {file} {start} {end} {attempt} {temperature} are ' +
      'filled in per node, and it also gets ST3_NODE_ID, ST3_ATTEMPT, ST3_TEMPERATURE and ST3_FEEDBACK (the previous ' +
      "failure). With --review the code of a node is its line range, unless the command's last output line is JSON " +
      '{"code": "...", "validation": 0.9, "integrationTests": {"passed": 3, "total": 4}}.',
  ],
  usage: ['st3 execute --resume <run-id> [--json]'],
  args: executeArgs,
  options: executeOptions,
  examples: [
    'st3 execute src --agent local --only-matching TODO --instruction "Implement the TODO"',
    'st3 execute atoms.json --agent-url http://127.0.0.1:11434/v1 --agent-model qwen2.5-coder --task TASK-0123',
    'st3 execute src --agent aider --only-matching TODO --dry-run',
    'st3 execute graph.json --run "python3 tools/check.py {file} {start} {end}"',
    'st3 execute atoms.json --run "node gen.mjs {id}" --concurrency 8 --retries 3 --review',
    'st3 execute --resume run-20260122-041500-a1b2c3',
    'st3 execute graph.json --run "node gen.mjs {id}" --backend bullmq --redis redis://10.0.0.5:6379 --metrics-port 9465',
  ],
  async run(ctx) {
    const ws = resolveWorkspace(ctx.io, ctx.common);
    const exec = await import('@st3/executor');
    const store = exec.createFileRunStore(join(ws.st3Dir, 'runs'));
    if (!ctx.values.resume && ctx.args.inputs.length === 0) throw ctx.usageError('no graph given');
    // The run's id is fixed first and held for the whole execution: a --resume of a run that is still
    // executing (here or on another terminal) is refused instead of running its nodes twice.
    const runId = ctx.values.resume ?? exec.newRunId();
    const fresh = !existsSync(ws.st3Dir);
    try {
      return await store.exclusive(runId, () => executeRun(ctx, ws, exec, store, runId));
    } catch (error) {
      // A run refused before it started (usage, bad input) leaves no `.st3/` behind in a folder that had
      // none: an empty one would make every folder below it resolve here as its workspace.
      if (fresh) for (const dir of [store.dir, ws.st3Dir]) rmdirIfEmpty(dir);
      throw error;
    }
  },
});

function rmdirIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // not empty (the run wrote something) or already gone: kept as it is
  }
}

type ExecuteContext = RunContext<Values<typeof executeOptions>, ArgsOf<typeof executeArgs>>;

async function executeRun(
  ctx: ExecuteContext,
  ws: Workspace,
  exec: ExecutorModule,
  store: FileRunStore,
  runId: string,
): Promise<number> {
  const { values, common, io } = ctx;
  const out = createOutput(io, common);
  const resume: RunState | undefined = values.resume ? await store.load(values.resume) : undefined;
  const saved = resume?.options ?? {};
  // The settings are resolved by @st3/executor, with the functions the MCP execute tool calls.
  const settings = exec.runSettings(values, saved);
  const { agentRequest, agentSettings, whoWorks } = await import('../execute/who.js');
  const who = whoWorks(values, saved, resume !== undefined, ws, ctx.usageError);
  const graph = resume ? resume.graph : await inputGraph(ctx, ws, out);
  // A saved run with no node (made before such runs were refused) runs nothing either.
  if (graph.nodes.length === 0) throw exec.nothingToRun(0);
  const config = await exec.loadExecutorConfig(ws.root);
  const where = exec.chooseBackend(values, io.env, config, saved);
  const params = who.agentMode ? exec.agentRunParams(agentRequest(values), saved, config) : undefined;
  const dryRun = params?.dryRun ?? false;
  if (where.backend === 'bullmq' && dryRun)
    throw new St3Error('E_BACKEND_OPTION', '--dry-run keeps the changes in one process: it cannot run on workers', {
      hint: 'drop --dry-run, or run with --backend local',
    });
  // Before the agent: choosing an agent counts its parses on the run's telemetry.
  const telemetry = values.telemetry
    ? (await import('@st3/telemetry')).cliTelemetry({
        root: ws.root,
        tool: 'execute',
        ...(values.task ? { taskId: values.task } : {}),
      })
    : undefined;
  const agent = params
    ? await agentSettings({ params, ws, env: io.env, usageError: ctx.usageError, ...(telemetry ? { telemetry } : {}) })
    : undefined;
  const price = agent ? exec.priceOf(config, agent.choice.name) : undefined;
  const { startRunMetrics } = await import('../execute/metrics.js');
  const metrics = await startRunMetrics({
    root: ws.root,
    backend: where.backend,
    out,
    ...(price ? { price } : {}),
    ...(values['metrics-port'] !== undefined ? { port: values['metrics-port'] } : {}),
    ...(values['metrics-host'] ? { host: values['metrics-host'] } : {}),
  });
  if (metrics.url && !common.json) out.info(`metrics: ${metrics.url}`);
  const { schedulerBackend } = await import('../execute/backend.js');
  const backend = await schedulerBackend(where, out, metrics);
  const base = {
    settings,
    root: ws.root,
    io,
    out,
    quiet: common.quiet,
    metrics,
    saveBackend: { backend: where.backend, ...(where.queue ? { queue: where.queue } : {}) },
    ...(backend ? { backend } : {}),
    ...(resume ? { resume } : { runId }),
    ...(telemetry ? { telemetry } : {}),
  };
  try {
    if (!agent) {
      const { runCommandMode } = await import('../execute/command-run.js');
      const queue = exec.createReviewQueue(join(ws.st3Dir, 'review'));
      const review = values.review ?? saved.review === true;
      return await runCommandMode({ ...base, graph, template: who.template!, review, store, queue });
    }
    const { runAgentMode } = await import('../execute/agent-run.js');
    return await runAgentMode({ ...base, graph, ...agent, dryRun });
  } finally {
    await metrics.close();
  }
}

/** The graph of the command's inputs (atoms, graph files or sources), limited by --only-matching. */
async function inputGraph(
  { values, args, common, io, usage, usageError }: ExecuteContext,
  ws: Workspace,
  out: ReturnType<typeof createOutput>,
): Promise<GraphInput> {
  let onlyMatching: RegExp | undefined;
  if (values['only-matching'] !== undefined) {
    try {
      onlyMatching = new RegExp(values['only-matching']);
    } catch (error) {
      throw usageError(`--only-matching is not a regular expression: ${(error as Error).message}`);
    }
  }
  const { loadRunnableGraph } = await import('../agent-graph.js');
  const loaded = await loadRunnableGraph(args.inputs, {
    cwd: resolve(io.cwd, common.cwd ?? '.'),
    root: ws.root,
    out,
    usage,
    ...(onlyMatching ? { onlyMatching } : {}),
  });
  if (onlyMatching && !common.json) out.info(`${loaded.selected} of ${loaded.total} atom(s) match ${onlyMatching}`);
  return loaded.graph;
}
