import type { StageContext, StageReport } from '@st3/cli-kit';
import { analyzeGraph, buildGraphFromAtoms } from '@st3/dep-graph';
import { isSt3Error, type Diagnostic } from '@st3/schemas';
import { atomizeSources, readTsconfigPaths, type SkippedSource } from './graph-inputs.js';
import { workspaceSources } from './workspace-sources.js';

/** `st3 run`'s graph stage: atomize the workspace, build the graph, cut cycles, plan waves. */
export async function runGraphStage(ctx: StageContext): Promise<StageReport> {
  const files = await workspaceSources(ctx.root);
  if (files.length === 0)
    return { stage: 'graph', ok: true, skipped: true, summary: 'skipped: no TypeScript, JavaScript or Python sources' };
  let atoms;
  const unread: Diagnostic[] = [];
  try {
    atoms = await atomizeSources(files, ctx.root, {
      cache: !ctx.dryRun,
      onDiagnostic: (d) => void (d.code === 'E_FILE_READ' && unread.push(d)),
    });
  } catch (error) {
    if (isSt3Error(error, 'E_GRAPH_NO_ATOMIZER'))
      return { stage: 'graph', ok: true, skipped: true, summary: `skipped: ${error.message}` };
    throw error;
  }
  const built = buildGraphFromAtoms(atoms, readTsconfigPaths(ctx.root));
  const a = analyzeGraph(built.graph);
  const s = a.stats;
  const lines = a.waves.map((w, i) => `wave ${i}: ${w.length} atom(s)`);
  if (a.removedEdges.length > 0)
    lines.push(...a.removedEdges.slice(0, 10).map((e) => `cycle cut: ${e.from} -> ${e.to} (${e.type})`));
  lines.push(`file imports: ${built.files.edges.length} between ${built.files.nodes.length} files`);
  const gaps = graphGaps(atoms.skipped, parseProblems(atoms.files), unread.length);
  return {
    stage: 'graph',
    // A source it could not read leaves the graph without its atoms and edges: no verdict on the workspace.
    ok: unread.length === 0,
    summary: `${s.nodes} atoms, ${s.edges} edges, ${s.waves} waves (widest ${s.widestWave}, mean parallelism ${s.meanParallelism}), ${s.edgesRemoved} edge(s) cut to break ${s.cyclicComponents} cycle group(s)${gaps.summary}`,
    lines: [...gaps.lines, ...lines],
    data: {
      stats: s,
      waves: a.waves,
      criticalPath: a.criticalPath,
      removedEdges: a.removedEdges,
      files: built.files,
      skipped: atoms.skipped,
    },
  };
}

/** The first parse problem (syntax, or bytes not UTF-8) of each atomized file with any: its imports and calls may be missing. */
function parseProblems(files: readonly object[]): Diagnostic[] {
  return files.flatMap((f) => {
    const first = ((f as { diagnostics?: Diagnostic[] }).diagnostics ?? []).find((d) => d.code === 'E_ATOMIZE_SYNTAX');
    return first ? [first] : [];
  });
}

/** What the graph leaves out or may get wrong, for the summary and the first lines of the report. */
function graphGaps(
  skipped: readonly SkippedSource[],
  problems: readonly Diagnostic[],
  unread: number,
): { summary: string; lines: string[] } {
  const parts: string[] = [];
  if (unread > 0) parts.push(`${unread} source file(s) could not be read`);
  if (skipped.length > unread) parts.push(`${skipped.length - unread} skipped`);
  if (problems.length > 0) parts.push(`${problems.length} with parse problems (their edges may be missing)`);
  const at = (d: Diagnostic) => `${d.file}${d.line !== undefined ? `:${d.line}:${d.column ?? 1}` : ''}`;
  return {
    summary: parts.length > 0 ? `; not complete: ${parts.join(', ')}` : '',
    lines: [
      ...skipped.map((f) => `not in the graph: ${f.path} (${f.reason})`),
      ...problems.map((d) => `parse problem: ${at(d)}: ${d.message}`),
    ],
  };
}
