import { relative, sep } from 'node:path';
import { NodeStateSchema, RunStatusSchema, St3Error, type GraphInput } from '@st3/schemas';
import { z } from 'zod';
import { plural } from '../results.js';
import { defineTool } from '../tool.js';
import { loadInputs } from './graph.js';

type CodedNode = GraphInput['nodes'][number] & { code?: unknown };

export const executeTool = defineTool({
  name: 'execute',
  title: 'Execute atoms with an agent',
  area: 'execute',
  cli: 'st3 execute --agent',
  description:
    "Hand each atom of a graph, in dependency order, to an agent of .st3/config/agents.yaml (or an OpenAI-compatible URL): its answer is validated (syntax, atomicity, the quality gates in a scratch copy), then applied, or queued for review when its confidence is below reviewBelow. Nodes applied or approved before are skipped; rejected ones are regenerated with the reviewer's feedback. dryRun writes only the run record and its patch. Sends progress per node when asked. isError when a node failed.",
  input: z.object({
    paths: z
      .array(z.string().min(1))
      .min(1)
      .describe('source files, folders or globs; atomizer JSON; {nodes, edges} graph files'),
    instruction: z.string().min(1).describe('what the agent is to do with each atom'),
    agent: z.string().min(1).optional().describe('agent name in .st3/config/agents.yaml (default: its default)'),
    agentUrl: z.string().url().optional().describe('an ad-hoc OpenAI-compatible endpoint instead'),
    agentModel: z.string().min(1).optional().describe('the model, with agentUrl'),
    onlyMatching: z
      .string()
      .min(1)
      .optional()
      .describe('run only the atoms whose code matches this regular expression'),
    reviewBelow: z.number().min(0).max(1).default(0.7).describe('queue changes below this confidence for review'),
    dryRun: z.boolean().default(false).describe('write only the run record and .st3/runs/<id>.patch'),
    concurrency: z.number().int().positive().optional(),
    retries: z.number().int().nonnegative().optional(),
  }),
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
    let only: RegExp | undefined;
    if (args.onlyMatching !== undefined) {
      try {
        only = new RegExp(args.onlyMatching);
      } catch (error) {
        throw new St3Error('E_USAGE', `onlyMatching is not a regular expression: ${(error as Error).message}`);
      }
    }
    const exec = await import('@st3/executor');
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
      graph = exec.restrictGraph(graph, (n: CodedNode) => typeof n.code === 'string' && re.test(n.code));
    }
    const selection = {
      ...(args.agent ? { name: args.agent } : {}),
      ...(args.agentUrl ? { url: args.agentUrl } : {}),
      ...(args.agentModel ? { model: args.agentModel } : {}),
    };
    const { name, config } = exec.selectAgent(await exec.loadAgentsConfig(ctx.root), selection);
    const result = await exec.runAgentExecution({
      root: ctx.root,
      graph,
      agent: exec.createAgent(name, config, { root: ctx.root, env: process.env }),
      instruction: args.instruction,
      reviewBelow: args.reviewBelow,
      dryRun: args.dryRun,
      env: process.env,
      signal: ctx.signal,
      ...(args.concurrency !== undefined ? { concurrency: args.concurrency } : {}),
      ...(args.retries !== undefined ? { retries: args.retries } : {}),
      saveOptions: {
        agent: name,
        ...(args.agentUrl ? { agentUrl: args.agentUrl } : {}),
        ...(args.agentModel ? { agentModel: args.agentModel } : {}),
        via: 'mcp',
      },
      onEvent: (e) => {
        if (e.type === 'progress') ctx.progress({ progress: e.done, total: e.total });
      },
    });
    return {
      ok: result.status === 'succeeded',
      runId: result.runId,
      status: result.status,
      dryRun: args.dryRun,
      nodes: result.nodes,
      stats: { ...result.stats },
      alreadyDone: result.alreadyDone,
      patchFile: result.patchFile ? relative(ctx.root, result.patchFile).split(sep).join('/') : null,
      selected: graph.nodes.length,
      total,
    };
  },
  summary(r) {
    const states = Object.values(r.nodes);
    const by = (outcome: string) => states.filter((s) => s.change?.outcome === outcome).length;
    return `${r.runId} ${r.status}: ${plural(r.selected, 'node')} of ${r.total} run; ${by('applied')} applied, ${by('queued')} queued for review, ${states.filter((s) => s.status === 'failed').length} failed${r.dryRun ? ' (dry run)' : ''}`;
  },
  failed: (r) => !r.ok,
});
