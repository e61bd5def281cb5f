import type { Output } from '@st3/cli-kit';
import {
  atomizeSources as atomize,
  loadGraphInputs as load,
  readTsconfigPaths,
  type AtomizedSources,
  type GraphInputs,
} from '@st3/dep-graph';

export type { GraphInputs, SkippedSource } from '@st3/dep-graph';

/**
 * `loadGraphInputs` of @st3/dep-graph (the one reader of the graph verbs' inputs, shared with the MCP
 * tools), its warnings shown on `out`: `st3 atomize --json` output and `{nodes, edges}` graphs
 * (.json/.yaml), source files or folders through the atomizer. Every problem becomes an St3Error with
 * file:line; files the atomizer skipped are warned about and listed in `skipped`.
 */
export function loadGraphInputs(
  paths: readonly string[],
  options: { cwd: string; root: string; tsconfig?: string; out: Output; usage: string },
): Promise<GraphInputs> {
  return load(paths, {
    cwd: options.cwd,
    root: options.root,
    usage: options.usage,
    ...(options.tsconfig !== undefined ? { tsconfig: options.tsconfig } : {}),
    onDiagnostic: (d) => options.out.diagnostic(d),
  });
}

// The tsconfig `paths` reader lives in @st3/dep-graph, shared with the MCP tools; re-exported for the stages here.
export { readTsconfigPaths };

/**
 * `atomizeSources` of @st3/dep-graph, the files it skips warned about on `out`: E_ATOMIZE_NO_FILES when
 * no file is left (an empty graph is no verdict).
 */
export function atomizeSources(
  paths: string[],
  root: string,
  options: { cache?: boolean; out?: Output } = {},
): Promise<AtomizedSources> {
  const { out } = options;
  return atomize(paths, root, {
    ...(options.cache !== undefined ? { cache: options.cache } : {}),
    ...(out ? { onDiagnostic: (d) => out.diagnostic(d) } : {}),
  });
}
