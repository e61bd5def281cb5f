import type * as DepGraph from '@st3/dep-graph';
import type { GraphInputs } from '@st3/dep-graph';
import { errorFromDiagnostics, GraphEdgeSchema, GraphOutputSchema, St3Error } from '@st3/schemas';
import { z } from 'zod';
import { resolveInside } from '../paths.js';
import { plural } from '../results.js';
import { defineTool, READ_ONLY, type ToolContext } from '../tool.js';
import { DiagnosticSchema, pathsArg, workspacePath, declares, type OutputOf } from './common.js';

/** A source file the atomizer could not read or parse: in no atom, so in no graph and not validated. */
const SkippedSchema = z.object({ path: z.string(), reason: z.string() });

/** `; N source files not atomized (a.rb, …)`, for a summary line; empty when none was skipped. */
function skippedNote(skipped: readonly { path: string }[], what: string): string {
  if (skipped.length === 0) return '';
  const named = skipped.slice(0, 5).map((s) => s.path);
  return `; ${plural(skipped.length, 'source file')} not atomized, so ${what}: ${named.join(', ')}${skipped.length > 5 ? ', …' : ''}`;
}

/** `GraphStats` of @st3/dep-graph. */
const GraphStatsSchema = z.object({
  nodes: z.number(),
  edges: z.number(),
  edgesByType: z.record(z.string(), z.number()),
  cyclicComponents: z.number(),
  selfLoops: z.number(),
  cyclesFound: z.number(),
  cyclesTruncated: z.boolean(),
  edgesRemoved: z.number(),
  removedWeight: z.number(),
  waves: z.number(),
  widestWave: z.number(),
  meanParallelism: z.number(),
  criticalPathLength: z.number(),
  maxWidth: z.number().optional(),
  overfullWaves: z.array(z.number()).optional(),
});

/**
 * The inputs of the graph tools, read by `loadGraphInputs` of @st3/dep-graph as the CLI's graph verbs
 * read them (the same function): `.json`/`.yaml` files are atomizer output or `{nodes, edges}` graphs,
 * anything else is atomized (files it skips are listed in `skipped`); paths resolved inside the
 * workspace root, tsconfig `paths` from `tsconfig` (default: the workspace tsconfig.json).
 */
export async function loadInputs(
  paths: string[],
  ctx: ToolContext,
  options: { tsconfig?: string } = {},
): Promise<GraphInputs> {
  const { loadGraphInputs } = await import('@st3/dep-graph');
  return loadGraphInputs(paths, {
    cwd: ctx.root,
    root: ctx.root,
    ...(options.tsconfig !== undefined ? { tsconfig: options.tsconfig } : {}),
    resolvePath: (p) => resolveInside(ctx.root, p),
    name: (p) => workspacePath(ctx.root, p),
    signal: ctx.signal,
    onProgress: (p) => ctx.progress({ progress: p.done, total: p.total, message: p.path }),
  });
}

/** The `tsconfig` argument as loadInputs takes it (absent: the workspace tsconfig.json). */
const tsconfigOf = (args: { tsconfig?: string | undefined }) =>
  args.tsconfig !== undefined ? { tsconfig: args.tsconfig } : {};

const widthArg = z
  .number()
  .int()
  .positive()
  .optional()
  .describe('at most this many nodes per wave where slack allows (the wave count never grows)');
const tsconfigArg = z
  .string()
  .min(1)
  .optional()
  .describe('resolve tsconfig `paths` from this file (default: the workspace tsconfig.json)');
const inputPaths = pathsArg.describe(
  'source files, folders or globs; atomizer JSON; {nodes, edges} graph files (.json/.yaml)',
);

