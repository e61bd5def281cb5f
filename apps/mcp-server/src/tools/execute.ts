import { join } from 'node:path';
import type * as Executor from '@st3/executor';
import type { AgentRunParams, AgentRunRequest, RunSettings } from '@st3/executor';
import {
  isSt3Error,
  NodeStateSchema,
  RunStatusSchema,
  St3Error,
  type ExecutorConfig,
  type GraphInput,
  type RunState,
  type TokenPrice,
} from '@st3/schemas';
import type { ExecutionRunMetrics } from '@st3/telemetry';
import { z } from 'zod';
import { shownPath } from '../paths.js';
import { plural } from '../results.js';
import { defineTool, type ToolContext } from '../tool.js';
import { DiagnosticSchema } from './common.js';
import { loadInputs } from './graph.js';

const executeInput = z.object({
  paths: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .describe('source files, folders or globs; atomizer JSON; {nodes, edges} graph files (not with resume)'),
  instruction: z
    .string()
    .min(1)
    .optional()
    .describe('what the agent is to do with each atom (with resume: the saved one unless given)'),
  resume: z
    .string()
    .min(1)
    .optional()
    .describe('the id of a saved run to continue (.st3/runs/<id>.json; see run_status)'),
  task: z
    .string()
    .min(1)
    .optional()
    .describe(
      "a task id or task file, as `st3 execute --task`: the instruction comes from the task file when none is given, and the run's patch is attached to the task as diff evidence (not in a dry run)",
    ),
  agent: z.string().min(1).optional().describe('agent name in .st3/config/agents.yaml (default: its default)'),
  agentUrl: z.string().url().optional().describe('an ad-hoc OpenAI-compatible endpoint instead'),
  agentModel: z.string().min(1).optional().describe('the model, with agentUrl'),
  onlyMatching: z.string().min(1).optional().describe('run only the atoms whose code matches this regular expression'),
  reviewBelow: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe(
      "queue changes below this confidence for review (default: the saved run's, else review_below of .st3/config/executor.yaml, else 0.7)",
    ),
  dryRun: z
    .boolean()
    .optional()
    .describe("write only the run record and .st3/runs/<id>.patch (default false, or the saved run's)"),
  concurrency: z
    .number()
    .int()
    .positive()
    .optional()
    .describe("nodes running at once (default 100, or the saved run's)"),
  retries: z
    .number()
    .int()
    .nonnegative()
    .optional()
    .describe("retries after a failed attempt (default 2, or the saved run's)"),
  mode: z
    .enum(['eager', 'waves'])
    .optional()
    .describe(
      "eager: a node starts when its dependencies are done; waves: wave barriers (default eager, or the saved run's)",
    ),
  timeout: z
    .number()
    .positive()
    .optional()
    .describe(
      "seconds per attempt (a timed-out attempt is retried with twice the time; default none, or the saved run's)",
    ),
  backoff: z
    .number()
    .nonnegative()
    .optional()
    .describe("seconds before the first retry, doubling each time (default 1, or the saved run's)"),
});

