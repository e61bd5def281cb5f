import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { StageContext, StageReport } from '@st3/cli-kit';
import { analyzeGraph, buildGraphFromAtoms } from '@st3/dep-graph';
import { isSt3Error } from '@st3/schemas';
import { atomizeSources, readTsconfigPaths } from './graph-inputs.js';

const SOURCE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs|py)$/;
const SKIP = new Set([
  'node_modules',
  'dist',
  'build',
  'coverage',
  '.git',
  '.st3',
  '.venv',
  '__pycache__',
  '.pytest_cache',
]);

/** Source files of the workspace (tests included: they are atoms too), sorted, skipping build output and dependencies. */
export function workspaceSources(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.') && entry.name !== '.') continue;
      if (SKIP.has(entry.name)) continue;
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts') && !/\.config\.[cm]?[jt]s$/.test(entry.name))
        out.push(p);
    }
  };
  walk(root);
  return out.sort();
}

/** `st3 run`'s graph stage: atomize the workspace, build the graph, cut cycles, plan waves. */
export async function runGraphStage(ctx: StageContext): Promise<StageReport> {
  const files = workspaceSources(ctx.root);
  if (files.length === 0)
    return { stage: 'graph', ok: true, skipped: true, summary: 'skipped: no TypeScript, JavaScript or Python sources' };
  let atoms;
  try {
    atoms = await atomizeSources(files, ctx.root, { cache: !ctx.dryRun });
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
  return {
    stage: 'graph',
    ok: true,
    summary: `${s.nodes} atoms, ${s.edges} edges, ${s.waves} waves (widest ${s.widestWave}, mean parallelism ${s.meanParallelism}), ${s.edgesRemoved} edge(s) cut to break ${s.cyclicComponents} cycle group(s)`,
    lines,
    data: { stats: s, waves: a.waves, criticalPath: a.criticalPath, removedEdges: a.removedEdges, files: built.files },
  };
}
