import type { Output } from '@st3/cli-kit';
import type { Diagnostic } from '@st3/schemas';
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
 * file:line; files the atomizer skipped are warned about and listed in `skipped`, and the diagnostics of
 * the files it atomized (syntax errors) are shown too (all told by `loadGraphInputs`, once each).
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
 * `atomizeSources` of @st3/dep-graph, the files it skips and the diagnostics of those it atomized (syntax errors)
 * warned about on `out` and told to `onDiagnostic`: E_ATOMIZE_NO_FILES when no file is left (an empty graph is no verdict).
 */
export function atomizeSources(
  paths: string[],
  root: string,
  options: { cache?: boolean; out?: Output; onDiagnostic?: (d: Diagnostic) => void } = {},
): Promise<AtomizedSources> {
  const { out, onDiagnostic } = options;
  return atomize(paths, root, {
    ...(options.cache !== undefined ? { cache: options.cache } : {}),
    onDiagnostic: (d) => {
      out?.diagnostic(d);
      onDiagnostic?.(d);
    },
  });
}