export const executeTool = defineTool({
  name: 'execute',
  title: 'Execute atoms with an agent',
  area: 'execute',
  cli: 'st3 execute --agent',
  description:
    "Hand each atom of a graph, in dependency order, to an agent of .st3/config/agents.yaml (or an OpenAI-compatible URL): its answer is validated (syntax, atomicity, the quality gates in a scratch copy), then applied, or queued for review when its confidence is below reviewBelow. Nodes applied or approved before are skipped; rejected ones are regenerated with the reviewer's feedback. dryRun writes only the run record and its patch. resume continues a saved run (interrupted, or with failed nodes) with its own graph, agent, instruction and settings, as `st3 execute --resume` does; a run still executing is refused (E_LOCKED). Settings not given come from the saved run, then .st3/config/executor.yaml (review_below), as in `st3 execute`; a backend other than local there is refused (E_BACKEND_OPTION: the nodes run in the server's process). Nothing to run (an empty graph, onlyMatching matching no atom) is E_EXEC_NOTHING. Each run is added to the execution metrics totals (.st3/telemetry/execution-metrics.json, read by `st3 metrics serve`: runs, atoms, retries, waves, durations, tokens and cost at the agent's price in .st3/config/executor.yaml) as `st3 execute` adds it; a totals file that cannot be written is a warning in `warnings`, and the run's result stands. Sends progress per node when asked. isError when a node failed.",
  input: executeInput,
  output: z.object({
    ok: z.boolean(),
    runId: z.string(),
    status: RunStatusSchema,
    dryRun: z.boolean(),
    nodes: z.record(z.string(), NodeStateSchema),
    stats: z.record(z.string(), z.unknown()),
    alreadyDone: z.record(z.string(), z.string()),
    patchFile: z.string().nullable(),
    task: z.string().nullable().describe('the task of the run (given, or saved with the run)'),
    evidence: z
      .string()
      .nullable()
      .describe("the id of the run's patch as diff evidence of the task (null: no task, or nothing to attach)"),
    selected: z.number(),
    total: z.number(),
    warnings: z
      .array(DiagnosticSchema)
      .describe("problems that did not fail the run: the run's execution metrics not saved to the totals file"),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  async run(args, ctx) {
    const exec = await import('@st3/executor');
    const store = exec.createFileRunStore(join(ctx.root, '.st3', 'runs'));
    // Held for the whole execution, as `st3 execute` holds it: a resume of a run still executing
    // (over MCP or in a terminal) is refused instead of running its nodes twice.
    const runId = args.resume ?? exec.newRunId();
    return store.exclusive(runId, async () => {
      const resume = args.resume ? await store.load(args.resume) : undefined;
      return execute(exec, await prepareWork(exec, args, ctx, resume), runId, ctx);
    });
  },
  summary(r) {
    const states = Object.values(r.nodes);
    const by = (outcome: string) => states.filter((s) => s.change?.outcome === outcome).length;
    const warned = r.warnings.length > 0 ? `; ${plural(r.warnings.length, 'warning')}` : '';
    // A dry run applies and queues nothing: it says what would have been applied and what would have gone to review.
    const wouldReview = states.filter((s) => s.change?.outcome === 'dry-run' && s.change.reviewReason).length;
    const done = r.dryRun
      ? `${by('dry-run') - wouldReview} would be applied, ${wouldReview} would be queued for review`
      : `${by('applied')} applied, ${by('queued')} queued for review`;
    return `${r.runId} ${r.status}: ${plural(r.selected, 'node')} of ${r.total} run; ${done}, ${states.filter((s) => s.status === 'failed').length} failed${r.dryRun ? ' (dry run)' : ''}${warned}`;
  },
  failed: (r) => !r.ok,
});

type ExecuteArgs = z.output<typeof executeInput>;
type ExecutorModule = typeof Executor;

/** What one execution works on: the graph, the agent, and the settings (given, saved with the run, or configured). */
interface Work {
  graph: GraphInput;
  total: number;
  params: AgentRunParams & { instruction: string };
  settings: RunSettings;
  /** .st3/config/executor.yaml (its prices make the run's cost metrics). */
  config: ExecutorConfig | undefined;
  resume?: RunState;
}

/**
 * The graph and settings of a run, resolved by the functions `st3 execute` calls (@st3/executor): the
 * scheduling settings and the agent's from the arguments, else the saved run's, else
 * .st3/config/executor.yaml, else the defaults; the graph of `paths` by `runnableGraph`.
 */
async function prepareWork(
  exec: ExecutorModule,
  args: ExecuteArgs,
  ctx: ToolContext,
  resume: RunState | undefined,
): Promise<Work> {
  if (resume) checkResumable(args, resume);
  else if (!args.paths || (!args.instruction && !args.task))
    throw new St3Error('E_USAGE', 'paths and an instruction (or a task) are needed to start a run', {
      hint: 'give paths and instruction (or task), or resume a saved run by its id',
    });
  const saved = resume?.options ?? {};
  const settings = exec.runSettings(
    {
      mode: args.mode,
      concurrency: args.concurrency,
      retries: args.retries,
      timeout: args.timeout,
      backoff: args.backoff,
    },
    saved,
  );
  const selected = resume
    ? { graph: resume.graph, total: resume.graph.nodes.length }
    : await newGraph(exec, args.paths!, args.onlyMatching, ctx);
  const config = await exec.loadExecutorConfig(ctx.root);
  const where = exec.chooseBackend({}, process.env, config, saved);
  if (where.backend !== 'local')
    throw new St3Error(
      'E_BACKEND_OPTION',
      `the execute tool runs the nodes in the MCP server's process; ${resume ? `run ${resume.id}` : EXECUTOR_YAML} asks for the ${where.backend} backend (st3 worker processes)`,
      {
        hint: `run it with \`st3 execute${resume ? ` --resume ${resume.id}` : ''}\` in a terminal, or set backend: local in ${EXECUTOR_YAML}`,
      },
    );
  const params = exec.agentRunParams(requestOf(args), saved, config);
  // As `st3 execute --task`: with no instruction given or saved, the task file's.
  const instruction =
    params.instruction ??
    (params.taskId
      ? (await (await import('@st3/evidence')).taskInstruction(ctx.root, params.taskId)).instruction
      : undefined);
  if (instruction === undefined)
    throw new St3Error('E_USAGE', `run ${args.resume ?? ''} has no saved instruction`, {
      hint: 'give the instruction',
    });
  return {
    ...selected,
    params: { ...params, instruction },
    settings,
    config,
    ...(resume ? { resume } : {}),
  };
}

const EXECUTOR_YAML = '.st3/config/executor.yaml';

/** A saved run continues with its own graph, and only an agent run continues here. */
function checkResumable(args: ExecuteArgs, run: RunState): void {
  if (args.paths || args.onlyMatching !== undefined)
    throw new St3Error('E_USAGE', 'a resumed run keeps its own graph: paths and onlyMatching go with a new run', {
      hint: 'drop paths and onlyMatching, or start a new run without resume',
    });
  if (typeof run.options?.command === 'string')
    throw new St3Error('E_USAGE', `run ${run.id} runs a command on its nodes, not an agent`, {
      hint: `resume it with \`st3 execute --resume ${run.id}\``,
    });
}

/** The graph of `paths` made runnable as `st3 execute` makes it (`runnableGraph`): nothing selected is E_EXEC_NOTHING. */
async function newGraph(exec: ExecutorModule, paths: string[], onlyMatching: string | undefined, ctx: ToolContext) {
  let only: RegExp | undefined;
  if (onlyMatching !== undefined) {
    try {
      only = new RegExp(onlyMatching);
    } catch (error) {
      throw new St3Error('E_USAGE', `onlyMatching is not a regular expression: ${(error as Error).message}`);
    }
  }
  const inputs = await loadInputs(paths, ctx);
  const { graph, total } = await exec.runnableGraph(inputs, {
    root: ctx.root,
    ...(only ? { onlyMatching: only } : {}),
  });
  return { graph, total };
}

function requestOf(args: ExecuteArgs): AgentRunRequest {
  return {
    ...(args.agent !== undefined ? { agent: args.agent } : {}),
    ...(args.agentUrl !== undefined ? { agentUrl: args.agentUrl } : {}),
    ...(args.agentModel !== undefined ? { agentModel: args.agentModel } : {}),
    ...(args.instruction !== undefined ? { instruction: args.instruction } : {}),
    ...(args.reviewBelow !== undefined ? { reviewBelow: args.reviewBelow } : {}),
    ...(args.dryRun !== undefined ? { dryRun: args.dryRun } : {}),
    ...(args.task !== undefined ? { task: args.task } : {}),
  };
}

async function execute(exec: ExecutorModule, work: Work, runId: string, ctx: ToolContext) {
  const { params, settings } = work;
  const choice = await exec.chooseAgent(ctx.root, process.env, params.selection);
  const metrics = await runMetrics(ctx.root, exec.priceOf(work.config, choice.name));
  let result: Awaited<ReturnType<ExecutorModule['runAgentExecution']>>;
  try {
    result = await exec.runAgentExecution({
      root: ctx.root,
      graph: work.graph,
      agent: choice.agent,
      instruction: params.instruction,
      reviewBelow: params.reviewBelow,
      dryRun: params.dryRun,
      env: process.env,
      signal: ctx.signal,
      ...settings.execute,
      ...(work.resume ? { resume: work.resume } : { runId }),
      saveOptions: {
        ...choice.saved,
        backend: 'local',
        backoffMs: settings.backoffMs,
        via: 'mcp',
        ...(params.taskId ? { task: params.taskId } : {}),
      },
      onEvent: (e) => {
        metrics.record(e);
        if (e.type === 'progress') ctx.progress({ progress: e.done, total: e.total });
      },
    });
  } catch (error) {
    // The call fails with the run's own error; what the run counted until then is still added.
    await metrics.close().catch(() => undefined);
    throw error;
  }
  const warnings = await metricsSaved(metrics, ctx.root);
  // As `st3 execute --task`: what the agents changed becomes the task's diff evidence.
  const evidence =
    params.taskId && result.patchFile && !params.dryRun
      ? (
          await (
            await import('@st3/evidence')
          ).attachRunPatch(ctx.root, params.taskId, result.patchFile, result.runId, {
            signal: ctx.signal,
            tool: 'st3 mcp execute',
          })
        ).id
      : null;
  return {
    task: params.taskId ?? null,
    evidence,
    ok: result.status === 'succeeded',
    runId: result.runId,
    status: result.status,
    dryRun: params.dryRun,
    nodes: result.nodes,
    stats: { ...result.stats },
    alreadyDone: result.alreadyDone,
    patchFile: result.patchFile ? shownPath(ctx.root, result.patchFile) : null,
    selected: work.graph.nodes.length,
    total: work.total,
    warnings,
  };
}

/**
 * The run's execution metrics, counted as `st3 execute` counts them (@st3/telemetry's
 * `ExecutionRunMetrics`, the agent's price from .st3/config/executor.yaml): added to
 * .st3/telemetry/execution-metrics.json every few seconds and at the end.
 */
async function runMetrics(root: string, price: TokenPrice | undefined) {
  const t = await import('@st3/telemetry');
  return new t.ExecutionRunMetrics({
    file: t.executionTotalsPath(root),
    backend: 'local',
    ...(price ? { price } : {}),
  });
}

/**
 * The last write of the run's metrics. A failed one is a warning of the result, never a failed call:
 * the run and its record stand, only the totals miss it (as `st3 execute` warns and exits with the run's code).
 */
async function metricsSaved(metrics: ExecutionRunMetrics, root: string): Promise<z.output<typeof DiagnosticSchema>[]> {
  try {
    await metrics.close();
    return [];
  } catch (error) {
    const file = shownPath(root, metrics.file);
    const known = isSt3Error(error) ? error : undefined;
    return [
      {
        code: known?.code ?? 'E_WRITE',
        severity: 'warning',
        message: `execution metrics of the run not saved to ${file} (the totals do not count it): ${(error as Error).message}`,
        file,
        hint: known?.hint ?? 'check that the file can be written: the next runs add to it again',
      },
    ];
  }
}
