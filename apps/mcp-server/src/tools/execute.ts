import { join, relative, sep } from 'node:path';
import type * as Executor from '@st3/executor';
import type { AgentSelection } from '@st3/executor';
import { NodeStateSchema, RunStatusSchema, St3Error, type GraphInput, type RunState } from '@st3/schemas';
import { z } from 'zod';
import { plural } from '../results.js';
import { defineTool, type ToolContext } from '../tool.js';
import { loadInputs } from './graph.js';

type CodedNode = GraphInput['nodes'][number] & { code?: unknown };

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
  agent: z.string().min(1).optional().describe('agent name in .st3/config/agents.yaml (default: its default)'),
  agentUrl: z.string().url().optional().describe('an ad-hoc OpenAI-compatible endpoint instead'),
  agentModel: z.string().min(1).optional().describe('the model, with agentUrl'),
  onlyMatching: z.string().min(1).optional().describe('run only the atoms whose code matches this regular expression'),
  reviewBelow: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe("queue changes below this confidence for review (default 0.7, or the saved run's)"),
  dryRun: z
    .boolean()
    .optional()
    .describe("write only the run record and .st3/runs/<id>.patch (default false, or the saved run's)"),
  concurrency: z.number().int().positive().optional(),
  retries: z.number().int().nonnegative().optional(),
});

export const executeTool = defineTool({
  name: 'execute',
  title: 'Execute atoms with an agent',
  area: 'execute',
  cli: 'st3 execute --agent',
  description:
    "Hand each atom of a graph, in dependency order, to an agent of .st3/config/agents.yaml (or an OpenAI-compatible URL): its answer is validated (syntax, atomicity, the quality gates in a scratch copy), then applied, or queued for review when its confidence is below reviewBelow. Nodes applied or approved before are skipped; rejected ones are regenerated with the reviewer's feedback. dryRun writes only the run record and its patch. resume continues a saved run (interrupted, or with failed nodes) with its own graph, agent, instruction and settings, as `st3 execute --resume` does; a run still executing is refused (E_LOCKED). Sends progress per node when asked. isError when a node failed.",
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
    selected: z.number(),
    total: z.number(),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  async run(args, ctx) {
    const exec = await import('@st3/executor');
    const store = exec.createFileRunStore(join(ctx.root, '.st3', 'runs'));
    // Held for the whole execution, as `st3 execute` holds it: a resume of a run still executing
    // (over MCP or in a terminal) is refused instead of running its nodes twice.
    const runId = args.resume ?? exec.newRunId();
    return store.exclusive(runId, async () => {
      const work = args.resume ? await savedWork(args, await store.load(args.resume)) : await newWork(args, ctx);
      return execute(exec, work, { ...args, runId }, ctx);
    });
  },
  summary(r) {
    const states = Object.values(r.nodes);
    const by = (outcome: string) => states.filter((s) => s.change?.outcome === outcome).length;
    return `${r.runId} ${r.status}: ${plural(r.selected, 'node')} of ${r.total} run; ${by('applied')} applied, ${by('queued')} queued for review, ${states.filter((s) => s.status === 'failed').length} failed${r.dryRun ? ' (dry run)' : ''}`;
  },
  failed: (r) => !r.ok,
});

type ExecuteArgs = z.output<typeof executeInput>;
type ExecutorModule = typeof Executor;

/** What one execution works on: the graph, the agent, and the settings (given, or saved with the run). */
interface Work {
  graph: GraphInput;
  total: number;
  selection: AgentSelection;
  instruction: string;
  reviewBelow: number;
  dryRun: boolean;
  resume?: RunState;
}

