import type { Output } from '@st3/cli-kit';
import type { RunnableGraph } from '@st3/executor';
import { loadGraphInputs } from './graph-inputs.js';

export type { RunnableGraph } from '@st3/executor';

/**
 * What `st3 execute` runs: graphs, atomizer output and source paths (atomized now), read as `st3
 * graph` reads them, made runnable by `runnableGraph` of @st3/executor — the function the MCP
 * `execute` tool calls too: cycles cut by the same feedback arc set, every node that names a file and
 * lines carrying its code, `onlyMatching` keeping the nodes whose code matches. Selecting nothing is
 * E_EXEC_NOTHING unless `allowEmpty`.
 */
export async function loadRunnableGraph(
  paths: string[],
  options: { cwd: string; root: string; out: Output; usage: string; onlyMatching?: RegExp; allowEmpty?: boolean },
): Promise<RunnableGraph> {
  const { runnableGraph } = await import('@st3/executor');
  const inputs = await loadGraphInputs(paths, options);
  const runnable = await runnableGraph(inputs, {
    root: options.root,
    ...(options.onlyMatching ? { onlyMatching: options.onlyMatching } : {}),
    ...(options.allowEmpty ? { allowEmpty: true } : {}),
  });
  const cut = runnable.removedEdges;
  if (cut.length > 0)
    options.out.warn(
      `${cut.length} edge(s) cut to break ${runnable.cycles.length} cycle(s): ${cut
        .slice(0, 5)
        .map((e) => `${e.from} → ${e.to}`)
        .join(', ')}${cut.length > 5 ? ', …' : ''}`,
    );
  return runnable;
}