export const dependencyGraphTool = defineTool({
  name: 'dependency_graph',
  title: 'Dependency graph',
  area: 'atoms',
  cli: 'st3 graph',
  description:
    'Build the dependency graph of atoms from source paths, atomizer JSON or {nodes, edges} graph files: cycles, the edges cut to break them, parallel waves, the critical path and statistics. With format dot or mermaid, the export text is in the `export` field. A file with syntax errors is in the graph only as far as it parsed: its diagnostics are in `warnings`.',
  input: z.object({
    paths: inputPaths,
    format: z
      .enum(['json', 'dot', 'mermaid'])
      .default('json')
      .describe('also export the graph as DOT or Mermaid text (field `export`)'),
    width: widthArg,
    maxCycles: z
      .number()
      .int()
      .nonnegative()
      .default(100)
      .describe('list at most this many cycles (cutting them is exact regardless)'),
    files: z
      .boolean()
      .default(false)
      .describe('the file-level import graph instead of the atom graph (atomizer input only)'),
    tsconfig: tsconfigArg,
  }),
  output: GraphOutputSchema.extend({
    ok: z.literal(true),
    stats: GraphStatsSchema,
    criticalPath: z.array(z.string()),
    warnings: z.array(DiagnosticSchema),
    skipped: z.array(SkippedSchema),
    format: z.enum(['json', 'dot', 'mermaid']),
    export: z.string().optional(),
  }),
  annotations: READ_ONLY,
  async run(args, ctx) {
    const inputs = await loadInputs(args.paths, ctx, tsconfigOf(args));
    let graph = inputs.graph;
    if (args.files) {
      if (!inputs.built)
        throw new St3Error('E_GRAPH_OPTIONS', 'files needs atomizer output or source paths', {
          hint: 'a {nodes, edges} graph has no files to group by',
        });
      graph = inputs.built.files;
    }
    const { analyzeGraph, exportGraph } = await import('@st3/dep-graph');
    const analysis = analyzeGraph(graph, {
      maxCycles: args.maxCycles,
      ...(args.width !== undefined ? { maxWidth: args.width } : {}),
    });
    return {
      ok: true as const,
      ...analysis,
      warnings: inputs.warnings,
      skipped: inputs.skipped,
      format: args.format,
      ...(args.format !== 'json' ? { export: exportGraph(analysis, args.format) } : {}),
    };
  },
  summary({ stats: s, warnings, skipped }) {
    const cycles =
      s.cyclesFound > 0 ? `${s.cyclesFound} cycles broken by cutting ${plural(s.edgesRemoved, 'edge')}` : 'no cycles';
    return `${plural(s.nodes, 'node')}, ${plural(s.edges, 'edge')}, ${plural(s.waves, 'wave')} (widest ${s.widestWave}), critical path ${s.criticalPathLength}, ${cycles}${warnings.length > 0 ? `; ${plural(warnings.length, 'warning')}` : ''}${skippedNote(skipped, 'not in the graph')}`;
  },
});

/**
 * How many nodes the waves hold and how many the widest does, in one loop: a chain of 200,000 nodes is
 * 200,000 waves, too many to spread into `Math.max` (V8's argument limit is the call stack).
 */
function waveSizes(waves: readonly (readonly string[])[]): { nodes: number; widest: number } {
  let nodes = 0;
  let widest = 0;
  for (const wave of waves) {
    nodes += wave.length;
    if (wave.length > widest) widest = wave.length;
  }
  return { nodes, widest };
}

export const wavesTool = defineTool({
  name: 'waves',
  title: 'Parallel waves',
  area: 'atoms',
  cli: 'st3 waves',
  description:
    'Plan parallel waves: wave 0 has no dependencies, wave N depends only on earlier waves (cycles are cut first). Returns {waves, criticalPath, removedEdges, stats, warnings, skipped}; a file with syntax errors is in the waves only as far as it parsed (its diagnostics are in `warnings`).',
  input: z.object({ paths: inputPaths, width: widthArg, tsconfig: tsconfigArg }),
  output: z.object({
    ok: z.literal(true),
    waves: z.array(z.array(z.string())),
    criticalPath: z.array(z.string()),
    removedEdges: z.array(GraphEdgeSchema),
    stats: GraphStatsSchema,
    warnings: z.array(DiagnosticSchema),
    skipped: z.array(SkippedSchema),
  }),
  annotations: READ_ONLY,
  async run(args, ctx) {
    const inputs = await loadInputs(args.paths, ctx, tsconfigOf(args));
    const { analyzeGraph } = await import('@st3/dep-graph');
    const a = analyzeGraph(inputs.graph, args.width !== undefined ? { maxWidth: args.width } : {});
    return {
      ok: true as const,
      waves: a.waves,
      criticalPath: a.criticalPath,
      removedEdges: a.removedEdges,
      stats: a.stats,
      warnings: inputs.warnings,
      skipped: inputs.skipped,
    };
  },
  summary(r) {
    const { nodes, widest } = waveSizes(r.waves);
    return `${plural(r.waves.length, 'wave')} for ${plural(nodes, 'node')}, widest ${widest}, critical path ${r.criticalPath.length}${r.removedEdges.length > 0 ? `; ${plural(r.removedEdges.length, 'edge')} cut to break cycles` : ''}${r.warnings.length > 0 ? `; ${plural(r.warnings.length, 'warning')}` : ''}${skippedNote(r.skipped, 'not in the waves')}`;
  },
});

const IssueSchema = z.object({
  severity: z.enum(['error', 'warning', 'info']),
  message: z.string(),
  file: z.string().optional(),
  line: z.number().optional(),
  column: z.number().optional(),
  atom: z.string().optional(),
  hint: z.string().optional(),
});
const LevelSchema = z.enum(['atom', 'task', 'milestone', 'plan']);

/** A level's verdict in the summary: one no selected check ran on (`checks` left it out) measured nothing, never a pass. */
function levelVerdict(l: { level: string; passed: boolean; checks: number; errors: number }): string {
  if (l.checks === 0) return `${l.level} not checked`;
  return `${l.level} ${l.passed ? 'pass' : `${l.errors} errors`}`;
}