/** A new run: the graph of `paths` (cycles cut), limited to the atoms `onlyMatching` selects. */
async function newWork(args: ExecuteArgs, ctx: ToolContext): Promise<Work> {
  if (!args.paths || !args.instruction)
    throw new St3Error('E_USAGE', 'paths and instruction are needed to start a run', {
      hint: 'give paths and instruction, or resume a saved run by its id',
    });
  let only: RegExp | undefined;
  if (args.onlyMatching !== undefined) {
    try {
      only = new RegExp(args.onlyMatching);
    } catch (error) {
      throw new St3Error('E_USAGE', `onlyMatching is not a regular expression: ${(error as Error).message}`);
    }
  }
  const { restrictGraph } = await import('@st3/executor');
  const { analyzeGraph } = await import('@st3/dep-graph');
  const inputs = await loadInputs(args.paths, ctx);
  // Each atom node carries its code, so an agent run finds the atom again after others in its file changed.
  const codeOf = new Map<string, string>();
  for (const f of inputs.atoms?.files ?? [])
    for (const a of f.atoms) if (typeof a.code === 'string') codeOf.set(a.id, a.code);
  const nodes = inputs.graph.nodes.map((n: CodedNode) =>
    typeof n.code === 'string' || !codeOf.has(n.id) ? n : { ...n, code: codeOf.get(n.id) },
  );
  const cut = new Set(
    analyzeGraph({ nodes, edges: inputs.graph.edges }).removedEdges.map((e) => `${e.from}\u0000${e.to}`),
  );
  let graph: GraphInput = { nodes, edges: inputs.graph.edges.filter((e) => !cut.has(`${e.from}\u0000${e.to}`)) };
  const total = graph.nodes.length;
  if (only) {
    const re = only;
    graph = restrictGraph(graph, (n: CodedNode) => typeof n.code === 'string' && re.test(n.code));
  }
  return {
    graph,
    total,
    selection: selectionOf(args),
    instruction: args.instruction,
    reviewBelow: args.reviewBelow ?? 0.7,
    dryRun: args.dryRun ?? false,
  };
}

/** A saved run: its graph and settings; what the call gives (agent, instruction...) takes precedence. */
async function savedWork(args: ExecuteArgs, run: RunState): Promise<Work> {
  if (args.paths || args.onlyMatching !== undefined)
    throw new St3Error('E_USAGE', 'a resumed run keeps its own graph: paths and onlyMatching go with a new run', {
      hint: 'drop paths and onlyMatching, or start a new run without resume',
    });
  const saved = run.options ?? {};
  if (typeof saved.command === 'string')
    throw new St3Error('E_USAGE', `run ${run.id} runs a command on its nodes, not an agent`, {
      hint: `resume it with \`st3 execute --resume ${run.id}\``,
    });
  const { savedSelection } = await import('@st3/executor');
  const given = selectionOf(args);
  const instruction = args.instruction ?? (typeof saved.instruction === 'string' ? saved.instruction : undefined);
  if (!instruction)
    throw new St3Error('E_USAGE', `run ${run.id} has no saved instruction`, { hint: 'give the instruction' });
  return {
    graph: run.graph,
    total: run.graph.nodes.length,
    selection: Object.keys(given).length > 0 ? given : (savedSelection(saved) ?? {}),
    instruction,
    reviewBelow: args.reviewBelow ?? (typeof saved.reviewBelow === 'number' ? saved.reviewBelow : 0.7),
    dryRun: args.dryRun ?? saved.dryRun === true,
    resume: run,
  };
}

function selectionOf(args: ExecuteArgs): AgentSelection {
  return {
    ...(args.agent ? { name: args.agent } : {}),
    ...(args.agentUrl ? { url: args.agentUrl } : {}),
    ...(args.agentModel ? { model: args.agentModel } : {}),
  };
}

async function execute(exec: ExecutorModule, work: Work, args: ExecuteArgs & { runId: string }, ctx: ToolContext) {
  const choice = await exec.chooseAgent(ctx.root, process.env, work.selection);
  const result = await exec.runAgentExecution({
    root: ctx.root,
    graph: work.graph,
    agent: choice.agent,
    instruction: work.instruction,
    reviewBelow: work.reviewBelow,
    dryRun: work.dryRun,
    env: process.env,
    signal: ctx.signal,
    ...(work.resume ? { resume: work.resume } : { runId: args.runId }),
    ...(args.concurrency !== undefined ? { concurrency: args.concurrency } : {}),
    ...(args.retries !== undefined ? { retries: args.retries } : {}),
    saveOptions: { ...choice.saved, via: 'mcp' },
    onEvent: (e) => {
      if (e.type === 'progress') ctx.progress({ progress: e.done, total: e.total });
    },
  });
  return {
    ok: result.status === 'succeeded',
    runId: result.runId,
    status: result.status,
    dryRun: work.dryRun,
    nodes: result.nodes,
    stats: { ...result.stats },
    alreadyDone: result.alreadyDone,
    patchFile: result.patchFile ? relative(ctx.root, result.patchFile).split(sep).join('/') : null,
    selected: work.graph.nodes.length,
    total: work.total,
  };
}
