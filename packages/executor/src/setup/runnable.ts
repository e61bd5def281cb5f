import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { St3Error, type AtomizeOutput, type GraphEdge, type GraphInput } from '@st3/schemas';
import { restrictGraph } from '../scheduler/select.js';

/** The inputs of a run as the graph verbs load them: the graph, and the atoms it was built from. */
export interface RunInputs {
  graph: GraphInput;
  atoms?: AtomizeOutput | undefined;
}

export interface RunnableGraphOptions {
  /** Workspace root: relative node paths are read from here. */
  root: string;
  /** Keep only the nodes whose code matches; the others are context only (an order through them is kept). */
  onlyMatching?: RegExp;
  /** Return an empty selection instead of failing with E_EXEC_NOTHING (a caller that skips instead). */
  allowEmpty?: boolean;
}

export interface RunnableGraph {
  graph: GraphInput;
  /** Nodes in the inputs, and how many `onlyMatching` kept. */
  total: number;
  selected: number;
  /** Edges cut to break the cycles (the same feedback arc set as `st3 graph`), and the cycles. */
  removedEdges: GraphEdge[];
  cycles: string[][];
}

type CodedNode = GraphInput['nodes'][number] & {
  path?: string;
  file?: string;
  startLine?: number;
  endLine?: number;
  code?: string;
};

/**
 * What `st3 execute` and the MCP `execute` tool run: the loaded inputs with cycles cut, every node that
 * names a file and lines carrying its `code` (from the atoms, else read from the file now) so an agent
 * run finds the atom again after other atoms of its file changed, limited to the nodes `onlyMatching`
 * selects. Selecting nothing is E_EXEC_NOTHING: running nothing establishes nothing.
 */
export async function runnableGraph(inputs: RunInputs, options: RunnableGraphOptions): Promise<RunnableGraph> {
  const { analyzeGraph } = await import('@st3/dep-graph');
  const seen = new Set<string>();
  for (const n of inputs.graph.nodes) {
    if (seen.has(n.id))
      throw new St3Error('E_EXEC_GRAPH_INVALID', `node "${n.id}" appears more than once in the inputs`, {
        hint: 'node ids must be unique across the graphs given',
      });
    seen.add(n.id);
  }
  const nodes = await withCode(inputs, options.root);
  const analysis = analyzeGraph({ nodes, edges: inputs.graph.edges });
  const cut = new Set(analysis.removedEdges.map((e) => `${e.from}\u0000${e.to}`));
  let graph: GraphInput = { nodes, edges: inputs.graph.edges.filter((e) => !cut.has(`${e.from}\u0000${e.to}`)) };
  const total = graph.nodes.length;
  const re = options.onlyMatching;
  if (re)
    graph = restrictGraph(graph, (n) => typeof (n as CodedNode).code === 'string' && re.test((n as CodedNode).code!));
  const selected = graph.nodes.length;
  if (selected === 0 && !options.allowEmpty) throw nothingToRun(total, re);
  return { graph, total, selected, removedEdges: analysis.removedEdges, cycles: analysis.cycles };
}

/** The nodes, each that names a file and lines with its code (from the atoms, else read from the file). */
async function withCode(inputs: RunInputs, root: string): Promise<CodedNode[]> {
  const codeOf = new Map<string, string>();
  for (const f of inputs.atoms?.files ?? [])
    for (const a of f.atoms) if (typeof a.code === 'string') codeOf.set(a.id, a.code);
  const texts = new Map<string, Promise<string | undefined>>();
  const textOf = (abs: string) => {
    if (!texts.has(abs))
      texts.set(
        abs,
        readFile(abs, 'utf8').catch(() => undefined),
      );
    return texts.get(abs)!;
  };
  return Promise.all(
    inputs.graph.nodes.map(async (raw) => {
      const n = raw as CodedNode;
      if (typeof n.code === 'string') return n;
      const known = codeOf.get(n.id);
      if (known !== undefined) return { ...n, code: known };
      const file = typeof n.path === 'string' ? n.path : typeof n.file === 'string' ? n.file : undefined;
      if (!file || typeof n.startLine !== 'number') return n;
      const text = await textOf(isAbsolute(file) ? file : join(root, file));
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
}

/**
 * E_EXEC_NOTHING: a run with no node to run would report success having checked nothing. `total` is
 * how many nodes the inputs held, `onlyMatching` the selection that kept none of them.
 */
export function nothingToRun(total: number, onlyMatching?: RegExp): St3Error {
  if (total > 0 && onlyMatching)
    return new St3Error(
      'E_EXEC_NOTHING',
      `no node to run: the code of none of the ${total} node(s) matches ${onlyMatching}`,
      {
        hint: 'check the regular expression of --only-matching (onlyMatching); `st3 atomize --json` shows the atoms and their code',
      },
    );
  return new St3Error('E_EXEC_NOTHING', 'no node to run: the inputs hold no node', {
    hint: 'give a graph with nodes, atomizer output, or source files that hold functions',
  });
}