export const validatePlanTool = defineTool({
  name: 'validate_plan',
  title: 'Validate a plan of atoms',
  area: 'atoms',
  cli: 'st3 validate-plan',
  description:
    'Validate a plan of atoms at four levels (atom, task, milestone, plan) with scored checks: atomicity, unresolved symbols, forbidden dependencies, fan-in/fan-out, cycles. isError when the plan fails. Without a plan file, each file is a task and each folder a milestone. A file with syntax errors is validated only as far as it parsed: its diagnostics are in `warnings`, and each fails atom.syntax (an error at its line:column).',
  input: z.object({
    paths: pathsArg.describe('source files, folders or globs, or atomizer JSON'),
    plan: z.string().min(1).optional().describe('plan file {milestones: [{id, tasks: [{id, files: [globs]}]}]}'),
    checks: z.array(z.string().min(1)).optional().describe('run only these checks'),
    globals: z.array(z.string().min(1)).optional().describe('names the runtime provides, for symbol resolution'),
    forbid: z
      .array(z.object({ from: z.string().min(1), to: z.string().min(1) }))
      .optional()
      .describe('files under `from` must not depend on files under `to`'),
    maxFanIn: z.number().int().positive().default(25),
    maxFanOut: z.number().int().positive().default(15),
    all: z.boolean().default(false).describe('list passing results too'),
    tsconfig: tsconfigArg,
  }),
  output: z.object({
    ok: z.boolean(),
    passed: z.boolean(),
    score: z.number(),
    levels: z.array(
      z.object({
        level: LevelSchema,
        score: z.number(),
        passed: z.boolean(),
        checks: z.number(),
        errors: z.number(),
        warnings: z.number(),
      }),
    ),
    results: z.array(
      z.object({
        check: z.string(),
        level: LevelSchema,
        subject: z.string(),
        score: z.number(),
        passed: z.boolean(),
        issues: z.array(IssueSchema),
      }),
    ),
    stats: GraphStatsSchema,
    skipped: z.array(SkippedSchema),
    warnings: z.array(DiagnosticSchema),
  }),
  annotations: READ_ONLY,
  async run(args, ctx) {
    const g = await import('@st3/dep-graph');
    const registry = new g.CheckRegistry();
    for (const id of args.checks ?? [])
      if (!registry.get(id))
        throw new St3Error('E_GRAPH_OPTIONS', `unknown check "${id}"`, {
          hint: `checks: ${registry
            .list()
            .map((c) => c.id)
            .join(', ')}`,
        });
    let group;
    if (args.plan) {
      const spec = await g.loadPlanSpec(resolveInside(ctx.root, args.plan), args.plan);
      if (spec.errors.length > 0 || !spec.value)
        throw errorFromDiagnostics(
          spec.errors[0]?.code ?? 'E_SCHEMA',
          `cannot read the plan ${args.plan}`,
          spec.errors,
        );
      group = g.groupFromPlan(spec.value);
      // As the CLI: a task or milestone of the plan that gets no atom is an error at its line in the plan.
      registry.register(g.planCoverageCheck(spec.value));
    }
    const inputs = await loadInputs(args.paths, ctx, tsconfigOf(args));
    const only = args.checks && args.plan ? [...args.checks, g.PLAN_COVERAGE_CHECK] : args.checks;
    // As the CLI: files the atomizer skipped fail the plan (what was not atomized was not validated).
    const report = g.validatePlanInputs(inputs, args.paths, {
      registry,
      ...(group ? { group } : {}),
      ...(args.globals ? { globals: args.globals } : {}),
      ...(args.forbid ? { forbidden: args.forbid } : {}),
      ...(only ? { only } : {}),
      includePassing: args.all,
      maxFanIn: args.maxFanIn,
      maxFanOut: args.maxFanOut,
    });
    // As `st3 validate-plan --json`: the inputs' warnings (syntax errors: atoms and edges possibly missing).
    return { ...g.planValidationJson(report), warnings: inputs.warnings };
  },
  summary: (r) =>
    `plan score ${r.score.toFixed(3)}: ${r.passed ? 'passed' : 'failed'} (${r.levels.map(levelVerdict).join(', ')})${r.warnings.length > 0 ? `; ${plural(r.warnings.length, 'warning')}` : ''}${skippedNote(r.skipped, 'not validated')}`,
  failed: (r) => !r.ok,
});

// These results carry library objects whole, and the server refuses a field the output schema lacks
// (E_INTERNAL): tsc checks that the hand-written schemas declare every field the library returns.
// `GraphAnalysis.stats` is typed `GraphStats & Record<string, unknown>` (any key passes): checked against
// `GraphStats`, the keys analyzeGraph sets.
declares<z.output<typeof GraphStatsSchema>, DepGraph.GraphStats>(true);
declares<OutputOf<typeof dependencyGraphTool>, Omit<DepGraph.GraphAnalysis, 'stats'>>(true);
declares<OutputOf<typeof validatePlanTool>, Omit<ReturnType<typeof DepGraph.planValidationJson>, 'stats'>>(true);
declares<OutputOf<typeof wavesTool>, Pick<DepGraph.GraphInputs, 'skipped' | 'warnings'>>(true);
