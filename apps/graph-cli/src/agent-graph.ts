import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { Output } from '@st3/cli-kit';
import { St3Error, type GraphInput } from '@st3/schemas';
import { loadGraphInputs } from './graph-inputs.js';

export interface RunnableGraph {
  graph: GraphInput;
  /** Nodes in the inputs, and how many `onlyMatching` kept. */
  total: number;
  selected: number;
}

type CodedNode = GraphInput['nodes'][number] & {
  path?: string;
  file?: string;
  startLine?: number;
  endLine?: number;
  code?: string;
};

/**
 * What `st3 execute` runs: graphs, atomizer output and source paths (atomized now), read as `st3
 * graph` reads them, with cycles cut by the same feedback arc set. Every node that names a file and
 * lines carries its `code` (from the atoms, else read from the file now), so agent runs can find the
 * atom again after other atoms of its file changed. `onlyMatching` keeps the nodes whose code matches;
 * the others are context only (an order through them is kept).
 */
export async function loadRunnableGraph(
  paths: string[],
  options: { cwd: string; root: string; out: Output; usage: string; onlyMatching?: RegExp },
): Promise<RunnableGraph> {
  const [{ analyzeGraph }, { restrictGraph }] = await Promise.all([import('@st3/dep-graph'), import('@st3/executor')]);
  const { graph, atoms } = await loadGraphInputs(paths, options);
  const seen = new Set<string>();
  for (const n of graph.nodes) {
    if (seen.has(n.id))
      throw new St3Error('E_EXEC_GRAPH_INVALID', `node "${n.id}" appears more than once in the inputs`, {
        hint: 'node ids must be unique across the graphs given',
      });
    seen.add(n.id);
  }
  const codeOf = new Map<string, string>();
  for (const f of atoms?.files ?? []) for (const a of f.atoms) if (typeof a.code === 'string') codeOf.set(a.id, a.code);
  const texts = new Map<string, Promise<string | undefined>>();
  const nodes = await Promise.all(
    graph.nodes.map(async (raw) => {
      const n = raw as CodedNode;
      if (typeof n.code === 'string') return n;
      const known = codeOf.get(n.id);
      if (known !== undefined) return { ...n, code: known };
      const file = typeof n.path === 'string' ? n.path : typeof n.file === 'string' ? n.file : undefined;
      if (!file || typeof n.startLine !== 'number') return n;
      const abs = isAbsolute(file) ? file : join(options.root, file);
      if (!texts.has(abs))
        texts.set(
          abs,
          readFile(abs, 'utf8').catch(() => undefined),
        );
      const text = await texts.get(abs)!;
      if (text === undefined) return n;
      const end = typeof n.endLine === 'number' ? n.endLine : n.startLine;
      return {
        ...n,
        code: text
          .split('\n')
          .slice(n.startLine - 1, end)
          .join('\n'),
      };
    }),
  );
  let runnable: GraphInput = { nodes, edges: graph.edges };
  const analysis = analyzeGraph(runnable);
  if (analysis.removedEdges.length > 0) {
    options.out.warn(
      `${analysis.removedEdges.length} edge(s) cut to break ${analysis.cycles.length} cycle(s): ${analysis.removedEdges
        .slice(0, 5)
        .map((e) => `${e.from} → ${e.to}`)
        .join(', ')}${analysis.removedEdges.length > 5 ? ', …' : ''}`,
    );
    const cut = new Set(analysis.removedEdges.map((e) => `${e.from}\u0000${e.to}`));
    runnable = { nodes, edges: graph.edges.filter((e) => !cut.has(`${e.from}\u0000${e.to}`)) };
  }
  const total = runnable.nodes.length;
  if (options.onlyMatching) {
    const re = options.onlyMatching;
    runnable = restrictGraph(
      runnable,
      (n) => typeof (n as CodedNode).code === 'string' && re.test((n as CodedNode).code!),
    );
  }
  return { graph: runnable, total, selected: runnable.nodes.length };
}
