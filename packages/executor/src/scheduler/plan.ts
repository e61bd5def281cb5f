import { createHash } from 'node:crypto';
import { groupByLevel, indexGraph, kahnLevels } from '@st3/dep-graph';
import { St3Error, type GraphEdge, type GraphInput, type GraphNode } from '@st3/schemas';

/**
 * A graph indexed for running, built on `@st3/dep-graph` (its CSR index and Kahn levels): nodes by
 * dense index (sorted by id, so every tie is broken by id), dependents in compressed rows,
 * dependency counts, waves and each node's longest path to a sink (the scheduling priority).
 * Linear in nodes + edges.
 */
export interface ExecutionPlan {
  ids: readonly string[];
  nodes: readonly GraphNode[];
  index: ReadonlyMap<string, number>;
  /** Dependents of node i: `dependents[offsets[i] .. offsets[i+1])`. */
  offsets: Int32Array;
  dependents: Int32Array;
  /** Number of distinct dependencies of each node. */
  dependencyCount: Int32Array;
  /** Kahn level of each node (0 = no dependencies). */
  level: Int32Array;
  waves: number[][];
  /** Nodes on the longest path from the node to a sink, itself included. */
  pathLength: Int32Array;
  edges: GraphEdge[];
}

/** Edges `st3 graph` removed to break cycles are listed in `removedEdges`; they are not run. */
function activeEdges(graph: GraphInput): GraphEdge[] {
  const removed = (graph as { removedEdges?: unknown }).removedEdges;
  if (!Array.isArray(removed) || removed.length === 0) return graph.edges;
  const cut = new Set(removed.map((e: { from?: string; to?: string }) => `${e.from}\u0000${e.to}`));
  return graph.edges.filter((e) => !cut.has(`${e.from}\u0000${e.to}`));
}

/** What dep-graph's indexing tolerates but a run must refuse: duplicate ids, unknown nodes, self-loops. */
function checkGraph(graph: GraphInput, edges: readonly GraphEdge[]): void {
  const seen = new Set<string>();
  for (const n of graph.nodes) {
    if (seen.has(n.id))
      throw new St3Error('E_EXEC_GRAPH_INVALID', `duplicate node id "${n.id}"`, {
        hint: 'every node id must be unique',
      });
    seen.add(n.id);
  }
  for (const e of edges) {
    const missing = !seen.has(e.from) ? e.from : !seen.has(e.to) ? e.to : undefined;
    if (missing !== undefined)
      throw new St3Error('E_EXEC_GRAPH_INVALID', `edge ${e.from} → ${e.to} names unknown node "${missing}"`, {
        hint: 'every edge must connect two listed nodes',
      });
    if (e.from === e.to)
      throw new St3Error('E_EXEC_GRAPH_INVALID', `node "${e.from}" depends on itself`, {
        hint: 'run `st3 graph` to break cycles first',
      });
  }
}

export function planExecution(graph: GraphInput): ExecutionPlan {
  const edges = activeEdges(graph);
  checkGraph(graph, edges);
  const g = indexGraph({ nodes: graph.nodes, edges });
  const n = g.n;
  // Dependents in target order (dep-graph's out-edge rows are sorted by target index).
  const offsets = g.outStart;
  const dependents = new Int32Array(g.outEdge.length);
  for (let p = 0; p < g.outEdge.length; p++) dependents[p] = g.dst[g.outEdge[p]!]!;
  const dependencyCount = new Int32Array(n);
  for (let v = 0; v < n; v++) dependencyCount[v] = g.inStart[v + 1]! - g.inStart[v]!;

  const levels = kahnLevels(g);
  if (!levels.acyclic) {
    const stuck: string[] = [];
    for (let i = 0; i < n && stuck.length < 10; i++) if (levels.level[i]! < 0) stuck.push(g.ids[i]!);
    const inCycles = n - levels.order.length;
    throw new St3Error(
      'E_EXEC_GRAPH_INVALID',
      `the graph has a dependency cycle through ${inCycles} node(s), e.g. ${stuck.join(', ')}`,
      {
        hint: 'run `st3 graph` first: it removes a minimum set of edges to break cycles',
        details: { nodesInCycles: inCycles, sample: stuck },
      },
    );
  }
  const waves = groupByLevel(levels.level, levels.count).map((w) => Array.from(w));

  const pathLength = new Int32Array(n);
  for (let k = levels.order.length - 1; k >= 0; k--) {
    const u = levels.order[k]!;
    let best = 0;
    for (let j = offsets[u]!; j < offsets[u + 1]!; j++) best = Math.max(best, pathLength[dependents[j]!]!);
    pathLength[u] = best + 1;
  }
  return {
    ids: g.ids,
    nodes: g.nodes,
    index: g.index,
    offsets,
    dependents,
    dependencyCount,
    level: levels.level,
    waves,
    pathLength,
    edges,
  };
}

/** Identity of a plan's graph for resume checks: sha256 over the sorted node ids and the distinct active edges in (from, to) id order. */
export function planHash(plan: ExecutionPlan): string {
  const h = createHash('sha256');
  const chunk: string[] = [];
  const flush = () => {
    h.update(chunk.join(''));
    chunk.length = 0;
  };
  for (const id of plan.ids) {
    chunk.push(`n:${id}\n`);
    if (chunk.length > 4096) flush();
  }
  for (let u = 0; u < plan.ids.length; u++) {
    for (let k = plan.offsets[u]!; k < plan.offsets[u + 1]!; k++) {
      chunk.push(`e:${plan.ids[u]}\u0000${plan.ids[plan.dependents[k]!]}\n`);
      if (chunk.length > 4096) flush();
    }
  }
  flush();
  return h.digest('hex');
}

/** `planHash` of a graph (throws like `planExecution` on an invalid one). */
export function graphHash(graph: GraphInput): string {
  return planHash(planExecution(graph));
}
